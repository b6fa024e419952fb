import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage, Store } from '../../src/store/store.js';

/** A direct message from alice, unless told otherwise. */
export function draft(recipients: readonly string[], overrides: Partial<NewMessage> = {}): NewMessage {
  return { from: 'alice', kind: 'direct', text: 'hello', sentAt: 1_000, recipients, ...overrides };
}

const user = (name: string) => ({ name, passwordHash: `scrypt$${name}`, createdAt: 1 });
const group = (name: string, members: string[]) => ({ name, members, createdBy: members[0]!, createdAt: 2 });

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
        expect(await store.readQueue('bob', 0, 10)).toEqual([]);
      });
    });

    describe('users and groups', () => {
      it('stores a user with its password hash and refuses the same name twice', async () => {
        expect(await store.insertUser(user('alice'))).toBe(true);
        expect(await store.insertUser({ ...user('alice'), passwordHash: 'other' })).toBe(false);
        expect(await store.loadUsers()).toEqual([user('alice')]);
      });

      it('keeps a group with its members in order', async () => {
        expect(await store.insertGroup(group('team', ['carol', 'alice', 'bob']))).toBe(true);
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
      const session = { tokenHash: 'a'.repeat(64), username: 'alice', createdAt: 10, expiresAt: 100 };

      it('finds a session by its token hash and nothing for an unknown one', async () => {
        await store.insertSession(session);
        expect(await store.findSession(session.tokenHash)).toEqual(session);
        expect(await store.findSession('b'.repeat(64))).toBeUndefined();
      });

      it('moves the expiry of a session and ignores an unknown one', async () => {
        await store.insertSession(session);
        await store.touchSession(session.tokenHash, 500);
        await store.touchSession('c'.repeat(64), 500);
        expect(await store.findSession(session.tokenHash)).toEqual({ ...session, expiresAt: 500 });
        expect(await store.findSession('c'.repeat(64))).toBeUndefined();
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

      it('stores a message for every recipient with all its fields', async () => {
        const id = await store.appendMessage(draft(['bob', 'carol', 'dave'], { kind: 'group', group: 'team', text: 'hi all', sentAt: 42 }));
        for (const to of ['bob', 'carol', 'dave']) {
          expect(await store.readQueue(to, 0, 10)).toEqual([
            { id, from: 'alice', to, kind: 'group', group: 'team', text: 'hi all', sentAt: 42 },
          ]);
        }
        expect(await store.readQueue('alice', 0, 10)).toEqual([]);
      });

      it('keeps text exactly, including newlines, quotes and non-ASCII characters', async () => {
        const text = 'line one\nline "two"\r\n\u00e9\u4e2d\ud83d\ude00 \\ end';
        await store.appendMessage(draft(['bob'], { text }));
        expect((await store.readQueue('bob', 0, 1))[0]!.text).toBe(text);
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
        expect((await store.readQueue('bob', 0, 3)).map((r) => r.id)).toEqual(ids.slice(0, 3));
        expect((await store.readQueue('bob', ids[2]!, 3)).map((r) => r.id)).toEqual(ids.slice(3, 6));
        expect((await store.readQueue('bob', ids[5]!, 3)).map((r) => r.id)).toEqual(ids.slice(6));
        expect(await store.readQueue('bob', ids[6]!, 3)).toEqual([]);
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

    describe('retention', () => {
      const keepAll = { keepDelivered: 1_000_000, olderThan: 0, batch: 1_000 };

      it('prunes the oldest delivered messages past the count to keep', async () => {
        const ids = await fill(store, 'bob', 10);
        store.markDelivered('bob', ids[7]!);
        const result = await store.prune({ ...keepAll, keepDelivered: 3 });
        expect(result).toEqual({ removed: 5, cursors: [{ name: 'bob', prunedId: ids[4] }] });
        expect((await store.readQueue('bob', 0, 100)).map((r) => r.id)).toEqual(ids.slice(5));
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: ids[7], prunedId: ids[4], pending: 2 });
      });

      it('prunes delivered messages sent before the age limit', async () => {
        const ids = await fill(store, 'bob', 6, (i) => 100 * (i + 1));
        store.markDelivered('bob', ids[5]!);
        const result = await store.prune({ ...keepAll, olderThan: 350 });
        expect(result).toEqual({ removed: 3, cursors: [{ name: 'bob', prunedId: ids[2] }] });
        expect((await store.readQueue('bob', 0, 100)).map((r) => r.id)).toEqual(ids.slice(3));
      });

      it('never prunes undelivered messages, however old or many', async () => {
        const ids = await fill(store, 'bob', 5);
        store.markDelivered('bob', ids[1]!);
        const result = await store.prune({ keepDelivered: 0, olderThan: Number.MAX_SAFE_INTEGER, batch: 1_000 });
        expect(result).toEqual({ removed: 2, cursors: [{ name: 'bob', prunedId: ids[1] }] });
        expect((await store.readQueue('bob', 0, 100)).map((r) => r.id)).toEqual(ids.slice(2));
        expect(await store.prune({ keepDelivered: 0, olderThan: Number.MAX_SAFE_INTEGER, batch: 1_000 })).toEqual({ removed: 0, cursors: [] });
      });

      it('removes at most a batch per call, and fewer than a batch once within the policy', async () => {
        const bob = await fill(store, 'bob', 6);
        const carol = await fill(store, 'carol', 6);
        store.markDelivered('bob', bob[5]!);
        store.markDelivered('carol', carol[5]!);
        const policy = { keepDelivered: 0, olderThan: 0, batch: 4 };
        const results = [await store.prune(policy), await store.prune(policy), await store.prune(policy), await store.prune(policy)];
        expect(results.map((r) => r.removed)).toEqual([4, 4, 4, 0]);
        expect(results.flatMap((r) => r.cursors.map((c) => c.name)).sort()).toEqual(['bob', 'bob', 'carol', 'carol']);
        const final = Object.fromEntries(results.flatMap((r) => r.cursors).map((c) => [c.name, c.prunedId]));
        expect(final).toEqual({ bob: bob[5], carol: carol[5] });
        expect(await store.readQueue('bob', 0, 100)).toEqual([]);
        expect(await store.readQueue('carol', 0, 100)).toEqual([]);
      });

      it('keeps a message for the recipients who still hold it when others pruned it', async () => {
        const id = await store.appendMessage(draft(['bob', 'carol'], { kind: 'broadcast', text: 'shared' }));
        store.markDelivered('bob', id);
        await store.prune({ keepDelivered: 0, olderThan: 0, batch: 100 });
        expect(await store.readQueue('bob', 0, 10)).toEqual([]);
        expect((await store.readQueue('carol', 0, 10)).map((r) => r.text)).toEqual(['shared']);
      });

      it('never reuses an id, even after every message was pruned', async () => {
        const ids = await fill(store, 'bob', 3);
        store.markDelivered('bob', ids[2]!);
        await store.prune({ keepDelivered: 0, olderThan: 0, batch: 100 });
        expect(await store.lastMessageId()).toBe(ids[2]);
        expect(await store.appendMessage(draft(['bob']))).toBeGreaterThan(ids[2]!);
      });
    });

    describe('operator commands', () => {
      const sessionOf = (username: string, n: number, createdAt = n) => ({ tokenHash: `${username}-${n}`.padEnd(64, '0'), username, createdAt, expiresAt: 1_000 });

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
        expect(await store.readQueue('bob', 0, 10)).toEqual([]);
        expect(await cursorOf(store, 'bob')).toBeUndefined();
        expect((await store.loadGroups()).sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
          { ...group('pair', ['bob', 'carol']), members: ['carol'] },
          { ...group('trio', ['alice', 'bob', 'carol']), members: ['alice', 'carol'] },
        ]);
        // What others hold stays.
        expect((await store.readQueue('carol', 0, 10)).map((r) => r.text)).toEqual(['to both']);
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
        expect((await store.readQueue('bob', 0, 10)).map((r) => r.id)).toEqual([id]);
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: 0, prunedId: 0, pending: 1 });
      });
    });
  });
}
