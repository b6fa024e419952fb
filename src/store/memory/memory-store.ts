import type { Message } from '../../core/msgform.js';
import type {
  NewMessage,
  PruneResult,
  QueueCursor,
  QueuePage,
  QueueRow,
  RetentionPolicy,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../store.js';
import { deliveredToAll } from '../broadcast-floor.js';

interface Cursor {
  deliveredId: number;
  prunedId: number;
  /** The last id assigned before the user registered: later broadcasts reach them. */
  joinedId: number;
  /** Ids of the direct and group messages on this user's queue, ascending. */
  queue: number[];
}

/** Keeps everything in this process: for tests and throwaway servers. Nothing survives a restart. */
export class MemoryStore implements Store {
  private readonly users = new Map<string, StoredUser>();
  private readonly groups = new Map<string, StoredGroup>();
  private readonly sessions = new Map<string, StoredSession>();
  private readonly cursors = new Map<string, Cursor>();
  /** Every retained message, by id: a message is stored once however many read it. */
  private readonly messages = new Map<number, Message>();
  /** Queue rows still referring to each message, so that the last one to go takes the text with it. */
  private readonly references = new Map<number, number>();
  /** The broadcast log, ascending ids. */
  private readonly broadcasts: number[] = [];
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
    return [...this.cursors].map(([name, c]) => ({
      name,
      deliveredId: c.deliveredId,
      prunedId: c.prunedId,
      pending: c.queue.length - firstAfter(c.queue, c.deliveredId),
    }));
  }

  async insertUser(user: StoredUser): Promise<boolean> {
    if (this.taken(user.name)) return false;
    this.users.set(user.name, user);
    this.cursor(user.name).joinedId = this.lastId;
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
    if (message.kind === 'broadcast') {
      this.messages.set(id, { ...rest, id });
      this.broadcasts.push(id);
      return id;
    }
    if (recipients.length === 0) return id;
    this.messages.set(id, { ...rest, id });
    this.references.set(id, recipients.length);
    for (const to of recipients) this.cursor(to).queue.push(id);
    return id;
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage> {
    const c = this.cursors.get(recipient);
    if (!c) return { rows: [], prunedId: 0 };
    const rows: QueueRow[] = [];
    let q = firstAfter(c.queue, afterId);
    let b = firstAfter(this.broadcasts, Math.max(afterId, c.joinedId));
    while (rows.length < limit) {
      const fromQueue = c.queue[q];
      const fromLog = this.broadcasts[b];
      if (fromQueue === undefined && fromLog === undefined) break;
      if (fromLog === undefined || (fromQueue !== undefined && fromQueue < fromLog)) {
        q++;
        rows.push({ ...this.messages.get(fromQueue!)!, to: recipient });
      } else {
        b++;
        const message = this.messages.get(fromLog)!;
        if (message.from !== recipient) rows.push({ ...message, to: recipient });
      }
    }
    return { rows, prunedId: c.prunedId };
  }

  markDelivered(recipient: string, id: number): void {
    const c = this.cursor(recipient);
    if (id > c.deliveredId) c.deliveredId = id;
  }

  async prune(policy: RetentionPolicy): Promise<PruneResult> {
    let removed = 0;
    for (const c of this.cursors.values()) {
      let cut = 0;
      while (removed < policy.batch && cut < c.queue.length) {
        const id = c.queue[cut]!;
        if (id > c.deliveredId || this.messages.get(id)!.sentAt >= policy.olderThan) break;
        cut++;
        removed++;
      }
      if (cut === 0) continue;
      c.prunedId = Math.max(c.prunedId, c.queue[cut - 1]!);
      for (const id of c.queue.splice(0, cut)) this.release(id);
    }
    removed += this.pruneBroadcasts(policy, policy.batch - removed);
    return { removed };
  }

  async close(): Promise<void> {}

  /** Removes the oldest broadcasts that every user they reach has had delivered, up to `room` of them. */
  private pruneBroadcasts(policy: RetentionPolicy, room: number): number {
    const floors = [...this.users.keys()].map((name) => {
      const c = this.cursor(name);
      return { name, floor: Math.max(c.deliveredId, c.joinedId) };
    });
    floors.sort((a, b) => a.floor - b.floor);
    let cut = 0;
    while (cut < room && cut < this.broadcasts.length) {
      const message = this.messages.get(this.broadcasts[cut]!)!;
      if (message.sentAt >= policy.olderThan || !deliveredToAll(message, floors)) break;
      cut++;
    }
    if (cut === 0) return 0;
    const through = this.broadcasts[cut - 1]!;
    for (const id of this.broadcasts.splice(0, cut)) this.messages.delete(id);
    for (const c of this.cursors.values()) if (c.joinedId < through) c.prunedId = Math.max(c.prunedId, through);
    return cut;
  }

  private release(id: number): void {
    const left = (this.references.get(id) ?? 1) - 1;
    if (left > 0) {
      this.references.set(id, left);
      return;
    }
    this.references.delete(id);
    this.messages.delete(id);
  }

  private taken(name: string): boolean {
    return this.users.has(name) || this.groups.has(name);
  }

  private cursor(name: string): Cursor {
    let c = this.cursors.get(name);
    if (!c) {
      c = { deliveredId: 0, prunedId: 0, joinedId: 0, queue: [] };
      this.cursors.set(name, c);
    }
    return c;
  }
}

/** Index of the first id above `id` in an ascending array. */
function firstAfter(ids: readonly number[], id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
