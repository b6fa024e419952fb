/** One thing an admin did, as the audit list shows it. */
export interface AuditEntry {
  /** Epoch milliseconds. */
  readonly at: number;
  /** The admin (or `operator`, for an operator command). */
  readonly actor: string;
  /** What was done: `suspend`, `restore`, `delete_message`, `remove_member`, `end_group`, `create_user`, ... */
  readonly action: string;
  /** What it was done to: a user, a group, a message id, an invite. */
  readonly target: string;
  /** More, when there is more to say (the group a member was removed from, say). */
  readonly detail?: string;
}

/** The admins' actions, kept in the store: appended, never changed, read newest first. */
export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Up to `limit` entries, newest first, all of them before `before` (epoch ms) when given. */
  auditLog(limit: number, before?: number): Promise<AuditEntry[]>;
}
