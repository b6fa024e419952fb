import type { Database, Statement } from 'better-sqlite3';
import type { HookRecord, StoredWebhook } from '../../core/ports/index.js';

export interface HookRow {
  id: string;
  owner: string;
  to_name: string;
  name: string | null;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  failures: number;
  last_error: string | null;
  last_error_at: number | null;
}

export interface WebhookRow {
  bot: string;
  url: string;
  secret: string;
  set_at: number;
  acked_id: number;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  failures: number;
}

/** A hook as its owner sees it; a column left NULL is a field left out. */
export function toHook(row: HookRow): HookRecord {
  return {
    id: row.id,
    owner: row.owner,
    to: row.to_name,
    ...(row.name === null ? {} : { name: row.name }),
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
    failures: row.failures,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.last_error_at === null ? {} : { lastErrorAt: row.last_error_at }),
  };
}

export function toWebhook(row: WebhookRow): StoredWebhook {
  return {
    bot: row.bot,
    url: row.url,
    secret: row.secret,
    setAt: row.set_at,
    ackedId: row.acked_id,
    ...(row.last_success_at === null ? {} : { lastSuccessAt: row.last_success_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.last_error_at === null ? {} : { lastErrorAt: row.last_error_at }),
    failures: row.failures,
  };
}

const hookColumns =
  'id, owner, to_name, name, secret_hash, created_at, last_used_at, failures, last_error, last_error_at';
const webhookColumns = 'bot, url, secret, set_at, acked_id, last_success_at, last_error, last_error_at, failures';

/** The statements of incoming hooks and outgoing webhooks, prepared once. */
export function prepareIntegrationStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    // A clash of random ids is a bug: the new hook replaces the old one rather than failing the request.
    insertHook: st(
      'INSERT OR REPLACE INTO hooks (id, owner, to_name, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    findHook: st(`SELECT ${hookColumns} FROM hooks WHERE id = ?`),
    // By rowid after the time: hooks made in the same millisecond list in the order they were made.
    hooksOf: st(`SELECT ${hookColumns} FROM hooks WHERE owner = ? ORDER BY created_at, rowid`),
    deleteHook: st('DELETE FROM hooks WHERE id = ?'),
    deleteHooksOf: st('DELETE FROM hooks WHERE owner = ?'),
    hookUsed: st(
      'UPDATE hooks SET last_used_at = ?, failures = 0, last_error = NULL, last_error_at = NULL WHERE id = ?',
    ),
    hookRefused: st(
      'UPDATE hooks SET failures = failures + 1, last_error = ?, last_error_at = ? WHERE id = ? RETURNING failures',
    ).pluck(),
    // A replaced webhook keeps its position and last success: the bot's events go on from where they were.
    setWebhook: st(`
      INSERT INTO webhooks (bot, url, secret, set_at, acked_id) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (bot) DO UPDATE SET url = excluded.url, secret = excluded.secret, set_at = excluded.set_at,
        failures = 0, last_error = NULL, last_error_at = NULL`),
    findWebhook: st(`SELECT ${webhookColumns} FROM webhooks WHERE bot = ?`),
    webhookBots: st('SELECT bot FROM webhooks ORDER BY bot').pluck(),
    deleteWebhook: st('DELETE FROM webhooks WHERE bot = ?'),
  };
}

export type IntegrationStatements = ReturnType<typeof prepareIntegrationStatements>;
