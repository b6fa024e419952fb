import type { AuditEntry, AuditStore, InviteStore, InviteTake, StoredInvite } from '../../core/ports/index.js';

/** Invites and the audit list, kept in this process (see MemoryStore). */
export class MemoryAccess implements InviteStore, AuditStore {
  private readonly codes = new Map<string, StoredInvite>();
  private readonly audit: AuditEntry[] = [];

  async insertInvite(invite: Omit<StoredInvite, 'used'>): Promise<void> {
    this.codes.set(invite.code, { ...invite, used: 0 });
  }

  async invites(): Promise<StoredInvite[]> {
    return [...this.codes.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  async findInvite(code: string): Promise<StoredInvite | undefined> {
    return this.codes.get(code);
  }

  async deleteInvite(code: string): Promise<boolean> {
    return this.codes.delete(code);
  }

  async takeInvite(code: string, now: number): Promise<InviteTake> {
    const invite = this.codes.get(code);
    if (!invite) return 'unknown';
    if (invite.expiresAt !== undefined && invite.expiresAt <= now) return 'expired';
    if (invite.used >= invite.uses) return 'used';
    this.codes.set(code, { ...invite, used: invite.used + 1 });
    return 'taken';
  }

  async returnInvite(code: string): Promise<void> {
    const invite = this.codes.get(code);
    if (invite && invite.used > 0) this.codes.set(code, { ...invite, used: invite.used - 1 });
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit.push(entry);
  }

  async auditLog(limit: number, before?: number): Promise<AuditEntry[]> {
    const older = before === undefined ? this.audit : this.audit.filter((e) => e.at < before);
    return limit <= 0 ? [] : older.slice(-limit).reverse();
  }
}
