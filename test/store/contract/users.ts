import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { cursorOf, draft, fill, group, rowsOf, sessionOf, textOf, user } from './factories.js';

/** UserStore: accounts, one namespace with the groups, and deleting a user. */
export function usersContract(backend: () => FreshBackend): void {
  describe('users', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('accounts', () => {
      it('stores a user with its password hash and refuses the same name twice', async () => {
        expect(await store.insertUser(user('alice'))).toBe(true);
        expect(await store.insertUser({ ...user('alice'), passwordHash: 'other' })).toBe(false);
        expect(await store.loadUsers()).toEqual([user('alice')]);
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

      it("finds a user as stored now, and nothing under an unknown name or a group's", async () => {
        await store.insertUser(user('alice'));
        await store.insertGroup(group('team', ['alice', 'bob']));
        expect(await store.findUser('alice')).toEqual(user('alice'));
        expect(await store.findUser('team')).toBeUndefined();
        expect(await store.findUser('nobody')).toBeUndefined();
        await store.setPasswordHash('alice', 'scrypt$new');
        expect(await store.findUser('alice')).toEqual({ ...user('alice'), passwordHash: 'scrypt$new' });
        await store.deleteUser('alice');
        expect(await store.findUser('alice')).toBeUndefined();
      });

      it('stores a bot with its owner and no password hash, and a user without an owner with none', async () => {
        const bot = { name: 'helper', passwordHash: '', owner: 'alice', createdAt: 1 };
        await store.insertUser(user('alice'));
        expect(await store.insertUser(bot)).toBe(true);
        expect(await store.loadUsers()).toEqual([user('alice'), bot]);
        expect(await store.findUser('helper')).toEqual(bot);
        expect(await store.findUser('alice')).not.toHaveProperty('owner');
        expect((await store.loadUsers())[0]).not.toHaveProperty('owner');
        // A new password hash leaves the owner as it was.
        await store.setPasswordHash('helper', 'scrypt$x');
        expect(await store.findUser('helper')).toEqual({ ...bot, passwordHash: 'scrypt$x' });
      });

      it('lists the name of every user, sorted, and of no group', async () => {
        expect(await store.userNames()).toEqual([]);
        for (const name of ['carol', 'alice', 'dave', 'bob']) await store.insertUser(user(name));
        await store.insertGroup(group('team', ['alice', 'bob']));
        expect(await store.userNames()).toEqual(['alice', 'bob', 'carol', 'dave']);
        await store.deleteUser('bob');
        expect(await store.userNames()).toEqual(['alice', 'carol', 'dave']);
      });

      it('tells the feed of each user registered by the time the insert resolves, and nothing of a name refused', async () => {
        const feed = await backend().listen();
        await store.insertUser(user('alice'));
        expect(await feed.told(1)).toEqual([{ kind: 'registered', name: 'alice' }]);
        expect(await store.insertUser({ ...user('alice'), passwordHash: 'other' })).toBe(false);
        await store.insertUser(user('bob'));
        expect(await feed.told(2)).toEqual([
          { kind: 'registered', name: 'alice' },
          { kind: 'registered', name: 'bob' },
        ]);
      });
    });

    describe('operator commands', () => {
      it('replaces the password hash of a known user only', async () => {
        await store.insertUser(user('alice'));
        expect(await store.setPasswordHash('alice', 'scrypt$new')).toBe(true);
        expect(await store.setPasswordHash('nobody', 'scrypt$new')).toBe(false);
        expect(await store.loadUsers()).toEqual([{ ...user('alice'), passwordHash: 'scrypt$new' }]);
      });

      it('grants and takes back the admin role, shown only while held', async () => {
        await store.insertUser(user('alice'));
        await store.insertUser(user('bob'));
        expect(await store.setAdmin('alice', true)).toBe(true);
        expect(await store.findUser('alice')).toEqual({ ...user('alice'), admin: true });
        expect(await store.loadUsers()).toEqual([{ ...user('alice'), admin: true }, user('bob')]);
        expect(await store.setAdmin('alice', true)).toBe(true);
        expect(await store.findUser('alice')).toEqual({ ...user('alice'), admin: true });
        expect(await store.setAdmin('alice', false)).toBe(true);
        expect(await store.findUser('alice')).toEqual(user('alice'));
        expect(await store.loadUsers()).toEqual([user('alice'), user('bob')]);
        expect(await store.setAdmin('bob', false)).toBe(true);
        expect(await store.findUser('bob')).toEqual(user('bob'));
      });

      it('suspends and restores a user, shown only while suspended, with the rest of the user as it was', async () => {
        const bot = { name: 'helper', passwordHash: '', owner: 'alice', createdAt: 1 };
        await store.insertUser(user('alice'));
        await store.insertUser(bot);
        expect(await store.setSuspended('helper', true)).toBe(true);
        expect(await store.findUser('helper')).toEqual({ ...bot, suspended: true });
        expect(await store.setAdmin('helper', true)).toBe(true);
        await store.setPasswordHash('helper', 'scrypt$x');
        expect(await store.loadUsers()).toEqual([
          user('alice'),
          { ...bot, passwordHash: 'scrypt$x', admin: true, suspended: true },
        ]);
        expect(await store.setSuspended('helper', false)).toBe(true);
        expect(await store.findUser('helper')).toEqual({ ...bot, passwordHash: 'scrypt$x', admin: true });
        expect(await store.setAdmin('helper', false)).toBe(true);
        expect(await store.findUser('helper')).toEqual({ ...bot, passwordHash: 'scrypt$x' });
      });

      it('stores a user inserted as an admin or suspended as such', async () => {
        await store.insertUser({ ...user('alice'), admin: true });
        await store.insertUser({ ...user('bob'), suspended: true });
        expect(await store.loadUsers()).toEqual([
          { ...user('alice'), admin: true },
          { ...user('bob'), suspended: true },
        ]);
      });

      it('sets no mark on an unknown user, answering false, and registers no one', async () => {
        await store.insertGroup(group('team', ['alice', 'bob']));
        expect(await store.setAdmin('nobody', true)).toBe(false);
        expect(await store.setSuspended('nobody', true)).toBe(false);
        expect(await store.setAdmin('team', true)).toBe(false);
        expect(await store.setSuspended('team', false)).toBe(false);
        expect(await store.loadUsers()).toEqual([]);
        expect(await store.findUser('nobody')).toBeUndefined();
      });

      it('gives a new user of a deleted name neither mark', async () => {
        await store.insertUser(user('bob'));
        await store.setAdmin('bob', true);
        await store.setSuspended('bob', true);
        await store.deleteUser('bob');
        await store.insertUser(user('bob'));
        expect(await store.findUser('bob')).toEqual(user('bob'));
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
        for (const [reader, other] of [
          ['bob', 'alice'],
          ['alice', 'bob'],
        ] as const) {
          const history = await store.readConversation(
            reader,
            { kind: 'direct', with: other },
            Number.MAX_SAFE_INTEGER,
            10,
          );
          expect(history.map((m) => m.text)).toEqual(['to the new bob']);
        }
        expect(await store.directPeers('bob')).toEqual(['alice']);
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({
          unread: 1,
          readId: 0,
          last: { id: after },
        });
        expect(await store.summarize('alice', { kind: 'direct', with: 'bob' })).toMatchObject({
          unread: 0,
          readId: 0,
          last: { id: after },
        });
        // Retention can still remove the old messages.
        store.markDelivered('alice', before);
        expect((await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 })).removed).toBeGreaterThanOrEqual(
          1,
        );
        expect((await rowsOf(store, 'alice')).map(textOf)).toEqual([]);
      });

      it('tells the feed that the sessions of a deleted user ended, then that the user is deleted, and nothing for an unknown one', async () => {
        await store.insertUser(user('bob'));
        await store.insertSession(sessionOf('bob', 1));
        const feed = await backend().listen();
        expect(await store.deleteUser('bob')).toBe(true);
        expect(await feed.told(2)).toEqual([
          { kind: 'sessions_ended', user: 'bob' },
          { kind: 'deleted', name: 'bob' },
        ]);
        expect(await store.deleteUser('bob')).toBe(false);
        await store.insertUser(user('carol'));
        expect((await feed.told(3)).slice(2)).toEqual([{ kind: 'registered', name: 'carol' }]);
      });
    });
  });
}
