import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { cursorOf, draft, fill, idsOf, rowsOf, textOf, user } from './factories.js';

/** RetentionStore: delivered messages past the policy go, a batch at a time; undelivered ones never do. */
export function retentionContract(backend: () => FreshBackend): void {
  describe('retention', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('pruning', () => {
      const keepAll = { olderThan: 0, batch: 1_000 };

      it('prunes delivered messages sent before the age limit and says how far on the page', async () => {
        const ids = await fill(store, 'bob', 6, (i) => 100 * (i + 1));
        store.markDelivered('bob', ids[5]!);
        const result = await store.prune({ ...keepAll, olderThan: 350 });
        expect(result).toEqual({ removed: 3 });
        expect(await store.readQueue('bob', 0, 100)).toEqual({
          rows: await rowsOf(store, 'bob', ids[2]!),
          prunedId: ids[2],
        });
        expect(await idsOf(store, 'bob')).toEqual(ids.slice(3));
        expect(await cursorOf(store, 'bob')).toEqual({
          name: 'bob',
          deliveredId: ids[5],
          prunedId: ids[2],
          pending: 0,
        });
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
        const results = [
          await store.prune(policy),
          await store.prune(policy),
          await store.prune(policy),
          await store.prune(policy),
        ];
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
  });
}
