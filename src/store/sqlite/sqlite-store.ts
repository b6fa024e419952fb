import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { MessageKind } from '../../core/msgform.js';
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
import { backupDatabase } from './backup.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { migrate } from './migrations.js';
import { prepareOperatorStatements } from './operator-statements.js';
import { explainOpenFailure, prepareDatabase } from './prepare-database.js';

/** What the SQLite backend needs: an open connection (the composition root opened the file) and a logger. */
export interface SqliteDeps {
  readonly db: Database;
  readonly log: Logger;
}

interface MessageRow {
  id: number;
  sender: string;
  kind: MessageKind;
  group_name: string | null;
  text: string;
  sent_at: number;
  recipient: string;
}

/**
 * The durable store: one SQLite file in WAL mode, fsynced on every commit, owned by one process.
 *
 * A message's text is stored once (`messages`) and fanned out by small `queue` rows (recipient, message id).
 * Ids are assigned here, in call order, and the highest is kept in `counters`, so it never goes back even
 * when every message was pruned. Writes go through a group commit: everything submitted in one event-loop turn
 * shares a transaction, and its promises resolve, in call order, after the commit.
 */
export class SqliteStore implements Store {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly commits: GroupCommit;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly operatorStatements: ReturnType<typeof prepareOperatorStatements>;
  private lastId: number;
  private durableLastId: number;
  /** Names with a `cursors` row, so that an append inserts one only for a first-time recipient. */
  private readonly cursorNames = new Set<string>();
  /** Delivered positions waiting for the next commit, coalesced per user. */
  private marks = new Map<string, number>();
  private writingMarks = new Map<string, number>();
  /** Recipients given a `cursors` row by the transaction being written; known once it commits. */
  private newCursorNames: string[] = [];

  /** Locks the database, brings its schema up to date and loads the counters. Throws StoreOpenError. */
  static open(deps: SqliteDeps, options: Partial<GroupCommitOptions> = {}): SqliteStore {
    try {
      prepareDatabase(deps.db);
      migrate(deps.db, deps.log);
      return new SqliteStore(deps, options);
    } catch (err) {
      throw explainOpenFailure(deps.db.name, err);
    }
  }

  private constructor({ db, log }: SqliteDeps, options: Partial<GroupCommitOptions>) {
    this.db = db;
    this.log = log;
    this.statements = prepareStatements(db);
    this.operatorStatements = prepareOperatorStatements(db);
    this.lastId = this.durableLastId = (this.statements.lastId.get() as { value: number }).value;
    for (const row of this.statements.cursorNames.all() as { name: string }[]) this.cursorNames.add(row.name);
    const savepoint = db.transaction((op: () => unknown) => op());
    this.commits = new GroupCommit(
      {
        transact: (work) => db.transaction(work)(),
        isolate: (op) => savepoint(op),
        beforeCommit: () => this.writeSideEffects(),
        afterCommit: () => this.sideEffectsCommitted(),
        afterRollback: () => this.sideEffectsRolledBack(),
      },
      { maxBatch: options.maxBatch ?? 1_000, idleDelayMs: options.idleDelayMs ?? 50, onCommit: options.onCommit },
    );
    this.log.info({ file: db.name, lastMessageId: this.lastId }, 'opened the database');
  }

  /** Transactions committed since open (group commit makes it far fewer than the writes). */
  get commitCount(): number {
    return this.commits.commits;
  }

  async lastMessageId(): Promise<number> {
    return this.lastId;
  }

  async loadUsers(): Promise<StoredUser[]> {
    return (this.statements.users.all() as { name: string; password_hash: string; created_at: number }[]).map((row) => ({
      name: row.name,
      passwordHash: row.password_hash,
      createdAt: row.created_at,
    }));
  }

  async loadGroups(): Promise<StoredGroup[]> {
    const rows = this.statements.groups.all() as { name: string; members: string; created_by: string; created_at: number }[];
    return rows.map((row) => ({
      name: row.name,
      members: JSON.parse(row.members) as string[],
      createdBy: row.created_by,
      createdAt: row.created_at,
    }));
  }

  async loadCursors(): Promise<QueueCursor[]> {
    this.commits.flush();
    return this.statements.cursors.all() as QueueCursor[];
  }

  insertUser(user: StoredUser): Promise<boolean> {
    return this.commits.submit(() => {
      if (this.taken(user.name)) return false;
      this.statements.insertUser.run(user.name, user.passwordHash, user.createdAt);
      return true;
    });
  }

  insertGroup(group: StoredGroup): Promise<boolean> {
    return this.commits.submit(() => {
      if (this.taken(group.name)) return false;
      this.statements.insertGroup.run(group.name, JSON.stringify(group.members), group.createdBy, group.createdAt);
      return true;
    });
  }

