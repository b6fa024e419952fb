import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';

/** What an admin did at `at`. */
const entry = (at: number, action = 'suspend', target = 'bob'): AuditEntry => ({
  at,
  actor: 'alice',
  action,
  target,
});

/** AuditStore: the admins' actions, appended and read newest first. */
export function auditContract(backend: () => FreshBackend): void {
  describe('audit list', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    it('is empty at first', async () => {
      expect(await store.auditLog(10)).toEqual([]);
      expect(await store.auditLog(10, 1_000)).toEqual([]);
    });

    it('lists the entries newest first, each as appended, a detail only where there is one', async () => {
      const removed = { ...entry(30, 'remove_member', 'carol'), detail: 'team "\u00e9quipe"\n\ud83d\ude80' };
      await store.appendAudit(entry(10));
      await store.appendAudit({ ...entry(20, 'restore'), actor: 'operator' });
      await store.appendAudit(removed);
      const log = await store.auditLog(10);
      expect(log).toEqual([removed, { ...entry(20, 'restore'), actor: 'operator' }, entry(10)]);
      expect(log[2]).not.toHaveProperty('detail');
    });

    it('gives at most `limit` entries, the newest', async () => {
      for (let at = 1; at <= 5; at++) await store.appendAudit(entry(at * 10));
      expect((await store.auditLog(2)).map((e) => e.at)).toEqual([50, 40]);
      expect((await store.auditLog(5)).map((e) => e.at)).toEqual([50, 40, 30, 20, 10]);
      expect((await store.auditLog(100)).map((e) => e.at)).toEqual([50, 40, 30, 20, 10]);
    });

    it('gives only entries before `before`, newest first, up to `limit`: the next page', async () => {
      for (let at = 1; at <= 5; at++) await store.appendAudit(entry(at * 10));
      expect((await store.auditLog(10, 40)).map((e) => e.at)).toEqual([30, 20, 10]);
      expect((await store.auditLog(2, 40)).map((e) => e.at)).toEqual([30, 20]);
      expect((await store.auditLog(2, 41)).map((e) => e.at)).toEqual([40, 30]);
      expect(await store.auditLog(10, 10)).toEqual([]);
    });

    it('keeps two alike entries of the same instant as two, in the order appended', async () => {
      await store.appendAudit(entry(10));
      await store.appendAudit(entry(10));
      await store.appendAudit(entry(10, 'restore'));
      expect(await store.auditLog(10)).toEqual([entry(10, 'restore'), entry(10), entry(10)]);
    });
  });
}
