import { describe, expect, it } from 'vitest';
import { pushPayload, pushWorthy, urgencyOf, type NotifyPrefs } from '../../src/core/notify/push-policy.js';
import type { NotifyLevel, QueuedMessage } from '../../src/core/ports/index.js';

const at = Date.parse('2026-12-06T14:00:00Z');
const message = (over: Partial<QueuedMessage>): QueuedMessage => ({
  id: 42,
  from: 'bob',
  to: 'ana',
  kind: 'direct',
  text: 'hi',
  sentAt: at,
  ...over,
});
const group = (over: Partial<QueuedMessage> = {}) => message({ kind: 'group', group: 'team', ...over });
const prefs = (levels: Record<string, NotifyLevel> = {}, quietUntil = 0): NotifyPrefs => ({
  levels: new Map(Object.entries(levels)),
  quietUntil,
});

describe('what is worth a push', () => {
  it('follows the defaults: direct messages and groups all, broadcasts none', () => {
    expect(pushWorthy(message({}), 'ana', prefs())).toEqual({ with: 'bob', mention: false });
    expect(pushWorthy(group(), 'ana', prefs())).toEqual({ with: 'team', mention: false });
    expect(pushWorthy(message({ kind: 'broadcast' }), 'ana', prefs())).toBeUndefined();
    expect(pushWorthy(message({ kind: 'broadcast' }), 'ana', prefs({ broad: 'all' }))).toEqual({
      with: 'broad',
      mention: false,
    });
  });

  it('lets a mention of the reader or @everyone through a group set to mentions, and nothing through none', () => {
    const muted = prefs({ team: 'mentions' });
    expect(pushWorthy(group(), 'ana', muted)).toBeUndefined();
    expect(pushWorthy(group({ mentions: ['cat'] }), 'ana', muted)).toBeUndefined();
    expect(pushWorthy(group({ mentions: ['cat', 'ana'] }), 'ana', muted)).toEqual({ with: 'team', mention: true });
    expect(pushWorthy(group({ mentions: ['everyone'] }), 'ana', muted)).toEqual({ with: 'team', mention: true });
    expect(pushWorthy(group({ mentions: ['ana'] }), 'ana', prefs({ team: 'none' }))).toBeUndefined();
    expect(pushWorthy(message({}), 'ana', prefs({ bob: 'none' }))).toBeUndefined();
  });

  it('holds back all but direct messages sent during quiet time, mentions included', () => {
    const quiet = prefs({}, at + 1);
    expect(pushWorthy(group({ mentions: ['ana'] }), 'ana', quiet)).toBeUndefined();
    expect(pushWorthy(message({}), 'ana', quiet)).toEqual({ with: 'bob', mention: false });
    // Quiet time that ended before the message was sent holds nothing back.
    expect(pushWorthy(group(), 'ana', prefs({}, at))).toEqual({ with: 'team', mention: false });
  });

  it('never pushes a deleted message or the reader’s own', () => {
    expect(pushWorthy(message({ deleted: true, text: '' }), 'ana', prefs())).toBeUndefined();
    expect(pushWorthy(group({ from: 'ana' }), 'ana', prefs())).toBeUndefined();
  });

  it('is urgent for people and mentions, less for groups, least for broadcasts', () => {
    expect(urgencyOf(message({}), { with: 'bob', mention: false })).toBe('high');
    expect(urgencyOf(group(), { with: 'team', mention: true })).toBe('high');
    expect(urgencyOf(group(), { with: 'team', mention: false })).toBe('normal');
    expect(urgencyOf(message({ kind: 'broadcast' }), { with: 'broad', mention: false })).toBe('low');
  });
});

describe('the payload', () => {
  it('carries the start of the text, cut between characters, or no text at all', () => {
    const long = '🙂'.repeat(200);
    const full = JSON.parse(pushPayload(message({ text: long }), { with: 'bob', mention: false }, true));
    expect([...full.text]).toHaveLength(141);
    expect(full.text.endsWith('🙂…')).toBe(true);
    expect(full).toMatchObject({ id: '42', from: 'bob', kind: 'direct', with: 'bob', mention: false });
    expect(full.sentAt).toBe('2026-12-06T14:00:00.000Z');
    const bare = JSON.parse(pushPayload(message({ text: 'secret' }), { with: 'bob', mention: false }, false));
    expect(bare).not.toHaveProperty('text');
    expect(
      Buffer.byteLength(pushPayload(message({ text: 'é'.repeat(4000) }), { with: 'b', mention: true }, true)),
    ).toBeLessThan(600);
  });
});
