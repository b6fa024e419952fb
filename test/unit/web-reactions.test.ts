import { describe, expect, it } from 'vitest';

// The page's own modules, plain JavaScript served as is: loaded by path so that TypeScript does not type them.
const reactionsPath = '../../clients/web/reactions.js';
const repliesPath = '../../clients/web/replies.js';
const { applyReaction, reactionLabel } = await import(reactionsPath);
const { blankQuotes, excerpt, quoteOf } = await import(repliesPath);

const event = (emoji: string, user: string, on: boolean) => ({ of: '7', emoji, user, on });

describe("the web page's reaction counts", () => {
  it('counts each change of the reactions event by event, in the order of each emoji, and drops an emoji none keep', () => {
    const msg: { reactions?: object[] } = {};
    expect(applyReaction(msg, event('👍', 'bob', true), 'alice')).toBe(true);
    expect(applyReaction(msg, event('🎉', 'alice', true), 'alice')).toBe(true);
    expect(applyReaction(msg, event('👍', 'alice', true), 'alice')).toBe(true);
    expect(msg.reactions).toEqual([
      { emoji: '👍', count: 2, me: true },
      { emoji: '🎉', count: 1, me: true },
    ]);
    expect(applyReaction(msg, event('👍', 'bob', false), 'alice')).toBe(true);
    expect(applyReaction(msg, event('🎉', 'alice', false), 'alice')).toBe(true);
    expect(msg.reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
  });

  it("leaves counts that already hold the reader's own change as they are", () => {
    const msg = { reactions: [{ emoji: '👍', count: 1, me: true }] };
    expect(applyReaction(msg, event('👍', 'alice', true), 'alice')).toBe(false);
    expect(applyReaction(msg, event('🎉', 'alice', false), 'alice')).toBe(false);
    expect(msg.reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
  });

  it('says what a toggle is, how many, and what pressing it does', () => {
    expect(reactionLabel({ emoji: '👍', count: 3, me: true })).toBe('👍 3, you reacted; press to take back');
    expect(reactionLabel({ emoji: '👍', count: 3, me: false })).toBe('👍 3; press to react with it too');
  });
});

describe("the web page's quotes", () => {
  it('quotes the start of a text on one line, as the server does: 120 code points at most, cut between graphemes', () => {
    expect(excerpt('  shall\nwe\tmeet?  ', 120)).toBe('shall we meet?');
    expect(excerpt('x'.repeat(120), 120)).toBe('x'.repeat(120));
    expect(excerpt('x'.repeat(121), 120)).toBe(`${'x'.repeat(120)}…`);
    // A family emoji is seven code points: it goes whole or not at all.
    expect(excerpt(`${'x'.repeat(115)}👨‍👩‍👧‍👦`, 120)).toBe(`${'x'.repeat(115)}…`);
    expect(quoteOf({ id: '4', from: 'bob', text: 'hi\n there' })).toEqual({ id: '4', from: 'bob', text: 'hi there' });
  });

  it('blanks the quote of every reply to a deleted original, and only those', () => {
    const replies = [
      { id: '5', replyTo: { id: '4', from: 'bob', text: 'hi' } },
      { id: '6', replyTo: { id: '3', from: 'bob', text: 'older' } },
      { id: '7' },
    ];
    expect(blankQuotes(replies, '4').map((m: { id: string }) => m.id)).toEqual(['5']);
    expect(replies[0]!.replyTo).toEqual({ id: '4', from: 'bob', deleted: true });
    expect(replies[1]!.replyTo).toEqual({ id: '3', from: 'bob', text: 'older' });
    expect(blankQuotes(replies, '4')).toEqual([]);
  });
});
