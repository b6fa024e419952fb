import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredHook, Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { user } from './factories.js';

/** A hook of `owner` to bob, made at `createdAt`. */
const hook = (id: string, owner = 'alice', createdAt = 10): StoredHook => ({
  id,
  owner,
  to: 'bob',
  name: `hook ${id}`,
  secretHash: 'ab'.repeat(32),
  createdAt,
});

/** HookStore: incoming webhooks by id and by owner, how each fared, and their end with their owner. */
export function hooksContract(backend: () => FreshBackend): void {
  describe('incoming hooks', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    it('stores a hook with no use and no failure yet, and finds nothing under an unknown id', async () => {
      await store.insertHook(hook('h1'));
      expect(await store.findHook('h1')).toEqual({ ...hook('h1'), failures: 0 });
      expect(await store.findHook('nope')).toBeUndefined();
    });

    it('keeps a hook without a name without one, and a name with any characters as given', async () => {
      const { name: _, ...unnamed } = hook('h1');
      await store.insertHook(unnamed);
      await store.insertHook({ ...hook('h2'), name: 'd\u00e9ploiement "prod"\n\ud83d\ude80' });
      expect(await store.findHook('h1')).toEqual({ ...unnamed, failures: 0 });
      expect(await store.findHook('h1')).not.toHaveProperty('name');
      expect((await store.findHook('h2'))?.name).toBe('d\u00e9ploiement "prod"\n\ud83d\ude80');
    });

    it('overwrites a hook inserted again under the same id', async () => {
      await store.insertHook(hook('h1'));
      await store.recordHookUse('h1', 20, 'refused');
      await store.insertHook({ ...hook('h1', 'carol', 30), to: 'team' });
      expect(await store.findHook('h1')).toEqual({ ...hook('h1', 'carol', 30), to: 'team', failures: 0 });
      expect(await store.hooksOf('alice')).toEqual([]);
      expect((await store.hooksOf('carol')).map((h) => h.id)).toEqual(['h1']);
    });

    it("lists an owner's hooks oldest first, and no one else's", async () => {
      await store.insertHook(hook('late', 'alice', 30));
      await store.insertHook(hook('other', 'carol', 5));
      await store.insertHook(hook('early', 'alice', 10));
      await store.insertHook(hook('middle', 'alice', 20));
      expect(await store.hooksOf('alice')).toEqual([
        { ...hook('early', 'alice', 10), failures: 0 },
        { ...hook('middle', 'alice', 20), failures: 0 },
        { ...hook('late', 'alice', 30), failures: 0 },
      ]);
      expect((await store.hooksOf('carol')).map((h) => h.id)).toEqual(['other']);
      expect(await store.hooksOf('nobody')).toEqual([]);
    });

    it('deletes a hook, and says false for an unknown one', async () => {
      await store.insertHook(hook('h1'));
      await store.insertHook(hook('h2', 'alice', 11));
      expect(await store.deleteHook('h1')).toBe(true);
      expect(await store.findHook('h1')).toBeUndefined();
      expect((await store.hooksOf('alice')).map((h) => h.id)).toEqual(['h2']);
      expect(await store.deleteHook('h1')).toBe(false);
      expect(await store.deleteHook('nope')).toBe(false);
    });

    it('counts refused posts in a row with the last error, and a stored post resets them', async () => {
      await store.insertHook(hook('h1'));
      expect(await store.recordHookUse('h1', 20, 'no such group')).toBe(1);
      expect(await store.recordHookUse('h1', 21, 'text too long')).toBe(2);
      expect(await store.findHook('h1')).toEqual({
        ...hook('h1'),
        failures: 2,
        lastError: 'text too long',
        lastErrorAt: 21,
      });
      expect(await store.recordHookUse('h1', 30)).toBe(0);
      expect(await store.findHook('h1')).toEqual({ ...hook('h1'), failures: 0, lastUsedAt: 30 });
      expect(await store.recordHookUse('h1', 40, 'rate limited')).toBe(1);
      expect(await store.findHook('h1')).toEqual({
        ...hook('h1'),
        failures: 1,
        lastUsedAt: 30,
        lastError: 'rate limited',
        lastErrorAt: 40,
      });
      expect((await store.hooksOf('alice'))[0]).toEqual(await store.findHook('h1'));
    });

    it('records nothing for an unknown hook, and answers 0', async () => {
      expect(await store.recordHookUse('nope', 20, 'refused')).toBe(0);
      expect(await store.recordHookUse('nope', 20)).toBe(0);
      expect(await store.findHook('nope')).toBeUndefined();
      expect(await store.hooksOf('alice')).toEqual([]);
    });

    it("deletes a user's hooks with the user, and no one else's", async () => {
      await store.insertUser(user('alice'));
      await store.insertUser({ name: 'helper', passwordHash: '', owner: 'alice', createdAt: 1 });
      await store.insertHook(hook('a1', 'alice', 10));
      await store.insertHook(hook('a2', 'alice', 11));
      await store.insertHook(hook('b1', 'helper', 12));
      expect(await store.deleteUser('helper')).toBe(true);
      expect(await store.hooksOf('helper')).toEqual([]);
      expect(await store.findHook('b1')).toBeUndefined();
      expect((await store.hooksOf('alice')).map((h) => h.id)).toEqual(['a1', 'a2']);
      expect(await store.deleteUser('alice')).toBe(true);
      expect(await store.findHook('a1')).toBeUndefined();
      expect(await store.hooksOf('alice')).toEqual([]);
    });
  });
}
