import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { applicationId, migrations as allMigrations, type Migration } from './schema.js';
import { StoreOpenError } from '../store-open-error.js';

/** The schema version this build writes. */
export const latestVersion = allMigrations[allMigrations.length - 1]!.version;

/**
 * Brings the database to the latest schema, one transaction per step, recording each in `PRAGMA user_version`.
 * Refuses a database from a newer build and an SQLite file that is not a Parley database.
 */
export function migrate(
  db: Database,
  log: Pick<Logger, 'info'>,
  migrations: readonly Migration[] = allMigrations,
): number {
  const latest = migrations[migrations.length - 1]!.version;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new StoreOpenError(
      `${db.name} has schema version ${current}, written by a newer Parley; this version reads up to ${latest}. ` +
        'Run the newer Parley, or start this one with another --data directory.',
    );
  }
  if (current === 0) {
    const objects = db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number };
    if (objects.n > 0)
      throw new StoreOpenError(`${db.name} is an SQLite database but not a Parley one; use another --data directory.`);
  } else if (db.pragma('application_id', { simple: true }) !== applicationId) {
    throw new StoreOpenError(`${db.name} is an SQLite database but not a Parley one; use another --data directory.`);
  }
  for (const step of migrations) {
    if (step.version <= current) continue;
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
    log.info({ file: db.name, version: step.version, description: step.description }, 'migrated the database');
  }
  return latest;
}
