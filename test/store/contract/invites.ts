import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredInvite, Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';

/** An invite made by alice at `createdAt`, for `uses` sign-ups, never expiring unless told. */
const invite = (code: string, createdAt = 10, uses = 1, more: Partial<StoredInvite> = {}) => ({
  code,
  createdBy: 'alice',
  createdAt,
  uses,
  ...more,
});

/** InviteStore: invites by code, listed oldest first, and their uses taken atomically and given back. */
export function invitesContract(backend: () => FreshBackend): void {
  describe('invites', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('storing and reading', () => {
      it('stores an invite with none of its uses taken, and finds nothing under an unknown code', async () => {
        const full = invite('c1', 10, 3, {
          expiresAt: 5_000,
          note: 'for the d\u00e9ploiement team "prod"\n\ud83d\ude80',
        });
        await store.insertInvite(full);
        expect(await store.findInvite('c1')).toEqual({ ...full, used: 0 });
        expect(await store.findInvite('nope')).toBeUndefined();
      });

      it('keeps an invite without an expiry or a note without them', async () => {
        await store.insertInvite(invite('c1'));
        const found = await store.findInvite('c1');
        expect(found).toEqual({ ...invite('c1'), used: 0 });
        expect(found).not.toHaveProperty('expiresAt');
        expect(found).not.toHaveProperty('note');
      });

      it('lists every invite oldest first', async () => {
        expect(await store.invites()).toEqual([]);
        await store.insertInvite(invite('late', 30));
        await store.insertInvite(invite('early', 10, 2, { note: 'first' }));
        await store.insertInvite(invite('middle', 20, 1, { expiresAt: 100 }));
        expect(await store.invites()).toEqual([
          { ...invite('early', 10, 2, { note: 'first' }), used: 0 },
          { ...invite('middle', 20, 1, { expiresAt: 100 }), used: 0 },
          { ...invite('late', 30), used: 0 },
        ]);
      });

      it('overwrites an invite inserted again under the same code, uses taken included', async () => {
        await store.insertInvite(invite('c1', 10, 2, { note: 'old' }));
        expect(await store.takeInvite('c1', 11)).toBe('taken');
        await store.insertInvite({ ...invite('c1', 20, 5), createdBy: 'carol' });
        expect(await store.findInvite('c1')).toEqual({ ...invite('c1', 20, 5), createdBy: 'carol', used: 0 });
        expect(await store.invites()).toEqual([{ ...invite('c1', 20, 5), createdBy: 'carol', used: 0 }]);
      });

      it('deletes an invite, and says false for an unknown one', async () => {
        await store.insertInvite(invite('c1'));
        await store.insertInvite(invite('c2', 11));
        expect(await store.deleteInvite('c1')).toBe(true);
        expect(await store.findInvite('c1')).toBeUndefined();
        expect((await store.invites()).map((i) => i.code)).toEqual(['c2']);
        expect(await store.deleteInvite('c1')).toBe(false);
        expect(await store.deleteInvite('nope')).toBe(false);
        expect(await store.takeInvite('c1', 12)).toBe('unknown');
      });
    });

    describe('taking a use', () => {
      it('takes one use at a time while one is left, then says used, writing nothing', async () => {
        await store.insertInvite(invite('c1', 10, 2));
        expect(await store.takeInvite('c1', 20)).toBe('taken');
        expect((await store.findInvite('c1'))?.used).toBe(1);
        expect(await store.takeInvite('c1', 21)).toBe('taken');
        expect(await store.takeInvite('c1', 22)).toBe('used');
        expect(await store.findInvite('c1')).toEqual({ ...invite('c1', 10, 2), used: 2 });
        expect((await store.invites())[0]?.used).toBe(2);
      });

      it('gives exactly one of 20 concurrent takes the last use, and says used to the others', async () => {
        await store.insertInvite(invite('c1', 10, 1));
        const takes = await Promise.all(Array.from({ length: 20 }, () => store.takeInvite('c1', 20)));
        expect(takes.filter((t) => t === 'taken')).toHaveLength(1);
        expect(takes.filter((t) => t === 'used')).toHaveLength(19);
        expect((await store.findInvite('c1'))?.used).toBe(1);
      });

      it('refuses an invite past its expiry, writing nothing, and takes it before', async () => {
        await store.insertInvite(invite('c1', 10, 3, { expiresAt: 1_000 }));
        expect(await store.takeInvite('c1', 999)).toBe('taken');
        expect(await store.takeInvite('c1', 1_001)).toBe('expired');
        expect(await store.takeInvite('c1', 50_000)).toBe('expired');
        expect((await store.findInvite('c1'))?.used).toBe(1);
      });

      it('says unknown for a code never stored, and stores nothing', async () => {
        expect(await store.takeInvite('nope', 20)).toBe('unknown');
        expect(await store.findInvite('nope')).toBeUndefined();
        expect(await store.invites()).toEqual([]);
      });

      it('gives a use back, which can then be taken again', async () => {
        await store.insertInvite(invite('c1', 10, 1));
        expect(await store.takeInvite('c1', 20)).toBe('taken');
        expect(await store.takeInvite('c1', 21)).toBe('used');
        await store.returnInvite('c1');
        expect((await store.findInvite('c1'))?.used).toBe(0);
        expect(await store.takeInvite('c1', 22)).toBe('taken');
        expect((await store.findInvite('c1'))?.used).toBe(1);
      });

      it('does nothing when giving back a use of an unknown code', async () => {
        await store.returnInvite('nope');
        expect(await store.findInvite('nope')).toBeUndefined();
        expect(await store.invites()).toEqual([]);
      });
    });
  });
}
