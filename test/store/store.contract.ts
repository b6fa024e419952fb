import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idEpochMs } from '../../src/core/ids.js';
import { idempotencyKeepMs, type NewEvent, type NewMessage, type QueueRow, type Store } from '../../src/core/ports/index.js';

/** A direct message from alice, unless told otherwise. */
export function draft(recipients: readonly string[], overrides: Partial<NewMessage> = {}): NewMessage {
  return { from: 'alice', kind: 'direct', text: 'hello', sentAt: 1_000, recipients, ...overrides };
}

const user = (name: string) => ({ name, passwordHash: `scrypt$${name}`, createdAt: 1 });
const group = (name: string, members: string[]) => ({ name, members, createdBy: members[0]!, createdAt: 2, owner: members[0]!, joined: {}, left: {} });

/** A message row's text, or an event row's data. */
const textOf = (row: QueueRow) => ('text' in row ? row.text : row.json);

/** The rows `name` reads after `after`, without the page's pruned position. */
async function rowsOf(store: Store, name: string, after = 0, limit = 100) {
  return (await store.readQueue(name, after, limit)).rows;
}

async function idsOf(store: Store, name: string, after = 0, limit = 100) {
  return (await rowsOf(store, name, after, limit)).map((r) => r.id);
}

async function cursorOf(store: Store, name: string) {
  return (await store.loadCursors()).find((c) => c.name === name);
}

/** Appends `n` messages to `to`, one after the other, with sentAt 1, 2, ... n (or as `sentAt` says). */
async function fill(store: Store, to: string, n: number, sentAt = (i: number) => i + 1): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(await store.appendMessage(draft([to], { text: `m${i}`, sentAt: sentAt(i) })));
  return ids;
}

/**
 * For a durable backend: writes one of everything, closes the store, opens another with `open` on the same data and
 * checks that it holds all of it and continues the ids.
 */
export async function expectKeptAcrossReopen(open: () => Promise<Store>): Promise<void> {
  const store = await open();
  await store.insertUser(user('alice'));
  await store.insertGroup(group('team', ['alice', 'bob']));
  const session = { tokenHash: 'a'.repeat(64), username: 'alice', createdAt: 3, expiresAt: 4, lastUsedAt: 3, userAgent: 'curl/8.11.1' };
  await store.insertSession(session);
  const first = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'one' }));
  const second = await store.appendMessage(draft(['bob'], { text: 'two' }));
  await store.markRead('bob', { kind: 'direct', with: 'alice' }, second);
  store.markDelivered('bob', first);
  await store.close();

  const reopened = await open();
  expect(await reopened.loadUsers()).toEqual([user('alice')]);
  expect(await reopened.loadGroups()).toEqual([group('team', ['alice', 'bob'])]);
  expect(await reopened.findSession(session.tokenHash)).toEqual(session);
  expect(await reopened.lastMessageId()).toBe(second);
  expect((await reopened.loadCursors()).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { name: 'alice', deliveredId: 0, prunedId: 0, pending: 0 },
    { name: 'bob', deliveredId: first, prunedId: 0, pending: 1 },
    { name: 'carol', deliveredId: 0, prunedId: 0, pending: 1 },
  ]);
  expect((await rowsOf(reopened, 'bob', 0, 10)).map(textOf)).toEqual(['one', 'two']);
  expect(await reopened.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ readId: second, unread: 0 });
  expect(await reopened.appendMessage(draft(['bob']))).toBeGreaterThan(second);
  await reopened.close();
}

/**
 * The contract written on the Store interface, run against one backend. `makeStore` returns a fresh, empty
 * store for every test; the suite closes it.
 */
