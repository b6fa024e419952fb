import type { Database } from 'better-sqlite3';
import { StoreOpenError } from '../store-open-error.js';

/**
 * Sets the connection up for Parley and takes the database for this process alone.
 *
 * - `locking_mode=EXCLUSIVE`, then a write transaction: the file lock is taken now and held until the
 *   connection closes. It is an OS lock, so it also goes when the process dies (kill -9 leaves nothing stale),
 *   and a second server on the same data directory fails here instead of half starting.
 * - WAL with `synchronous=NORMAL`: a commit writes the log without waiting for the disk; the store then
 *   fsyncs the log off the event loop before it tells anyone the write is done (SqliteStore.syncLog), so a
 *   write acknowledged to a client survives a crash of the process or of the machine. Checkpoints sync as usual.
 * - `secure_delete=ON`: what a deletion removes is overwritten in the file (a WAL checkpoint after a deletion,
 *   see SqliteStore, takes the older page images out of the WAL too).
 */
export function prepareDatabase(db: Database): void {
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A deleted message text is overwritten with zeros, not left in a free page for anyone reading the file.
    db.pragma('secure_delete = ON');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    throw explainOpenFailure(db.name, err);
  }
}

/** Turns an SQLite failure met while opening into a message that names the file and the remedy. */
export function explainOpenFailure(file: string, err: unknown): Error {
  if (err instanceof StoreOpenError) return err;
  const code = (err as { code?: unknown }).code;
  const detail = (err as Error).message;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreOpenError(
      `${file} is in use by another Parley process (${detail}); stop it, or start this one with another ` +
        `--data directory.`,
    );
  }
  if (code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
    return new StoreOpenError(
      `${file} is damaged or not a database (${detail}); restore it from a backup, or move it away to start empty.`,
    );
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    return new StoreOpenError(`cannot open ${file}: ${detail} (${code}).`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
