import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';

/**
 * A deleted text leaves the disk: the page images written before the deletion, which still hold it, stay in
 * the WAL until a checkpoint moves every page into the database file and truncates the log. One checkpoint a
 * moment after a deletion (`delayMs`) serves every deletion in the meantime.
 */
export class WalPurge {
  /** The transaction being written deletes a text: checkpoint soon after it commits. */
  private deleting = false;
  private timer: NodeJS.Timeout | undefined;

  /** `purged` is told of every checkpoint that followed a deletion. */
  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly delayMs: number,
    private readonly purged: () => void,
  ) {}

  /** The transaction being written deletes a text. */
  deleted(): void {
    this.deleting = true;
  }

  committed(): void {
    if (!this.deleting) return;
    this.deleting = false;
    this.soon();
  }

  rolledBack(): void {
    this.deleting = false;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.db.open) return;
      try {
        const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as {
          busy: number;
          log: number;
          checkpointed: number;
        }[];
        this.log.info({ busy: result?.busy }, 'checkpointed the WAL after a deletion');
        this.purged();
      } catch (err) {
        this.log.error({ err }, 'could not checkpoint the WAL after a deletion');
      }
    }, this.delayMs);
    this.timer.unref();
  }
}
