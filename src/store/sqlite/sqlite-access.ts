import type { AuditEntry, AuditStore, InviteStore, InviteTake, StoredInvite } from '../../core/ports/index.js';
import type { GroupCommit } from './group-commit.js';
import { toAuditEntry, toInvite, type AccessStatements, type AuditRow, type InviteRow } from './access-statements.js';

/**
 * Invites and the audit list in the SQLite store: writes go through its group commit, in call order with
 * everything else; reads see what was committed. This process alone owns the database, and a commit runs its
 * operations one after the other: taking an invite checks and counts in one step that nothing else interleaves.
 */
export class SqliteAccess implements InviteStore, AuditStore {
  constructor(
    private readonly statements: AccessStatements,
    private readonly commits: GroupCommit,
  ) {}

  insertInvite(invite: Omit<StoredInvite, 'used'>): Promise<void> {
    const { code, createdBy, createdAt, expiresAt, uses, note } = invite;
    return this.commits.submit(
      () => void this.statements.insertInvite.run(code, createdBy, createdAt, expiresAt ?? null, uses, note ?? null),
    );
  }

  async invites(): Promise<StoredInvite[]> {
    return (this.statements.invites.all() as InviteRow[]).map(toInvite);
  }

  async findInvite(code: string): Promise<StoredInvite | undefined> {
    const row = this.statements.findInvite.get(code) as InviteRow | undefined;
    return row && toInvite(row);
  }

  deleteInvite(code: string): Promise<boolean> {
    return this.commits.submit(() => this.statements.deleteInvite.run(code).changes > 0);
  }

  takeInvite(code: string, now: number): Promise<InviteTake> {
    return this.commits.submit(() => {
      if (this.statements.takeInvite.run(code, now).changes > 0) return 'taken';
      // Nothing was written: say why.
      const row = this.statements.findInvite.get(code) as InviteRow | undefined;
      if (!row) return 'unknown';
      return row.expires_at !== null && row.expires_at <= now ? 'expired' : 'used';
    });
  }

  returnInvite(code: string): Promise<void> {
    return this.commits.submit(() => void this.statements.returnInvite.run(code));
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    const { at, actor, action, target, detail } = entry;
    return this.commits.submit(() => void this.statements.appendAudit.run(at, actor, action, target, detail ?? null));
  }

  async auditLog(limit: number, before?: number): Promise<AuditEntry[]> {
    const rows = this.statements.auditLog.all(before ?? Number.MAX_SAFE_INTEGER, limit) as AuditRow[];
    return rows.map(toAuditEntry);
  }
}
