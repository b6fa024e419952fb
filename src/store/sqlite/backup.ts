import { closeSync, existsSync, linkSync, openSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Copies the open database into a new file with SQLite's online backup, a few pages per event-loop turn, so
 * that the server keeps serving. Writes made through the same connection meanwhile are carried into the copy,
 * which is therefore consistent as of the moment it completes, and holds every commit made before it began.
 *
 * The copy is written beside the destination and linked into place only once complete, so a failed backup never
 * leaves a file that looks whole; it is readable by its owner only (it holds password hashes), and stands alone
 * (rollback journal, not WAL), ready to be put in a data directory as parley.db.
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
    } finally {
      copy.close();
    }
    linkSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}
