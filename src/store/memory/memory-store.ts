import type {
  NewMessage,
  PruneResult,
  QueueCursor,
  QueueRow,
  RetentionPolicy,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../store.js';

interface Queue {
  rows: QueueRow[];
  deliveredId: number;
  prunedId: number;
}

/** Keeps everything in this process: for tests and throwaway servers. Nothing survives a restart. */
export class MemoryStore implements Store {
  private readonly users = new Map<string, StoredUser>();
  private readonly groups = new Map<string, StoredGroup>();
  private readonly sessions = new Map<string, StoredSession>();
  private readonly queues = new Map<string, Queue>();
  private lastId = 0;

  async lastMessageId(): Promise<number> {
    return this.lastId;
  }

  async loadUsers(): Promise<StoredUser[]> {
    return [...this.users.values()];
  }

  async loadGroups(): Promise<StoredGroup[]> {
    return [...this.groups.values()];
  }

  async loadCursors(): Promise<QueueCursor[]> {
    return [...this.queues].map(([name, q]) => ({
      name,
      deliveredId: q.deliveredId,
      prunedId: q.prunedId,
      pending: q.rows.filter((row) => row.id > q.deliveredId).length,
    }));
  }

  async insertUser(user: StoredUser): Promise<boolean> {
    if (this.taken(user.name)) return false;
    this.users.set(user.name, user);
    return true;
  }

  async insertGroup(group: StoredGroup): Promise<boolean> {
    if (this.taken(group.name)) return false;
    this.groups.set(group.name, { ...group, members: [...group.members] });
    return true;
  }

  async insertSession(session: StoredSession): Promise<void> {
    this.sessions.set(session.tokenHash, session);
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    return this.sessions.get(tokenHash);
  }

  async touchSession(tokenHash: string, expiresAt: number): Promise<void> {
    const session = this.sessions.get(tokenHash);
    if (session) this.sessions.set(tokenHash, { ...session, expiresAt });
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.sessions.delete(tokenHash);
  }

  async appendMessage(message: NewMessage): Promise<number> {
    const id = ++this.lastId;
    const { recipients, ...rest } = message;
    for (const to of recipients) this.queue(to).rows.push({ ...rest, id, to });
    return id;
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueueRow[]> {
    const rows = this.queues.get(recipient)?.rows ?? [];
    return rows.filter((row) => row.id > afterId).slice(0, limit);
  }

  markDelivered(recipient: string, id: number): void {
    const q = this.queue(recipient);
    if (id > q.deliveredId) q.deliveredId = id;
  }

  async prune(policy: RetentionPolicy): Promise<PruneResult> {
    let removed = 0;
    const cursors: { name: string; prunedId: number }[] = [];
    for (const [name, q] of this.queues) {
      const delivered = q.rows.filter((row) => row.id <= q.deliveredId);
      const excess = Math.max(0, delivered.length - policy.keepDelivered);
      let cut = 0;
      while (
        cut < delivered.length &&
        removed < policy.batch &&
        (cut < excess || delivered[cut]!.sentAt < policy.olderThan)
      ) {
        cut++;
        removed++;
      }
      if (cut > 0) {
        q.prunedId = Math.max(q.prunedId, delivered[cut - 1]!.id);
        q.rows.splice(0, cut);
        cursors.push({ name, prunedId: q.prunedId });
      }
    }
    return { removed, cursors };
  }

  async sessionsOf(username: string): Promise<StoredSession[]> {
    return [...this.sessions.values()].filter((s) => s.username === username).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteSessionsOf(username: string): Promise<number> {
    const mine = await this.sessionsOf(username);
    for (const session of mine) this.sessions.delete(session.tokenHash);
    return mine.length;
  }

  async setPasswordHash(name: string, passwordHash: string): Promise<boolean> {
    const user = this.users.get(name);
    if (user) this.users.set(name, { ...user, passwordHash });
    return user !== undefined;
  }

  async deleteUser(name: string): Promise<boolean> {
    if (!this.users.delete(name)) return false;
    await this.deleteSessionsOf(name);
    this.queues.delete(name);
    for (const [groupName, group] of this.groups) {
      if (!group.members.includes(name)) continue;
      const members = group.members.filter((m) => m !== name);
      if (members.length === 0) this.groups.delete(groupName);
      else this.groups.set(groupName, { ...group, members });
    }
    return true;
  }

  async close(): Promise<void> {}

  private taken(name: string): boolean {
    return this.users.has(name) || this.groups.has(name);
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = { rows: [], deliveredId: 0, prunedId: 0 };
      this.queues.set(name, q);
    }
    return q;
  }
}
