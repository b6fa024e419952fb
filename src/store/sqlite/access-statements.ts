import type { Database, Statement } from 'better-sqlite3';
import type { AuditEntry, StoredInvite } from '../../core/ports/index.js';

export interface InviteRow {
  code: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  uses: number;
  used: number;
  note: string | null;
}

export interface AuditRow {
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string | null;
}

/** An invite; a column left NULL is a field left out. */
export function toInvite(row: InviteRow): StoredInvite {
  return {
    code: row.code,
    createdBy: row.created_by,
    createdAt: row.created_at,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
    uses: row.uses,
    used: row.used,
    ...(row.note === null ? {} : { note: row.note }),
  };
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  const entry = { at: row.at, actor: row.actor, action: row.action, target: row.target };
  return row.detail === null ? entry : { ...entry, detail: row.detail };
}

const inviteColumns = 'code, created_by, created_at, expires_at, uses, used, note';

/** The statements of invites and the audit list, prepared once. */
export function prepareAccessStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    // A clash of random codes is a bug: the new invite replaces the old one rather than failing the request.
    insertInvite: st(
      'INSERT OR REPLACE INTO invites (code, created_by, created_at, expires_at, uses, note) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // By rowid after the time: invites made in the same millisecond list in the order they were made.
    invites: st(`SELECT ${inviteColumns} FROM invites ORDER BY created_at, rowid`),
    findInvite: st(`SELECT ${inviteColumns} FROM invites WHERE code = ?`),
    deleteInvite: st('DELETE FROM invites WHERE code = ?'),
    // One statement: the check and the count move together, whatever else the commit carries.
    takeInvite: st(
      'UPDATE invites SET used = used + 1 WHERE code = ? AND used < uses AND (expires_at IS NULL OR expires_at > ?)',
    ),
    returnInvite: st('UPDATE invites SET used = used - 1 WHERE code = ? AND used > 0'),
    appendAudit: st('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
    auditLog: st(
      'SELECT at, actor, action, target, detail FROM audit WHERE at < ? ORDER BY at DESC, rowid DESC LIMIT ?',
    ),
  };
}

export type AccessStatements = ReturnType<typeof prepareAccessStatements>;