  insertSession(session: StoredSession): Promise<void> {
    return this.commits.submit(() => {
      this.statements.insertSession.run(session.tokenHash, session.username, session.createdAt, session.expiresAt);
    });
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    const row = this.statements.findSession.get(tokenHash) as
      | { username: string; created_at: number; expires_at: number }
      | undefined;
    return row && { tokenHash, username: row.username, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  touchSession(tokenHash: string, expiresAt: number): Promise<void> {
    return this.commits.submit(() => {
      this.statements.touchSession.run(expiresAt, tokenHash);
    });
  }

  deleteSession(tokenHash: string): Promise<void> {
    return this.commits.submit(() => {
      this.statements.deleteSession.run(tokenHash);
    });
  }

  // Not async: the promise must be the group commit's own, so that callers resume in id order right after the
  // commit, before anything else can read the queue.
  appendMessage(message: NewMessage): Promise<number> {
    const id = ++this.lastId;
    return this.commits.submit(() => {
      const { recipients } = message;
      if (recipients.length === 0) return id;
      const s = this.statements;
      s.insertMessage.run(id, message.from, message.kind, message.group ?? null, message.text, message.sentAt);
      let first: string[] | undefined;
      for (const to of recipients) {
        s.insertQueueRow.run(to, id);
        if (!this.cursorNames.has(to)) {
          s.ensureCursor.run(to);
          (first ??= []).push(to);
        }
      }
      if (first) this.newCursorNames.push(...first);
      return id;
    });
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueueRow[]> {
    return (this.statements.readQueue.all(recipient, afterId, limit) as MessageRow[]).map(toQueueRow);
  }

  markDelivered(recipient: string, id: number): void {
    if (id <= (this.marks.get(recipient) ?? 0)) return;
    this.marks.set(recipient, id);
    this.commits.soon();
  }

  async prune(policy: RetentionPolicy): Promise<PruneResult> {
    // Pending delivered positions decide what may go: write them first.
    this.commits.flush();
    const s = this.statements;
    let removed = 0;
    const cursors: { name: string; prunedId: number }[] = [];
    this.db.transaction(() => {
      const candidates = s.pruneCandidates.all() as { name: string; delivered_id: number }[];
      for (const { name, delivered_id: deliveredId } of candidates) {
        const room = policy.batch - removed;
        if (room <= 0) break;
        const { n: delivered } = s.countDelivered.get(name, deliveredId) as { n: number };
        const excess = delivered - policy.keepDelivered;
        const cut: number[] = [];
        for (const row of s.oldestDelivered.iterate(name, deliveredId, room) as Iterable<{ id: number; sent_at: number }>) {
          if (cut.length >= excess && row.sent_at >= policy.olderThan) break;
          cut.push(row.id);
        }
        if (cut.length === 0) continue;
        const prunedId = cut[cut.length - 1]!;
        s.deleteQueueRows.run(name, prunedId);
        s.setPruned.run(prunedId, name);
        for (const id of cut) s.deleteUnreferencedMessage.run(id, id);
        removed += cut.length;
        cursors.push({ name, prunedId });
      }
    })();
    return { removed, cursors };
  }

  async sessionsOf(username: string): Promise<StoredSession[]> {
    const rows = this.operatorStatements.sessionsOf.all(username) as { token_hash: string; created_at: number; expires_at: number }[];
    return rows.map((row) => ({ tokenHash: row.token_hash, username, createdAt: row.created_at, expiresAt: row.expires_at }));
  }

  deleteSessionsOf(username: string): Promise<number> {
    return this.commits.submit(() => this.operatorStatements.deleteSessionsOf.run(username).changes);
  }

  setPasswordHash(name: string, passwordHash: string): Promise<boolean> {
    return this.commits.submit(() => this.operatorStatements.setPasswordHash.run(passwordHash, name).changes > 0);
  }

  deleteUser(name: string): Promise<boolean> {
    return this.commits.submit(() => {
      const s = this.operatorStatements;
      if (s.deleteUser.run(name).changes === 0) return false;
      s.deleteSessionsOf.run(name);
      s.deleteOwnMessages.run({ name });
      s.deleteQueue.run(name);
      s.deleteCursor.run(name);
      for (const group of s.groupsWith.all(name) as { name: string; members: string }[]) {
        const members = (JSON.parse(group.members) as string[]).filter((m) => m !== name);
        if (members.length === 0) s.deleteGroup.run(group.name);
        else s.setMembers.run(JSON.stringify(members), group.name);
      }
      // Its position is gone with its row; a later user of the name starts afresh.
      this.cursorNames.delete(name);
      this.marks.delete(name);
      this.newCursorNames = this.newCursorNames.filter((n) => n !== name);
      return true;
    });
  }

  backup(destination: string): Promise<void> {
    return backupDatabase(this.db, destination);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commits.close();
    this.db.close();
    this.log.info({ file: this.db.name, commits: this.commits.commits, lastMessageId: this.lastId }, 'closed the database');
  }

  private taken(name: string): boolean {
    return this.statements.nameTaken.get(name, name) !== undefined;
  }

  /** Rides on every commit: the id counter and the coalesced delivered positions. */
  private writeSideEffects(): void {
    if (this.lastId > this.durableLastId) this.statements.setLastId.run(this.lastId);
    this.writingMarks = this.marks;
    this.marks = new Map();
    for (const [name, id] of this.writingMarks) this.statements.markDelivered.run(name, id);
  }

  private sideEffectsCommitted(): void {
    this.durableLastId = this.lastId;
    for (const name of this.newCursorNames) this.cursorNames.add(name);
    for (const name of this.writingMarks.keys()) this.cursorNames.add(name);
    this.newCursorNames = [];
    this.writingMarks = new Map();
  }

  private sideEffectsRolledBack(): void {
    for (const [name, id] of this.writingMarks) if (id > (this.marks.get(name) ?? 0)) this.marks.set(name, id);
    this.newCursorNames = [];
    this.writingMarks = new Map();
  }
}

function toQueueRow(row: MessageRow): QueueRow {
  const base = { id: row.id, from: row.sender, to: row.recipient, kind: row.kind, text: row.text, sentAt: row.sent_at };
  return row.group_name === null ? base : { ...base, group: row.group_name };
}

/** Every statement the store runs, prepared once. */
function prepareStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    lastId: st(`SELECT value FROM counters WHERE name = 'last_message_id'`),
    setLastId: st(`UPDATE counters SET value = max(value, ?) WHERE name = 'last_message_id'`),
    users: st('SELECT name, password_hash, created_at FROM users ORDER BY created_at, name'),
    groups: st('SELECT name, members, created_by, created_at FROM chat_groups ORDER BY created_at, name'),
    cursorNames: st('SELECT name FROM cursors'),
    cursors: st(`
      SELECT c.name, c.delivered_id AS deliveredId, c.pruned_id AS prunedId,
        (SELECT count(*) FROM queue q WHERE q.recipient = c.name AND q.message_id > c.delivered_id) AS pending
      FROM cursors c`),
    nameTaken: st('SELECT 1 FROM users WHERE name = ? UNION ALL SELECT 1 FROM chat_groups WHERE name = ?'),
    insertUser: st('INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)'),
    insertGroup: st('INSERT INTO chat_groups (name, members, created_by, created_at) VALUES (?, ?, ?, ?)'),
    insertSession: st('INSERT OR REPLACE INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    findSession: st('SELECT username, created_at, expires_at FROM sessions WHERE token_hash = ?'),
    touchSession: st('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
    deleteSession: st('DELETE FROM sessions WHERE token_hash = ?'),
    insertMessage: st('INSERT INTO messages (id, sender, kind, group_name, text, sent_at) VALUES (?, ?, ?, ?, ?, ?)'),
    insertQueueRow: st('INSERT INTO queue (recipient, message_id) VALUES (?, ?)'),
    ensureCursor: st('INSERT OR IGNORE INTO cursors (name) VALUES (?)'),
    readQueue: st(`
      SELECT m.id, m.sender, m.kind, m.group_name, m.text, m.sent_at, q.recipient
      FROM queue q JOIN messages m ON m.id = q.message_id
      WHERE q.recipient = ? AND q.message_id > ?
      ORDER BY q.message_id LIMIT ?`),
    markDelivered: st(`
      INSERT INTO cursors (name, delivered_id) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET delivered_id = max(delivered_id, excluded.delivered_id)`),
    pruneCandidates: st('SELECT name, delivered_id FROM cursors WHERE delivered_id > pruned_id ORDER BY name'),
    countDelivered: st('SELECT count(*) AS n FROM queue WHERE recipient = ? AND message_id <= ?'),
    oldestDelivered: st(`
      SELECT q.message_id AS id, m.sent_at
      FROM queue q JOIN messages m ON m.id = q.message_id
      WHERE q.recipient = ? AND q.message_id <= ?
      ORDER BY q.message_id LIMIT ?`),
    deleteQueueRows: st('DELETE FROM queue WHERE recipient = ? AND message_id <= ?'),
    setPruned: st('UPDATE cursors SET pruned_id = max(pruned_id, ?) WHERE name = ?'),
    deleteUnreferencedMessage: st('DELETE FROM messages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM queue WHERE message_id = ?)'),
  };
}
