import { constants, copyFileSync, existsSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { applicationId } from './schema.js';
import { explainOpenFailure, prepareDatabase } from './prepare-database.js';

/** What a database holds of the id sequence: its last id, and the time of its newest message. */
interface Extent {
  readonly lastId: number;
  readonly takenAt?: number;
}

/**
 * Puts a backup in place as the data directory's database, with the server stopped, and says what the restore
 * drops: the messages the current database holds that the backup lacks. The current database is kept beside it
 * (`parley.db.before-restore-<time>`), never deleted. Resolves with the lines to print; throws with the remedy
 * when the server runs, the backup is not a Parley database, or a file is in the way.
 */
export function restoreBackup(dataDir: string, backupFile: string, now = new Date()): string[] {
  const backup = resolve(backupFile);
  const target = join(resolve(dataDir), 'parley.db');
  const copy = extentOfBackup(backup);
  const lines: string[] = [];
  if (existsSync(target)) {
    const dropped = droppedBy(target, copy.lastId);
    const aside = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, aside);
    lines.push(`kept the database it replaces as ${aside}`);
    lines.push(
      dropped.count === 0
        ? 'it held nothing the backup lacks'
        : `it held ${dropped.count} messages the backup lacks, sent from ${iso(dropped.first!)} to ` +
            `${iso(dropped.last!)}: ` +
            'they are gone; devices that saw them are told so when they resume (lost, reason store), and get ' +
            'every message sent from now on',
    );
  }
  copyFileSync(backup, target, constants.COPYFILE_EXCL);
  const taken = copy.takenAt === undefined ? '' : ` (taken ${iso(copy.takenAt)})`;
  return [`restored ${backup}${taken} as ${target}`, ...lines];
}

function extentOfBackup(file: string): Extent {
  if (!existsSync(file)) throw new Error(`${file} does not exist; name a file written by parley backup`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (db.pragma('application_id', { simple: true }) !== applicationId)
      throw new Error(`${file} is not a Parley database`);
    if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new Error(`${file} is damaged; take another backup`);
    const value = (name: string) =>
      (db.prepare('SELECT value FROM counters WHERE name = ?').get(name) as { value: number } | undefined)?.value;
    return { lastId: value('last_message_id') ?? 0, takenAt: value('backup_taken_at') };
  } catch (err) {
    throw explainOpenFailure(file, err);
  } finally {
    db.close();
  }
}

/** The messages of the database at `file` above `lastId`; takes its lock, so it fails while a server runs on it. */
function droppedBy(file: string, lastId: number): { count: number; first?: number; last?: number } {
  const db = new Database(file, { timeout: 0, fileMustExist: true });
  try {
    prepareDatabase(db);
    const row = db
      .prepare('SELECT count(*) AS count, min(sent_at) AS first, max(sent_at) AS last FROM messages WHERE id > ?')
      .get(lastId) as {
      count: number;
      first: number | null;
      last: number | null;
    };
    return { count: row.count, first: row.first ?? undefined, last: row.last ?? undefined };
  } catch (err) {
    const failure = explainOpenFailure(file, err);
    throw /in use/.test(failure.message)
      ? new Error(`${file} is in use by a running Parley server; stop it first, then restore`)
      : failure;
  } finally {
    // Closing the last connection checkpoints the WAL into the file and removes it, so the file kept aside is whole.
    db.close();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
