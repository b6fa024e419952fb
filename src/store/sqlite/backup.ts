import { closeSync, existsSync, linkSync, openSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';

/**
 * Copies the open database into a new file with SQLite's online backup, a few pages per event-loop turn, so
 * that the server keeps serving. Writes made through the same connection meanwhile are carried into the copy,
 * which is therefore consistent as of the moment it completes, and holds every commit made before it began.
 *
 * The copy is written beside the destination and linked into place only once complete, so a failed backup never
 * leaves a file that looks whole; it is readable by its owner only (it holds password hashes), and stands alone
 * (rollback journal, not WAL), ready to be put in a data directory as parley.db. It is marked with the time it
 * was taken, so that the server that opens it as its database says what the copy cannot hold.
 */
export async function backupDatabase(db: Database.Database, destination: string): Promise<void> {
  const target = resolve(destination);
  if (existsSync(target)) throw new Error(`${target} exists; give the name of a new file`);
  const partial = `${target}.partial-${process.pid}`;
  try {
    closeSync(openSync(partial, 'wx', 0o600));
    await db.backup(partial);
    const copy = new Database(partial);
    try {
      copy.pragma('journal_mode = DELETE');
      // A server started on the copy knows it is a restored backup, and logs what it cannot hold (see restoredBackup).
      copy.prepare(`INSERT OR REPLACE INTO counters (name, value) VALUES ('backup_taken_at', ?)`).run(Date.now());
    } finally {
      copy.close();
    }
    linkSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** A backup opened as a live database for the first time: when it was taken, and the last id it holds. */
export interface RestoredBackup {
  readonly takenAt: number;
  readonly lastId: number;
}

/**
 * Whether the database is a backup opened as a live database for the first time; clears the mark, so that it
 * is told once. Everything the original accepted after `takenAt` (ids above `lastId`) is not in it.
 */
export function restoredBackup(db: Database.Database): RestoredBackup | undefined {
  const take = db.transaction(() => {
    const row = db.prepare(`SELECT value FROM counters WHERE name = 'backup_taken_at'`).get() as
      { value: number } | undefined;
    if (!row) return undefined;
    db.prepare(`DELETE FROM counters WHERE name = 'backup_taken_at'`).run();
    const last = db.prepare(`SELECT value FROM counters WHERE name = 'last_message_id'`).get() as { value: number };
    return { takenAt: row.value, lastId: last.value };
  });
  return take();
}

/** Logs, once, that the database is a backup opened for the first time, and what that means for devices. */
export function warnIfRestored(db: Database.Database, log: Logger): void {
  const restored = restoredBackup(db);
  if (!restored) return;
  log.warn(
    { file: db.name, takenAt: new Date(restored.takenAt).toISOString(), lastMessageId: restored.lastId },
    'this database is a backup opened for the first time: what the server it was copied from accepted after ' +
      'the backup was taken is not in it; devices that saw such messages are told so when they resume ' +
      '(lost, reason store), and new ids stay above every id handed out before',
  );
}
