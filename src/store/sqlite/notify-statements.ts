import type { Database, Statement } from 'better-sqlite3';
import type { StoredPushSubscription } from '../../core/ports/index.js';

export interface PushSubscriptionRow {
  id: string;
  user: string;
  session_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
  acked_id: number;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  failures: number;
}

/** A subscription as stored; a column left NULL is a field left out. */
export function toPushSubscription(row: PushSubscriptionRow): StoredPushSubscription {
  return {
    id: row.id,
    user: row.user,
    sessionId: row.session_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    createdAt: row.created_at,
    ackedId: row.acked_id,
    ...(row.last_success_at === null ? {} : { lastSuccessAt: row.last_success_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.last_error_at === null ? {} : { lastErrorAt: row.last_error_at }),
    failures: row.failures,
  };
}

const subscriptionColumns =
  'id, user, session_id, endpoint, p256dh, auth, created_at, acked_id, last_success_at, last_error, ' +
  'last_error_at, failures';

/** The statements of notification levels, quiet times, push subscriptions and the VAPID key pair, prepared once. */
export function prepareNotifyStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    setLevel: st(`
      INSERT INTO notify_levels (user, conversation, level) VALUES (?, ?, ?)
      ON CONFLICT (user, conversation) DO UPDATE SET level = excluded.level`),
    levels: st('SELECT conversation, level FROM notify_levels WHERE user = ?'),
    setQuiet: st(`
      INSERT INTO quiet_times (user, until) VALUES (?, ?)
      ON CONFLICT (user) DO UPDATE SET until = excluded.until`),
    endQuiet: st('DELETE FROM quiet_times WHERE user = ?'),
    quietUntil: st('SELECT until FROM quiet_times WHERE user = ?').pluck(),
    insertSubscription: st(`
      INSERT INTO push_subscriptions (id, user, session_id, endpoint, p256dh, auth, created_at, acked_id)
      VALUES (@id, @user, @sessionId, @endpoint, @p256dh, @auth, @createdAt, @ackedId)`),
    // The endpoint stored again: the same device, for whoever subscribes it now.
    renewSubscription: st(`
      UPDATE push_subscriptions SET user = @user, session_id = @sessionId, p256dh = @p256dh, auth = @auth,
        failures = 0, last_error = NULL, last_error_at = NULL
      WHERE endpoint = @endpoint RETURNING id`).pluck(),
    countSubscriptions: st('SELECT count(*) FROM push_subscriptions WHERE user = ?').pluck(),
    findSubscription: st(`SELECT ${subscriptionColumns} FROM push_subscriptions WHERE id = ?`),
    // By rowid after the time: subscriptions made in the same millisecond list in the order they were made.
    subscriptionsOf: st(
      `SELECT ${subscriptionColumns} FROM push_subscriptions WHERE user = ? ORDER BY created_at, rowid`,
    ),
    subscriptionIds: st('SELECT id FROM push_subscriptions ORDER BY id').pluck(),
    deleteSubscription: st('DELETE FROM push_subscriptions WHERE id = ?'),
    deleteSubscriptionsOfSession: st('DELETE FROM push_subscriptions WHERE session_id = ? RETURNING id').pluck(),
    // Before the sessions' rows go: the subscriptions they made.
    deleteSubscriptionsOfSessionsOf: st(`
      DELETE FROM push_subscriptions WHERE session_id IN (SELECT token_hash FROM sessions WHERE username = ?)
      RETURNING id`).pluck(),
    deleteSubscriptionsOf: st('DELETE FROM push_subscriptions WHERE user = ? RETURNING id').pluck(),
    deleteLevelsOf: st('DELETE FROM notify_levels WHERE user = ?'),
    setting: st('SELECT value FROM settings WHERE name = ?').pluck(),
    keepSetting: st('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)'),
  };
}

export type NotifyStatements = ReturnType<typeof prepareNotifyStatements>;
