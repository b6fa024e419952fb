import { closeSync, fdatasync, openSync } from 'node:fs';

/**
 * Makes every commit so far durable: with `synchronous=NORMAL` a commit reaches the write-ahead log but not the
 * disk, and an fsync of the log (on libuv's thread pool, not the event loop) puts it there. The log holds whole
 * frames with checksums, so a power cut loses at most commits that no caller was told of yet.
 *
 * It keeps the last id of what is on disk: streams read no further, so that nothing delivered can be lost to a
 * power cut.
 */
export class WalSync {
  /** The write-ahead log, opened at the first sync. */
  private fd: number | undefined;
  private synced: number;

  /** `dbFile`: the database's path (its log is beside it); `syncedId`: the last id on disk when opened. */
  constructor(
    private readonly dbFile: string,
    syncedId: number,
  ) {
    this.synced = syncedId;
  }

  /** The last id of what is on disk. */
  get syncedId(): number {
    return this.synced;
  }

  /** Syncs the log, whose last commit holds ids up to `upTo`, then calls `done` (with the error, if it failed). */
  sync(upTo: number, done: (err?: Error) => void): void {
    try {
      this.fd ??= openSync(`${this.dbFile}-wal`, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return done(err as Error);
      // No log yet: no commit so far has written anything.
      this.synced = Math.max(this.synced, upTo);
      return done();
    }
    fdatasync(this.fd, (err) => {
      if (!err) this.synced = Math.max(this.synced, upTo);
      done(err ?? undefined);
    });
  }

  /** Closes the log's file (after the database). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