export function describeStore(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('an empty store', () => {
      it('has no users, groups, cursors or messages', async () => {
        expect(await store.loadUsers()).toEqual([]);
        expect(await store.loadGroups()).toEqual([]);
        expect(await store.loadCursors()).toEqual([]);
        expect(await store.lastMessageId()).toBe(0);
        expect(await rowsOf(store, 'bob', 0, 10)).toEqual([]);
      });
    });

    describe('idempotency keys', () => {
      it('stores a message once per key of its sender: a retry, whatever it says, gets the first id and stores nothing', async () => {
        const first = await store.appendMessageOnce(draft(['bob'], { text: 'once' }), 'key-1');
        expect(first).toEqual({ id: first.id, replayed: false, sentAt: 1_000 });
        const retry = await store.appendMessageOnce(draft(['bob'], { text: 'said differently', sentAt: 2_000 }), 'key-1');
        // The first send's answer, its sentAt included.
        expect(retry).toEqual({ id: first.id, replayed: true, sentAt: 1_000 });
        expect((await rowsOf(store, 'bob')).map((r) => [r.id, textOf(r)])).toEqual([[first.id, 'once']]);
      });

      it('keeps the keys of different senders apart, and a send without a key is always stored', async () => {
        const alice = await store.appendMessageOnce(draft(['bob']), 'same');
        const carol = await store.appendMessageOnce(draft(['bob'], { from: 'carol' }), 'same');
        const keyless = await store.appendMessage(draft(['bob']));
        expect(carol.replayed).toBe(false);
        expect(new Set([alice.id, carol.id, keyless])).toHaveProperty('size', 3);
        expect(await idsOf(store, 'bob')).toEqual([alice.id, carol.id, keyless]);
      });

      it('replays a broadcast once, one entry in the shared log', async () => {
        await store.insertUser(user('bob'));
        const first = await store.appendMessageOnce(draft([], { kind: 'broadcast', text: 'all' }), 'b');
        expect(await store.appendMessageOnce(draft([], { kind: 'broadcast', text: 'all' }), 'b')).toEqual({ id: first.id, replayed: true, sentAt: 1_000 });
        expect(await idsOf(store, 'bob')).toEqual([first.id]);
      });

      it('forgets a key once its keep time has passed since the first message was sent', async () => {
        const first = await store.appendMessageOnce(draft(['bob'], { sentAt: 1_000 }), 'k');
        expect(await store.appendMessageOnce(draft(['bob'], { sentAt: 1_000 + idempotencyKeepMs - 1 }), 'k')).toEqual({ id: first.id, replayed: true, sentAt: 1_000 });
        const later = await store.appendMessageOnce(draft(['bob'], { sentAt: 1_000 + idempotencyKeepMs }), 'k');
        expect(later.replayed).toBe(false);
        expect(later.id).toBeGreaterThan(first.id);
        expect(await store.appendMessageOnce(draft(['bob'], { sentAt: 2_000 + idempotencyKeepMs }), 'k')).toEqual({ id: later.id, replayed: true, sentAt: 1_000 + idempotencyKeepMs });
      });
    });

    describe('users and groups', () => {
      it('stores a user with its password hash and refuses the same name twice', async () => {
        expect(await store.insertUser(user('alice'))).toBe(true);
        expect(await store.insertUser({ ...user('alice'), passwordHash: 'other' })).toBe(false);
        expect(await store.loadUsers()).toEqual([user('alice')]);
      });

      it('keeps a group with its members in order', async () => {
        expect(await store.insertGroup(group('team', ['carol', 'alice', 'bob']))).toBe(0);
        expect(await store.loadGroups()).toEqual([group('team', ['carol', 'alice', 'bob'])]);
      });

      it('refuses a group named like a user and a user named like a group', async () => {
        await store.insertUser(user('alice'));
        await store.insertGroup(group('team', ['alice', 'bob']));
        expect(await store.insertGroup(group('alice', ['alice', 'bob']))).toBe(false);
        expect(await store.insertUser(user('team'))).toBe(false);
        expect(await store.loadUsers()).toEqual([user('alice')]);
        expect(await store.loadGroups()).toEqual([group('team', ['alice', 'bob'])]);
      });

      it('lets exactly one of several concurrent claims of a name win', async () => {
        const results = await Promise.all([
          store.insertUser(user('dora')),
          store.insertGroup(group('dora', ['x', 'y'])),
          store.insertUser({ ...user('dora'), passwordHash: 'second' }),
        ]);
        expect(results).toEqual([true, false, false]);
        expect(await store.loadUsers()).toEqual([user('dora')]);
        expect(await store.loadGroups()).toEqual([]);
      });
    });

    describe('sessions', () => {
      const session = { tokenHash: 'a'.repeat(64), username: 'alice', createdAt: 10, expiresAt: 100, lastUsedAt: 10 };

      it('finds a session by its token hash and nothing for an unknown one', async () => {
        await store.insertSession(session);
        expect(await store.findSession(session.tokenHash)).toEqual(session);
        expect(await store.findSession('b'.repeat(64))).toBeUndefined();
      });

      it('keeps the user agent a session signed in with, and none for one without', async () => {
        const agent = 'Mozilla/5.0 (X11; Linux x86_64) "quoted" \\ \u00e9';
        await store.insertSession({ ...session, userAgent: agent });
        const plain = { ...session, tokenHash: 'b'.repeat(64), createdAt: 20, lastUsedAt: 20 };
        await store.insertSession(plain);
        expect(await store.findSession(session.tokenHash)).toEqual({ ...session, userAgent: agent });
        expect(await store.findSession(plain.tokenHash)).toEqual(plain);
        expect(await store.sessionsOf('alice')).toEqual([{ ...session, userAgent: agent }, plain]);
      });

      it('names, of many sessions at once, those unknown or expired', async () => {
        await store.insertSession(session);
        await store.insertSession({ ...session, tokenHash: 'b'.repeat(64), expiresAt: 50 });
        await store.insertSession({ ...session, tokenHash: 'c'.repeat(64), expiresAt: 60 });
        await store.deleteSession('c'.repeat(64), 'revoked');
        const asked = ['a', 'b', 'c', 'd'].map((c) => c.repeat(64));
        expect(await store.endedSessions(asked, 50)).toEqual(['b', 'c', 'd'].map((c) => c.repeat(64)));
        expect(await store.endedSessions(asked, 49)).toEqual(['c', 'd'].map((c) => c.repeat(64)));
        expect(await store.endedSessions([], 49)).toEqual([]);
      });

      it('moves the expiry and the last use of a session and ignores an unknown one', async () => {
        await store.insertSession({ ...session, userAgent: 'curl' });
        await store.touchSession(session.tokenHash, 500, 70);
        await store.touchSession('c'.repeat(64), 500, 70);
        expect(await store.findSession(session.tokenHash)).toEqual({ ...session, userAgent: 'curl', expiresAt: 500, lastUsedAt: 70 });
        expect(await store.findSession('c'.repeat(64))).toBeUndefined();
        expect(await store.sessionsOf('alice')).toEqual([{ ...session, userAgent: 'curl', expiresAt: 500, lastUsedAt: 70 }]);
      });

      it('forgets a revoked session, and it leaves its user\'s list', async () => {
        await store.insertSession(session);
        await store.insertSession({ ...session, tokenHash: 'b'.repeat(64), createdAt: 20 });
        await store.deleteSession(session.tokenHash, 'revoked');
        expect(await store.findSession(session.tokenHash)).toBeUndefined();
        expect(await store.sessionsOf('alice')).toEqual([{ ...session, tokenHash: 'b'.repeat(64), createdAt: 20 }]);
      });

      it('forgets a deleted session', async () => {
        await store.insertSession(session);
        await store.deleteSession(session.tokenHash);
        expect(await store.findSession(session.tokenHash)).toBeUndefined();
      });
    });

    describe('messages', () => {
      it('assigns strictly increasing ids in call order and resolves concurrent appends in that order', async () => {
        const resolved: number[] = [];
        const calls = Array.from({ length: 50 }, (_, i) =>
          store.appendMessage(draft([i % 2 ? 'bob' : 'carol'], { text: `t${i}` })).then((id) => {
            resolved.push(id);
            return id;
          }),
        );
        const ids = await Promise.all(calls);
        for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
        expect(resolved).toEqual(ids);
        expect(await store.lastMessageId()).toBe(ids[ids.length - 1]);
      });

      it('assigns ids from the clock: the microseconds since 2020 at the append, or one more than the last id', async () => {
        const before = (Date.now() - idEpochMs) * 1000;
        const ids = await fill(store, 'bob', 20);
        const after = (Date.now() - idEpochMs) * 1000;
        // A millisecond either way: the JavaScript clock counts whole milliseconds, Redis's counts microseconds.
        expect(ids[0]).toBeGreaterThanOrEqual(before - 1000);
        expect(ids[19]).toBeLessThanOrEqual(after + 1000 + 20);
        for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
        expect(ids.every(Number.isSafeInteger)).toBe(true);
      });

      it('stores a message for every recipient with all its fields', async () => {
        const id = await store.appendMessage(draft(['bob', 'carol', 'dave'], { kind: 'group', group: 'team', text: 'hi all', sentAt: 42 }));
        for (const to of ['bob', 'carol', 'dave']) {
          expect(await rowsOf(store, to, 0, 10)).toEqual([
            { id, from: 'alice', to, kind: 'group', group: 'team', text: 'hi all', sentAt: 42 },
          ]);
        }
        expect(await rowsOf(store, 'alice', 0, 10)).toEqual([]);
      });

      it('keeps text exactly, including newlines, quotes and non-ASCII characters', async () => {
        const text = 'line one\nline "two"\r\n\u00e9\u4e2d\ud83d\ude00 \\ end';
        await store.appendMessage(draft(['bob'], { text }));
        expect(textOf((await rowsOf(store, 'bob', 0, 1))[0]!)).toBe(text);
      });

      it('gives a message with no recipients an id all the same', async () => {
        const first = await store.appendMessage(draft([], { kind: 'broadcast' }));
        const second = await store.appendMessage(draft(['bob']));
        expect(second).toBeGreaterThan(first);
        expect(await store.lastMessageId()).toBe(second);
      });

      it('pages through a queue after a position, oldest first', async () => {
        const ids = await fill(store, 'bob', 7);
        await store.appendMessage(draft(['carol']));
        expect((await idsOf(store, 'bob', 0, 3))).toEqual(ids.slice(0, 3));
        expect((await idsOf(store, 'bob', ids[2]!, 3))).toEqual(ids.slice(3, 6));
        expect((await idsOf(store, 'bob', ids[5]!, 3))).toEqual(ids.slice(6));
        expect(await rowsOf(store, 'bob', ids[6]!, 3)).toEqual([]);
      });
    });

    describe('cursors', () => {
      it('counts what waits for a recipient who never had a stream', async () => {
        await fill(store, 'bob', 3);
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: 0, prunedId: 0, pending: 3 });
      });

      it('moves the delivered position forward only', async () => {
        const ids = await fill(store, 'bob', 5);
        store.markDelivered('bob', ids[3]!);
        store.markDelivered('bob', ids[1]!);
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: ids[3], prunedId: 0, pending: 1 });
      });

      it('keeps the delivered position of a user with nothing queued', async () => {
        store.markDelivered('erin', 7);
        expect(await cursorOf(store, 'erin')).toEqual({ name: 'erin', deliveredId: 7, prunedId: 0, pending: 0 });
      });
    });

    describe('the broadcast log', () => {
      it('gives every registered user a broadcast once, merged by id with their own queue, but not its sender', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        const d1 = await store.appendMessage(draft(['bob']));
        const b1 = await store.appendMessage(draft([], { kind: 'broadcast', text: 'to all', sentAt: 7 }));
        const d2 = await store.appendMessage(draft(['bob'], { from: 'carol' }));
        expect(await idsOf(store, 'bob')).toEqual([d1, b1, d2]);
        expect(await rowsOf(store, 'carol')).toEqual([{ id: b1, from: 'alice', to: 'carol', kind: 'broadcast', text: 'to all', sentAt: 7 }]);
        expect(await rowsOf(store, 'alice')).toEqual([]);
      });

      it('gives a user registered after a broadcast only the later ones', async () => {
        await store.insertUser(user('alice'));
        await store.insertUser(user('bob'));
        await store.appendMessage(draft([], { kind: 'broadcast', text: 'before' }));
        await store.insertUser(user('dora'));
        const later = await store.appendMessage(draft([], { kind: 'broadcast', text: 'after' }));
        expect(await idsOf(store, 'dora')).toEqual([later]);
        expect((await rowsOf(store, 'bob')).map(textOf)).toEqual(['before', 'after']);
      });

      it('pages through queue and log together, a page at a time, from any position', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const ids: number[] = [];
        for (let i = 0; i < 12; i++) {
          ids.push(await store.appendMessage(draft(i % 3 === 0 ? [] : ['bob'], { kind: i % 3 === 0 ? 'broadcast' : 'direct', text: `m${i}` })));
        }
        const read: number[] = [];
        let after = 0;
        for (;;) {
          const page = await idsOf(store, 'bob', after, 5);
          read.push(...page);
          if (page.length < 5) break;
          after = page[page.length - 1]!;
        }
        expect(read).toEqual(ids);
        expect(await idsOf(store, 'bob', ids[6]!, 3)).toEqual(ids.slice(7, 10));
      });

      it('counts only direct and group messages as pending', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        await store.appendMessage(draft([], { kind: 'broadcast' }));
        await store.appendMessage(draft(['bob']));
        expect(await cursorOf(store, 'bob')).toMatchObject({ deliveredId: 0, pending: 1 });
      });
    });

    describe('conversations', () => {
      const direct = (peer: string) => ({ kind: 'direct' as const, with: peer });
      const broad = { kind: 'broadcast' as const, with: 'broad' as const };
      const ids = (messages: { id: number }[]) => messages.map((m) => m.id);

      it('reads the direct messages between two users both ways, newest first, by position', async () => {
        const a1 = await store.appendMessage(draft(['bob'], { text: 'a1' }));
        await store.appendMessage(draft(['carol'], { text: 'to carol' }));
        const b1 = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'b1' }));
        const a2 = await store.appendMessage(draft(['bob'], { text: 'a2' }));
        expect(ids(await store.readConversation('alice', direct('bob'), Number.MAX_SAFE_INTEGER, 10))).toEqual([a2, b1, a1]);
        expect(await store.readConversation('bob', direct('alice'), Number.MAX_SAFE_INTEGER, 10)).toEqual(
          await store.readConversation('alice', direct('bob'), Number.MAX_SAFE_INTEGER, 10),
        );
        expect(ids(await store.readConversation('alice', direct('bob'), a2, 1))).toEqual([b1]);
        expect(ids(await store.readConversation('alice', direct('bob'), a1, 10))).toEqual([]);
        expect((await store.readConversation('bob', direct('alice'), b1, 10))[0]).toEqual({ id: a1, from: 'alice', kind: 'direct', text: 'a1', sentAt: 1_000 });
        expect((await store.directPeers('alice')).sort()).toEqual(['bob', 'carol']);
        expect(await store.directPeers('carol')).toEqual(['alice']);
      });

      it('reads every message of a group, its senders own included', async () => {
        const g = { kind: 'group' as const, with: 'team' };
        const one = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'one' }));
        const two = await store.appendMessage(draft(['alice', 'carol'], { from: 'bob', kind: 'group', group: 'team', text: 'two' }));
        await store.appendMessage(draft(['bob'], { kind: 'group', group: 'other' }));
        expect(ids(await store.readConversation('alice', g, Number.MAX_SAFE_INTEGER, 10))).toEqual([two, one]);
        expect((await store.readConversation('carol', g, Number.MAX_SAFE_INTEGER, 10))[0]).toMatchObject({ group: 'team', from: 'bob' });
      });

      it('reads the broadcasts a user sent or could read', async () => {
        await store.insertUser(user('alice'));
        const before = await store.appendMessage(draft([], { kind: 'broadcast', text: 'before dora' }));
        await store.insertUser(user('dora'));
        const after = await store.appendMessage(draft([], { kind: 'broadcast', text: 'after dora' }));
        const own = await store.appendMessage(draft([], { kind: 'broadcast', from: 'dora', text: 'from dora' }));
        expect(ids(await store.readConversation('alice', broad, Number.MAX_SAFE_INTEGER, 10))).toEqual([own, after, before]);
        expect(ids(await store.readConversation('dora', broad, Number.MAX_SAFE_INTEGER, 10))).toEqual([own, after]);
      });

      it('summarizes a conversation: its last message, and unread messages from others after the read mark', async () => {
        const a1 = await store.appendMessage(draft(['bob'], { text: 'a1' }));
        const a2 = await store.appendMessage(draft(['bob'], { text: 'a2' }));
        const b1 = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'b1' }));
        expect(await store.summarize('bob', direct('alice'))).toEqual({ last: expect.objectContaining({ id: b1 }), unread: 2, readId: 0 });
        expect(await store.summarize('alice', direct('bob'))).toMatchObject({ unread: 1, readId: 0 });
        await store.markRead('bob', direct('alice'), a1);
        await store.markRead('bob', direct('alice'), 0);
        expect(await store.summarize('bob', direct('alice'))).toMatchObject({ unread: 1, readId: a1 });
        await store.markRead('bob', direct('alice'), a2);
        expect(await store.summarize('bob', direct('alice'))).toMatchObject({ unread: 0, readId: a2 });
        expect(await store.summarize('bob', { kind: 'group', with: 'nothing' })).toEqual({ unread: 0, readId: 0 });
      });

      it('counts unread broadcasts from after the user registered', async () => {
        await store.insertUser(user('alice'));
        await store.appendMessage(draft([], { kind: 'broadcast' }));
        await store.insertUser(user('dora'));
        const later = await store.appendMessage(draft([], { kind: 'broadcast' }));
        await store.appendMessage(draft([], { kind: 'broadcast', from: 'dora' }));
        expect(await store.summarize('dora', broad)).toMatchObject({ unread: 1 });
        await store.markRead('dora', broad, later);
        expect(await store.summarize('dora', broad)).toMatchObject({ unread: 0, readId: later });
      });

      it('forgets what retention removed', async () => {
        const [first, second] = await fill(store, 'bob', 2);
        store.markDelivered('bob', first!);
        await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 100 });
        expect(ids(await store.readConversation('alice', direct('bob'), Number.MAX_SAFE_INTEGER, 10))).toEqual([second]);
      });
    });

    describe('retention', () => {
      const keepAll = { olderThan: 0, batch: 1_000 };

      it('prunes delivered messages sent before the age limit and says how far on the page', async () => {
        const ids = await fill(store, 'bob', 6, (i) => 100 * (i + 1));
        store.markDelivered('bob', ids[5]!);
        const result = await store.prune({ ...keepAll, olderThan: 350 });
        expect(result).toEqual({ removed: 3 });
        expect(await store.readQueue('bob', 0, 100)).toEqual({ rows: (await rowsOf(store, 'bob', ids[2]!)), prunedId: ids[2] });
        expect(await idsOf(store, 'bob')).toEqual(ids.slice(3));
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: ids[5], prunedId: ids[2], pending: 0 });
      });

      it('never prunes undelivered messages, however old', async () => {
        const ids = await fill(store, 'bob', 5);
        store.markDelivered('bob', ids[1]!);
        const result = await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 1_000 });
        expect(result).toEqual({ removed: 2 });
        expect(await idsOf(store, 'bob')).toEqual(ids.slice(2));
        expect(await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 1_000 })).toEqual({ removed: 0 });
      });

      it('removes at most a batch per call, and fewer than a batch once within the policy', async () => {
        const bob = await fill(store, 'bob', 6);
        const carol = await fill(store, 'carol', 6);
        store.markDelivered('bob', bob[5]!);
        store.markDelivered('carol', carol[5]!);
        const policy = { olderThan: Number.MAX_SAFE_INTEGER, batch: 4 };
        const results = [await store.prune(policy), await store.prune(policy), await store.prune(policy), await store.prune(policy)];
        expect(results.map((r) => r.removed)).toEqual([4, 4, 4, 0]);
        expect(await cursorOf(store, 'bob')).toMatchObject({ prunedId: bob[5] });
        expect(await cursorOf(store, 'carol')).toMatchObject({ prunedId: carol[5] });
        expect(await rowsOf(store, 'bob')).toEqual([]);
        expect(await rowsOf(store, 'carol')).toEqual([]);
      });

      it('keeps a group message for the members who still hold it when others pruned it', async () => {
        const id = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'shared' }));
        store.markDelivered('bob', id);
        await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 100 });
        expect(await rowsOf(store, 'bob')).toEqual([]);
        expect((await rowsOf(store, 'carol')).map(textOf)).toEqual(['shared']);
      });

      it('prunes a broadcast only once every user it reaches has had it, and raises their pruned position', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        const b1 = await store.appendMessage(draft([], { kind: 'broadcast', text: 'one' }));
        const b2 = await store.appendMessage(draft([], { kind: 'broadcast', text: 'two', from: 'bob' }));
        const old = { olderThan: Number.MAX_SAFE_INTEGER, batch: 100 };
        store.markDelivered('bob', b1);
        expect(await store.prune(old)).toEqual({ removed: 0 });
        store.markDelivered('carol', b2);
        // alice sent b1, so bob and carol decide it; b2 still waits for alice.
        expect(await store.prune(old)).toEqual({ removed: 1 });
        expect(await idsOf(store, 'alice')).toEqual([b2]);
        expect(await idsOf(store, 'carol')).toEqual([b2]);
        expect((await store.readQueue('carol', 0, 10)).prunedId).toBe(b1);
        store.markDelivered('alice', b2);
        expect(await store.prune(old)).toEqual({ removed: 1 });
        expect(await idsOf(store, 'carol')).toEqual([]);
        expect((await store.readQueue('bob', 0, 10)).prunedId).toBe(b2);
      });

      it('keeps a delivered broadcast younger than the age limit', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const b = await store.appendMessage(draft([], { kind: 'broadcast', sentAt: 500 }));
        store.markDelivered('bob', b);
        expect(await store.prune({ olderThan: 500, batch: 100 })).toEqual({ removed: 0 });
        expect(await idsOf(store, 'bob')).toEqual([b]);
      });

      it('never reuses an id, even after every message was pruned', async () => {
        const ids = await fill(store, 'bob', 3);
        store.markDelivered('bob', ids[2]!);
        await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 100 });
        expect(await store.lastMessageId()).toBe(ids[2]);
        expect(await store.appendMessage(draft(['bob']))).toBeGreaterThan(ids[2]!);
      });
    });

    describe('events', () => {
      const event = (type: NewEvent['type'], data: object, recipients: string[], at = 5_000): NewEvent => ({ type, json: JSON.stringify(data), at, recipients });
      const team = (members: string[]) => ({ ...group('team', members), createdBy: 'alice', owner: 'alice' });
      const asc = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

      it('appends a group event with the next id, merged in id order with messages, for everyone it concerns', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        const created = event('group', { change: 'created' }, ['alice', 'bob']);
        const c = await store.insertGroup(team(['alice', 'bob']), created);
        expect(c).toBeGreaterThan(0);
        const m = await store.appendMessage(draft(['bob'], { kind: 'group', group: 'team', text: 'hi' }));
        const added = event('group', { change: 'added', users: ['carol'] }, ['alice', 'bob', 'carol']);
        const ids = await store.changeGroup({ name: 'team', expected: ['alice', 'bob'], members: ['alice', 'bob', 'carol'], owner: 'alice', added: ['carol'], removed: [], events: [added] });
        expect(ids).toHaveLength(1);
        const [e] = ids!;
        expect(c as number).toBeLessThan(m);
        expect(m).toBeLessThan(e!);
        expect(await idsOf(store, 'bob')).toEqual([c, m, e]);
        expect(await idsOf(store, 'carol')).toEqual([e]);
        expect(await rowsOf(store, 'carol')).toEqual([{ id: e, type: 'group', json: added.json, at: 5_000, to: 'carol' }]);
        expect(textOf((await rowsOf(store, 'alice'))[1]!)).toBe(added.json);
        expect(await store.loadGroups()).toEqual([{ ...team(['alice', 'bob', 'carol']), joined: { carol: e } }]);
        expect(await store.lastMessageId()).toBe(e);
      });

      it('refuses a change decided on members that changed meanwhile, writing nothing', async () => {
        await store.insertGroup(team(['alice', 'bob']));
        const stale = event('group', { change: 'removed' }, ['alice', 'bob']);
        expect(await store.changeGroup({ name: 'team', expected: ['alice'], members: [], owner: 'alice', added: [], removed: ['alice'], events: [stale] })).toBeUndefined();
        expect(await store.changeGroup({ name: 'nope', expected: [], members: ['alice'], owner: 'alice', added: ['alice'], removed: [], events: [stale] })).toBeUndefined();
        expect(await store.loadGroups()).toEqual([team(['alice', 'bob'])]);
        expect(await rowsOf(store, 'bob')).toEqual([]);
      });

      it('appends several events of one change with rising ids, and records when a member left', async () => {
        await store.insertGroup(team(['alice', 'bob', 'carol']));
        const left = event('group', { change: 'left' }, ['alice', 'bob', 'carol']);
        const owner = event('group', { change: 'owner' }, ['alice', 'bob', 'carol']);
        const ids = (await store.changeGroup({ name: 'team', expected: ['alice', 'bob', 'carol'], members: ['bob', 'carol'], owner: 'bob', added: [], removed: ['alice'], events: [left, owner] }))!;
        expect(ids).toEqual(asc(ids));
        expect(ids[0]).toBeLessThan(ids[1]!);
        expect((await rowsOf(store, 'alice')).map(textOf)).toEqual([left.json, owner.json]);
        expect(await store.loadGroups()).toEqual([{ ...team(['bob', 'carol']), owner: 'bob', left: { alice: ids[0] } }]);
        // Nobody left: the group ends, its name stays taken.
        await store.changeGroup({ name: 'team', expected: ['bob', 'carol'], members: [], owner: 'bob', added: [], removed: ['bob', 'carol'], events: [event('group', { change: 'ended' }, ['bob', 'carol'])] });
        expect((await store.loadGroups())[0]!.members).toEqual([]);
        expect(await store.insertUser(user('team'))).toBe(false);
      });

      it('gives a group member the history from when they joined, and a former member the history until they left', async () => {
        const g = { kind: 'group' as const, with: 'team' };
        const m1 = await store.appendMessage(draft(['bob'], { kind: 'group', group: 'team', text: 'one' }));
        const m2 = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'two' }));
        const m3 = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'three' }));
        const read = (ref: typeof g & { after?: number; through?: number }) => store.readConversation('carol', ref, Number.MAX_SAFE_INTEGER, 10);
        expect((await read({ ...g, after: m1 })).map((m) => m.id)).toEqual([m3, m2]);
        expect((await read({ ...g, after: m1, through: m2 })).map((m) => m.id)).toEqual([m2]);
        expect(await store.summarize('carol', { ...g, after: m1, through: m2 })).toMatchObject({ unread: 1, last: { id: m2 } });
      });

      it('edits a message in place and appends the edit for its recipients', async () => {
        const id = await store.appendMessage(draft(['bob'], { text: 'helo' }));
        const edit = event('edited', { of: String(id), text: 'hello' }, ['bob', 'alice'], 2_000);
        const e = await store.editMessage(id, 'hello', 2_000, edit);
        expect(e).toBeGreaterThan(id);
        expect(await store.findMessage(id)).toEqual({ id, from: 'alice', to: 'bob', kind: 'direct', text: 'hello', sentAt: 1_000, editedAt: 2_000 });
        const rows = await rowsOf(store, 'bob');
        expect(rows[0]).toMatchObject({ id, text: 'hello', editedAt: 2_000 });
        expect(rows[1]).toEqual({ id: e, type: 'edited', json: edit.json, at: 2_000, to: 'bob' });
        expect(await idsOf(store, 'alice')).toEqual([e]);
        expect(await store.editMessage(id + 1_000_000, 'x', 2_000, edit)).toBeUndefined();
      });

      it('deletes a message: a tombstone stays, its text and the texts of its edits are gone, it cannot be edited again', async () => {
        const id = await store.appendMessage(draft(['bob'], { text: 'secret one' }));
        const edit = event('edited', { of: String(id), text: 'secret two' }, ['bob', 'alice']);
        const e = (await store.editMessage(id, 'secret two', 2_000, edit))!;
        const deletion = event('deleted', { of: String(id) }, ['bob', 'alice']);
        const d = (await store.deleteMessage(id, deletion))!;
        expect(d).toBeGreaterThan(e);
        expect(await store.findMessage(id)).toMatchObject({ id, deleted: true, text: '' });
        const rows = await rowsOf(store, 'bob');
        expect(rows.map((r) => r.id)).toEqual([id, e, d]);
        expect(rows[0]).toMatchObject({ id, deleted: true, text: '' });
        expect(rows[1]).toEqual({ id: e, type: 'deleted', json: deletion.json, at: 5_000, to: 'bob' });
        expect(JSON.stringify(rows)).not.toContain('secret');
        expect(JSON.stringify(await store.readConversation('bob', { kind: 'direct', with: 'alice' }, Number.MAX_SAFE_INTEGER, 10))).not.toContain('secret');
        expect(await store.editMessage(id, 'again', 3_000, edit)).toBeUndefined();
        expect(await store.deleteMessage(id, deletion)).toBeUndefined();
        expect(await idsOf(store, 'bob')).toEqual([id, e, d]);
      });

      it('counts no tombstone as unread, for the recipient, and none of the sender\'s own either', async () => {
        const kept = await store.appendMessage(draft(['bob'], { text: 'stays' }));
        const gone = await store.appendMessage(draft(['bob'], { text: 'goes' }));
        const reply = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'reply' }));
        const mine = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'mine, taken back' }));
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ unread: 2 });
        await store.deleteMessage(gone, event('deleted', { of: String(gone) }, ['bob', 'alice']));
        await store.deleteMessage(mine, event('deleted', { of: String(mine) }, ['bob', 'alice']));
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ unread: 1 });
        expect(await store.summarize('alice', { kind: 'direct', with: 'bob' })).toMatchObject({ unread: 1 });
        await store.markRead('bob', { kind: 'direct', with: 'alice' }, kept);
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ unread: 0 });
        expect(reply).toBeGreaterThan(kept);
      });

      it('appends a read mark for the reader alone, in the same step as the mark', async () => {
        const id = await store.appendMessage(draft(['bob'], { text: 'hi' }));
        const read = event('read', { with: 'alice', upTo: String(id) }, ['bob']);
        const r = await store.markRead('bob', { kind: 'direct', with: 'alice' }, id, read);
        expect(r).toBeGreaterThan(id);
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ readId: id, unread: 0 });
        expect(await idsOf(store, 'bob')).toEqual([id, r]);
        expect(await idsOf(store, 'alice')).toEqual([]);
        expect(await store.markRead('bob', { kind: 'direct', with: 'alice' }, id)).toBe(0);
      });

      it('counts no event as pending, and prunes delivered events like messages', async () => {
        await store.insertUser(user('bob'));
        const m = await store.appendMessage(draft(['bob'], { sentAt: 1 }));
        const r = await store.markRead('bob', { kind: 'direct', with: 'alice' }, m, event('read', { upTo: String(m) }, ['bob'], 2));
        expect(await cursorOf(store, 'bob')).toMatchObject({ pending: 1 });
        store.markDelivered('bob', m);
        expect(await cursorOf(store, 'bob')).toMatchObject({ pending: 0 });
        store.markDelivered('bob', r);
        expect(await store.prune({ olderThan: 10, batch: 10 })).toEqual({ removed: 2 });
        expect(await store.readQueue('bob', 0, 10)).toEqual({ rows: [], prunedId: r });
      });

      it('knows the position of an event as it knows a message', async () => {
        await store.insertUser(user('bob'));
        const m = await store.appendMessage(draft(['bob']));
        const r = await store.markRead('bob', { kind: 'direct', with: 'alice' }, m, event('read', { upTo: String(m) }, ['bob']));
        expect(await store.knowsPosition('bob', r)).toBe(true);
        expect(await store.knowsPosition('bob', r + 1)).toBe(false);
      });
    });

    describe('positions', () => {
      it('knows 0, every retained id a user reads, and nothing else', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        const direct = await store.appendMessage(draft(['bob']));
        const toCarol = await store.appendMessage(draft(['carol']));
        const broadcast = await store.appendMessage(draft([], { kind: 'broadcast' }));
        const own = await store.appendMessage(draft([], { kind: 'broadcast', from: 'bob' }));
        expect(await store.knowsPosition('bob', 0)).toBe(true);
        expect(await store.knowsPosition('bob', direct)).toBe(true);
        expect(await store.knowsPosition('bob', broadcast)).toBe(true);
        // Ids it gave others, its own broadcast, ids between, ids beyond, and users it never had.
        expect(await store.knowsPosition('bob', toCarol)).toBe(false);
        expect(await store.knowsPosition('bob', own)).toBe(false);
        expect(await store.knowsPosition('bob', direct + 1 === toCarol ? direct - 1 : direct + 1)).toBe(false);
        expect(await store.knowsPosition('bob', own + 1)).toBe(false);
        expect(await store.knowsPosition('nobody', direct)).toBe(false);
      });

      it('knows the ids retention removed, up to the pruned position', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const ids = await fill(store, 'bob', 3);
        const broadcast = await store.appendMessage(draft([], { kind: 'broadcast' }));
        store.markDelivered('bob', broadcast);
        store.markDelivered('alice', broadcast);
        await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 100 });
        expect(await idsOf(store, 'bob')).toEqual([]);
        for (const id of [...ids, broadcast]) expect(await store.knowsPosition('bob', id)).toBe(true);
        expect(await store.knowsPosition('bob', broadcast + 1)).toBe(false);
      });
    });

    describe('operator commands', () => {
      const sessionOf = (username: string, n: number, createdAt = n) => ({
        tokenHash: `${username}-${n}`.padEnd(64, '0'),
        username,
        createdAt,
        expiresAt: 1_000,
        lastUsedAt: createdAt,
      });

      it('lists and deletes every session of one user and no other', async () => {
        for (const s of [sessionOf('bob', 2), sessionOf('alice', 1), sessionOf('bob', 1)]) await store.insertSession(s);
        expect(await store.sessionsOf('bob')).toEqual([sessionOf('bob', 1), sessionOf('bob', 2)]);
        expect(await store.deleteSessionsOf('bob')).toBe(2);
        expect(await store.sessionsOf('bob')).toEqual([]);
        expect(await store.findSession(sessionOf('bob', 1).tokenHash)).toBeUndefined();
        expect(await store.findSession(sessionOf('alice', 1).tokenHash)).toEqual(sessionOf('alice', 1));
        expect(await store.deleteSessionsOf('nobody')).toBe(0);
      });

      it('replaces the password hash of a known user only', async () => {
        await store.insertUser(user('alice'));
        expect(await store.setPasswordHash('alice', 'scrypt$new')).toBe(true);
        expect(await store.setPasswordHash('nobody', 'scrypt$new')).toBe(false);
        expect(await store.loadUsers()).toEqual([{ ...user('alice'), passwordHash: 'scrypt$new' }]);
      });

      it('deletes a user with its sessions, queue and position, and takes it out of its groups', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        await store.insertGroup(group('trio', ['alice', 'bob', 'carol']));
        await store.insertGroup(group('pair', ['bob', 'carol']));
        await store.insertSession(sessionOf('bob', 1));
        const shared = await store.appendMessage(draft(['bob', 'carol'], { kind: 'broadcast', text: 'to both' }));
        await fill(store, 'bob', 2);
        store.markDelivered('bob', shared);

        expect(await store.deleteUser('bob')).toBe(true);
        expect((await store.loadUsers()).map((u) => u.name)).toEqual(['alice', 'carol']);
        expect(await store.sessionsOf('bob')).toEqual([]);
        expect((await store.readQueue('bob', 0, 10)).rows).toEqual([]);
        expect(await cursorOf(store, 'bob')).toBeUndefined();
        expect((await store.loadGroups()).sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
          { ...group('pair', ['bob', 'carol']), members: ['carol'] },
          { ...group('trio', ['alice', 'bob', 'carol']), members: ['alice', 'carol'] },
        ]);
        // What others hold stays.
        expect((await store.readQueue('carol', 0, 10)).rows.map(textOf)).toEqual(['to both']);
        expect(await store.deleteUser('bob')).toBe(false);
      });

      it('deletes a group once its last member is deleted', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        await store.insertGroup(group('pair', ['alice', 'bob']));
        await store.deleteUser('alice');
        await store.deleteUser('bob');
        expect(await store.loadGroups()).toEqual([]);
      });

      it('gives a new user of a deleted name an empty queue that counts from there', async () => {
        await store.insertUser(user('bob'));
        await fill(store, 'bob', 3);
        await store.deleteUser('bob');
        expect(await store.insertUser(user('bob'))).toBe(true);
        const [id] = await fill(store, 'bob', 1);
        expect((await store.readQueue('bob', 0, 10)).rows.map((r) => r.id)).toEqual([id]);
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: 0, prunedId: 0, pending: 1 });
      });

      it("keeps what a deleted user sent on its recipients' queues, but gives a new user of the name none of its direct history", async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const before = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'from the old bob' }));
        await store.appendMessage(draft(['bob'], { from: 'alice', text: 'to the old bob' }));
        await store.markRead('alice', { kind: 'direct', with: 'bob' }, before);
        await store.deleteUser('bob');
        expect((await rowsOf(store, 'alice')).map(textOf)).toEqual(['from the old bob']);

        await store.insertUser(user('bob'));
        const after = await store.appendMessage(draft(['bob'], { from: 'alice', text: 'to the new bob' }));
        for (const [reader, other] of [['bob', 'alice'], ['alice', 'bob']] as const) {
          const history = await store.readConversation(reader, { kind: 'direct', with: other }, Number.MAX_SAFE_INTEGER, 10);
          expect(history.map((m) => m.text)).toEqual(['to the new bob']);
        }
        expect(await store.directPeers('bob')).toEqual(['alice']);
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ unread: 1, readId: 0, last: { id: after } });
        expect(await store.summarize('alice', { kind: 'direct', with: 'bob' })).toMatchObject({ unread: 0, readId: 0, last: { id: after } });
        // Retention can still remove the old messages.
        store.markDelivered('alice', before);
        expect((await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 })).removed).toBeGreaterThanOrEqual(1);
        expect((await rowsOf(store, 'alice')).map(textOf)).toEqual([]);
      });
    });
  });
}
