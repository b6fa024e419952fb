import { beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent, Reaction, Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { draft, event, fill, idsOf, rowsOf, user } from './factories.js';

const team = { kind: 'group', group: 'team' } as const;
const teamHistory = { kind: 'group', with: 'team' } as const;
const newest = Number.MAX_SAFE_INTEGER;

/** A reaction's event to `recipients`, its data as the core writes it. */
const reacted = (r: Reaction, on: boolean, recipients: string[], at = 6_000): NewEvent =>
  event('reaction', { of: String(r.message), emoji: r.emoji, user: r.user, on }, recipients, at);

/** The quote of a reply and the reactions on a message: kept with the message, and gone with it. */
export function repliesAndReactionsContract(backend: () => FreshBackend): void {
  describe('replies and reactions', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('replies', () => {
      it("keeps a reply's quote wherever the reply is read, and none on other messages", async () => {
        const original = await store.appendMessage(draft(['bob', 'carol'], { ...team, text: 'lunch at noon?' }));
        const replyTo = { id: original, from: 'alice', text: 'lunch at noon?' };
        const reply = await store.appendMessage(
          draft(['alice', 'carol'], { ...team, from: 'bob', text: 'yes', sentAt: 2_000, replyTo }),
        );
        const expected = { id: reply, from: 'bob', ...team, text: 'yes', sentAt: 2_000, replyTo };
        expect((await rowsOf(store, 'carol')).map((r) => ('replyTo' in r ? r.replyTo : undefined))).toEqual([
          undefined,
          replyTo,
        ]);
        expect((await rowsOf(store, 'alice'))[0]).toEqual({ ...expected, to: 'alice' });
        expect(await store.readConversation('carol', teamHistory, newest, 10)).toEqual([
          expected,
          { id: original, from: 'alice', ...team, text: 'lunch at noon?', sentAt: 1_000 },
        ]);
        expect(await store.findMessage(reply)).toEqual(expected);
        expect((await store.summarize('carol', teamHistory)).last).toEqual(expected);
      });

      it('tells the feed the quote of a reply, with the other marks of the message', async () => {
        const feed = await backend().listen();
        const replyTo = { id: 7, from: 'bob', text: 'ping' };
        const id = await store.appendMessage(draft(['bob'], { bot: true, mentions: ['bob'], replyTo }));
        expect(await feed.told(1)).toEqual([
          {
            kind: 'message',
            message: {
              id,
              from: 'alice',
              kind: 'direct',
              text: 'hello',
              sentAt: 1_000,
              bot: true,
              mentions: ['bob'],
              replyTo,
            },
            recipients: ['bob'],
          },
        ]);
      });

      it('keeps the quote as it was through an edit of the original, and blanks it in every reply once the original is deleted', async () => {
        const original = await store.appendMessage(draft(['bob', 'carol'], { ...team, text: 'the code is 4711' }));
        const quote = { id: original, from: 'alice', text: 'the code is 4711' };
        const fromBob = await store.appendMessage(draft(['alice', 'carol'], { ...team, from: 'bob', replyTo: quote }));
        const fromCarol = await store.appendMessage(
          draft(['alice', 'bob'], { ...team, from: 'carol', replyTo: quote }),
        );
        await store.editMessage(original, 'the code is 0815', 3_000, event('edited', { of: original }, ['bob']));
        expect((await store.findMessage(fromBob))?.replyTo).toEqual(quote);
        await store.deleteMessage(original, event('deleted', { of: String(original) }, ['alice', 'bob', 'carol']));
        const blanked = { id: original, from: 'alice', text: '', deleted: true };
        for (const id of [fromBob, fromCarol]) expect((await store.findMessage(id))?.replyTo).toEqual(blanked);
        const rows = await rowsOf(store, 'alice');
        expect(rows.filter((r) => 'replyTo' in r).map((r) => ('replyTo' in r ? r.replyTo : undefined))).toEqual([
          blanked,
          blanked,
        ]);
        const history = await store.readConversation('carol', teamHistory, newest, 10);
        expect(history.slice(0, 2).map((m) => m.replyTo)).toEqual([blanked, blanked]);
        for (const read of [rows, history, await rowsOf(store, 'carol')])
          expect(JSON.stringify(read)).not.toContain('4711');
      });

      it('keeps no quote in a deleted reply, and a later deletion of the original still goes through', async () => {
        const original = await store.appendMessage(draft(['bob'], { text: 'question' }));
        const reply = await store.appendMessage(
          draft(['alice'], { from: 'bob', replyTo: { id: original, from: 'alice', text: 'question' } }),
        );
        await store.deleteMessage(reply, event('deleted', { of: String(reply) }, ['alice', 'bob']));
        expect(await store.findMessage(reply)).not.toHaveProperty('replyTo');
        expect(await store.deleteMessage(original, event('deleted', { of: String(original) }, ['bob']))).toBeDefined();
        expect(await store.findMessage(reply)).not.toHaveProperty('replyTo');
      });

      it('keeps the quote of a reply whose original retention removed, and forgets a pruned reply', async () => {
        const [original] = await fill(store, 'bob', 1);
        const quote = { id: original!, from: 'alice', text: 'm0' };
        const kept = await store.appendMessage(draft(['carol'], { replyTo: quote, sentAt: 50 }));
        const pruned = await store.appendMessage(draft(['bob'], { replyTo: quote, sentAt: 60 }));
        store.markDelivered('bob', pruned);
        expect(await store.prune({ olderThan: newest, batch: 100 })).toEqual({ removed: 2 });
        expect(await store.findMessage(original!)).toBeUndefined();
        expect(await store.findMessage(pruned)).toBeUndefined();
        expect((await store.findMessage(kept))?.replyTo).toEqual(quote);
      });
    });

    describe('reactions', () => {
      const thumbs = (message: number, who = 'bob'): Reaction => ({ message, emoji: '👍', user: who });

      it('adds and takes back a reaction with its event to everyone given, and writes nothing for no change', async () => {
        const id = await store.appendMessage(draft(['bob']));
        const holders = ['alice', 'bob'];
        const on = await store.setReaction(thumbs(id), true, 20, reacted(thumbs(id), true, holders));
        expect(on).toBeGreaterThan(id);
        expect(await store.setReaction(thumbs(id), true, 20, reacted(thumbs(id), true, holders))).toBe('unchanged');
        const off = await store.setReaction(thumbs(id), false, 20, reacted(thumbs(id), false, holders, 7_000));
        expect(off).toBeGreaterThan(on as number);
        expect(await store.setReaction(thumbs(id), false, 20, reacted(thumbs(id), false, holders))).toBe('unchanged');
        const rows = await rowsOf(store, 'bob');
        expect(rows.map((r) => r.id)).toEqual([id, on, off]);
        expect(rows[1]).toEqual({
          id: on,
          type: 'reaction',
          json: reacted(thumbs(id), true, []).json,
          at: 6_000,
          to: 'bob',
        });
        expect(await idsOf(store, 'alice')).toEqual([on, off]);
        expect(await store.reactionsOn('bob', [id])).toEqual(new Map());
      });

      it('counts each emoji for a reader, in the order of its oldest reaction still standing', async () => {
        const first = await store.appendMessage(draft(['bob', 'carol'], { ...team }));
        const second = await store.appendMessage(draft(['bob', 'carol'], { ...team }));
        const plain = await store.appendMessage(draft(['bob', 'carol'], { ...team }));
        const react = (r: Reaction) => store.setReaction(r, true, 20, reacted(r, true, ['alice']));
        await react(thumbs(first, 'alice'));
        await react({ message: first, emoji: '❤️', user: 'bob' });
        await react(thumbs(first, 'bob'));
        await react({ message: second, emoji: '🎉', user: 'carol' });
        const ids = [first, second, plain];
        expect(await store.reactionsOn('alice', ids)).toEqual(
          new Map([
            [
              first,
              [
                { emoji: '👍', count: 2, me: true },
                { emoji: '❤️', count: 1, me: false },
              ],
            ],
            [second, [{ emoji: '🎉', count: 1, me: false }]],
          ]),
        );
        expect((await store.reactionsOn('carol', ids)).get(second)).toEqual([{ emoji: '🎉', count: 1, me: true }]);
        await store.setReaction(thumbs(first, 'alice'), false, 20, reacted(thumbs(first, 'alice'), false, ['alice']));
        expect((await store.reactionsOn('alice', [first])).get(first)).toEqual([
          { emoji: '❤️', count: 1, me: false },
          { emoji: '👍', count: 1, me: false },
        ]);
        expect(await store.reactionsOn('alice', [])).toEqual(new Map());
      });

      it('refuses an emoji new to a message that has as many as allowed, writing nothing, but not one it has', async () => {
        const id = await store.appendMessage(draft(['bob']));
        const emoji = ['👍', '❤️', '🎉'];
        for (const e of emoji) {
          const r = { message: id, emoji: e, user: 'alice' };
          expect(await store.setReaction(r, true, 3, reacted(r, true, ['alice']))).toEqual(expect.any(Number));
        }
        const fourth = { message: id, emoji: '🚀', user: 'bob' };
        expect(await store.setReaction(fourth, true, 3, reacted(fourth, true, ['bob']))).toBe('too_many');
        expect(await idsOf(store, 'bob')).toEqual([id]);
        expect(await store.setReaction(thumbs(id), true, 3, reacted(thumbs(id), true, ['bob']))).toEqual(
          expect.any(Number),
        );
        const gone = { message: id, emoji: '🎉', user: 'alice' };
        await store.setReaction(gone, false, 3, reacted(gone, false, ['alice']));
        expect(await store.setReaction(fourth, true, 3, reacted(fourth, true, ['bob']))).toEqual(expect.any(Number));
        expect((await store.reactionsOn('bob', [id])).get(id)?.map((r) => r.emoji)).toEqual(['👍', '❤️', '🚀']);
      });

      it('refuses a reaction on a message not retained, on an event, or on a deleted message', async () => {
        const id = await store.appendMessage(draft(['bob']));
        const read = await store.markRead('bob', { kind: 'direct', with: 'alice' }, id, event('read', {}, ['bob']));
        const deleted = await store.appendMessage(draft(['bob']));
        await store.deleteMessage(deleted, event('deleted', { of: String(deleted) }, ['bob']));
        for (const message of [id + 1_000_000, read, deleted]) {
          expect(await store.setReaction(thumbs(message), true, 20, reacted(thumbs(message), true, ['bob']))).toBe(
            'gone',
          );
        }
        expect(await idsOf(store, 'bob')).toEqual([id, read, deleted, expect.any(Number)]);
      });

      it('tells the feed each change of a reaction by the time it resolves, and nothing of one that changed nothing', async () => {
        const id = await store.appendMessage(draft(['bob']));
        const feed = await backend().listen();
        const change = reacted(thumbs(id), true, ['alice', 'bob']);
        const on = await store.setReaction(thumbs(id), true, 20, change);
        expect(await store.setReaction(thumbs(id), true, 20, change)).toBe('unchanged');
        const next = await store.appendMessage(draft(['bob'], { text: 'next' }));
        expect(
          (await feed.told(2)).map((e) => (e.kind === 'event' ? e.event.id : e.kind === 'message' && e.message.id)),
        ).toEqual([on, next]);
        expect(feed.events[0]).toEqual({
          kind: 'event',
          event: { id: on, type: 'reaction', json: change.json, at: 6_000 },
          recipients: ['alice', 'bob'],
        });
      });

      it('removes the reactions of a deleted message', async () => {
        const id = await store.appendMessage(draft(['bob']));
        await store.setReaction(thumbs(id), true, 20, reacted(thumbs(id), true, ['bob']));
        await store.deleteMessage(id, event('deleted', { of: String(id) }, ['alice', 'bob']));
        expect(await store.reactionsOn('bob', [id])).toEqual(new Map());
      });

      it('removes the reactions of a message with it when retention prunes it, a broadcast too', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const direct = await store.appendMessage(draft(['bob'], { sentAt: 10 }));
        const broadcast = await store.appendMessage(draft([], { kind: 'broadcast', sentAt: 20 }));
        for (const message of [direct, broadcast]) {
          await store.setReaction(thumbs(message), true, 20, reacted(thumbs(message), true, ['alice'], 30));
        }
        store.markDelivered('bob', broadcast);
        store.markDelivered('alice', await store.lastMessageId());
        await store.prune({ olderThan: newest, batch: 100 });
        expect(await store.findMessage(direct)).toBeUndefined();
        expect(await store.findMessage(broadcast)).toBeUndefined();
        expect(await store.reactionsOn('bob', [direct, broadcast])).toEqual(new Map());
      });
    });
  });
}
