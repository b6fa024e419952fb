import { beforeEach, describe, expect, it } from 'vitest';
import type { Block, Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { draft, event, idsOf, rowsOf, user } from './factories.js';

/** The `blocks` event of `blocker`'s change, on their own queue. */
const blocksEvent = (blocker: string, blocked: string, on: boolean, at = 5_000) =>
  event('blocks', { user: blocked, blocked: on }, [blocker], at);

const byNames = (a: Block, b: Block) => a.blocker.localeCompare(b.blocker) || a.blocked.localeCompare(b.blocked);

async function blocksOf(store: Store): Promise<Block[]> {
  return (await store.loadBlocks()).sort(byNames);
}

/** BlockStore: who blocks whom, each change stored with the blocker's event in one step. */
export function blocksContract(backend: () => FreshBackend): void {
  describe('blocks', () => {
    let store: Store;
    beforeEach(async () => {
      ({ store } = backend());
      for (const name of ['alice', 'bob', 'carol', 'dave']) await store.insertUser(user(name));
    });

    it('has none at first', async () => {
      expect(await store.loadBlocks()).toEqual([]);
    });

    it("blocks a user and appends the blocks event on the blocker's queue, for the blocker only", async () => {
      const before = await store.appendMessage(draft(['alice'], { from: 'bob' }));
      const on = blocksEvent('alice', 'bob', true);
      const id = await store.setBlock({ blocker: 'alice', blocked: 'bob' }, true, on);
      expect(id).toBeGreaterThan(before);
      expect(await store.loadBlocks()).toEqual([{ blocker: 'alice', blocked: 'bob' }]);
      const rows = await rowsOf(store, 'alice');
      expect(rows.map((r) => r.id)).toEqual([before, id]);
      expect(rows[1]).toEqual({ id, type: 'blocks', json: on.json, at: 5_000, to: 'alice' });
      expect(await idsOf(store, 'bob')).toEqual([]);
    });

    it('unblocks a user and appends that event too', async () => {
      const on = await store.setBlock({ blocker: 'alice', blocked: 'bob' }, true, blocksEvent('alice', 'bob', true));
      const off = blocksEvent('alice', 'bob', false, 6_000);
      const id = await store.setBlock({ blocker: 'alice', blocked: 'bob' }, false, off);
      expect(id).toBeGreaterThan(on!);
      expect(await store.loadBlocks()).toEqual([]);
      const rows = await rowsOf(store, 'alice');
      expect(rows.map((r) => r.id)).toEqual([on, id]);
      expect(rows[1]).toEqual({ id, type: 'blocks', json: off.json, at: 6_000, to: 'alice' });
    });

    it('resolves undefined and writes nothing, no event either, when the block is already as asked', async () => {
      const pair = { blocker: 'alice', blocked: 'bob' };
      expect(await store.setBlock(pair, false, blocksEvent('alice', 'bob', false))).toBeUndefined();
      expect(await store.loadBlocks()).toEqual([]);
      expect(await idsOf(store, 'alice')).toEqual([]);

      const id = await store.setBlock(pair, true, blocksEvent('alice', 'bob', true));
      expect(await store.setBlock(pair, true, blocksEvent('alice', 'bob', true))).toBeUndefined();
      expect(await store.loadBlocks()).toEqual([pair]);
      expect(await idsOf(store, 'alice')).toEqual([id]);

      // What comes next is not behind an event written meanwhile.
      const next = await store.appendMessage(draft(['alice'], { from: 'bob' }));
      expect(await idsOf(store, 'alice')).toEqual([id, next]);
    });

    it('keeps blocks one way each: a blocker of many, and two users blocking each other', async () => {
      const set = (blocker: string, blocked: string) =>
        store.setBlock({ blocker, blocked }, true, blocksEvent(blocker, blocked, true));
      await set('alice', 'bob');
      await set('alice', 'carol');
      await set('bob', 'alice');
      await set('dave', 'carol');
      expect(await blocksOf(store)).toEqual([
        { blocker: 'alice', blocked: 'bob' },
        { blocker: 'alice', blocked: 'carol' },
        { blocker: 'bob', blocked: 'alice' },
        { blocker: 'dave', blocked: 'carol' },
      ]);
      await store.setBlock({ blocker: 'alice', blocked: 'bob' }, false, blocksEvent('alice', 'bob', false));
      expect(await blocksOf(store)).toEqual([
        { blocker: 'alice', blocked: 'carol' },
        { blocker: 'bob', blocked: 'alice' },
        { blocker: 'dave', blocked: 'carol' },
      ]);
    });

    it('deletes every block a deleted user made or is the object of, and no other', async () => {
      const set = (blocker: string, blocked: string) =>
        store.setBlock({ blocker, blocked }, true, blocksEvent(blocker, blocked, true));
      await set('carol', 'alice');
      await set('carol', 'bob');
      await set('alice', 'carol');
      await set('dave', 'carol');
      await set('alice', 'bob');
      expect(await store.deleteUser('carol')).toBe(true);
      expect(await store.loadBlocks()).toEqual([{ blocker: 'alice', blocked: 'bob' }]);

      // A new user of the name starts with none, either way.
      await store.insertUser(user('carol'));
      expect(
        await store.setBlock({ blocker: 'alice', blocked: 'carol' }, false, blocksEvent('alice', 'carol', false)),
      ).toBeUndefined();
      expect(
        await store.setBlock({ blocker: 'carol', blocked: 'bob' }, true, blocksEvent('carol', 'bob', true)),
      ).toBeGreaterThan(0);
      expect(await blocksOf(store)).toEqual([
        { blocker: 'alice', blocked: 'bob' },
        { blocker: 'carol', blocked: 'bob' },
      ]);
    });

    it('tells the feed the event by the time the change resolves, and nothing of one already as asked', async () => {
      const feed = await backend().listen();
      const on = blocksEvent('alice', 'bob', true);
      const id = await store.setBlock({ blocker: 'alice', blocked: 'bob' }, true, on);
      const told = [{ kind: 'event', event: { id, type: 'blocks', json: on.json, at: 5_000 }, recipients: ['alice'] }];
      expect(await feed.told(1)).toEqual(told);
      expect(await store.setBlock({ blocker: 'alice', blocked: 'bob' }, true, on)).toBeUndefined();
      await store.insertUser(user('erin'));
      expect((await feed.told(2)).slice(1)).toEqual([{ kind: 'registered', name: 'erin' }]);
    });
  });
}
