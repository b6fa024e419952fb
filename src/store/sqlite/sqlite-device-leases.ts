import type { Database, Statement } from 'better-sqlite3';
import type { WebhookAttempt } from '../../core/ports/index.js';
import { DeviceLeases } from '../device-leases.js';
import type { GroupCommit } from './group-commit.js';

/** The tables of the devices delivered to under a lease, by the column that names one. */
export type DeviceTable =
  { readonly table: 'webhooks'; readonly key: 'bot' } | { readonly table: 'push_subscriptions'; readonly key: 'id' };

/**
 * The lease on delivering to one device of a table (a bot's webhook, a push subscription), its attempts and its
 * release: the lease stays in this process, which alone owns the database (see DeviceLeases); the attempts go
 * through the group commit, in call order with everything else.
 */
export class SqliteDeviceLeases {
  private readonly leases = new DeviceLeases();
  private readonly exists: Statement;
  private readonly acked: Statement;
  private readonly failed: Statement;

  constructor(
    db: Database,
    { table, key }: DeviceTable,
    private readonly commits: GroupCommit,
    private readonly clock: () => number,
  ) {
    this.exists = db.prepare(`SELECT 1 FROM ${table} WHERE ${key} = ?`).pluck();
    this.acked = db.prepare(
      `UPDATE ${table} SET acked_id = max(acked_id, ?), last_success_at = ?, failures = 0 WHERE ${key} = ?`,
    );
    this.failed = db.prepare(
      `UPDATE ${table} SET failures = failures + 1, last_error = ?, last_error_at = ? WHERE ${key} = ?`,
    );
  }

  take(id: string, holder: string, now: number, ttlMs: number): boolean {
    return this.exists.get(id) !== undefined && this.leases.take(id, holder, now, ttlMs);
  }

  record(id: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    // The lease is checked as the write runs, in the commit: a holder whose lease lapsed meanwhile writes nothing.
    return this.commits.submit(() => {
      if (!this.leases.holds(id, holder, this.clock())) return false;
      const written =
        attempt.error === undefined
          ? this.acked.run(attempt.ackedId ?? 0, attempt.at, id)
          : this.failed.run(attempt.error, attempt.at, id);
      return written.changes > 0;
    });
  }

  release(id: string, holder: string): void {
    this.leases.release(id, holder);
  }

  /** The device was deleted: a new one of the same id starts without a lease. */
  forget(id: string): void {
    this.leases.forget(id);
  }
}
