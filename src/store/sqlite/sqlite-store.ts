import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { MessageKind } from '../../core/msgform.js';
import type {
  ConversationRef,
  ConversationSummary,
  FoundMessage,
  GroupChange,
  NewEvent,
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
} from '../../core/ports/index.js';
import type { EventType, Message } from '../../core/msgform.js';
import { nextId } from '../../core/ids.js';
import { idempotencyKeepMs, type Appended } from '../../core/ports/index.js';
import { deliveredToAll, type Floor } from '../broadcast-floor.js';
import { movedMembers } from '../../core/chat/group-change.js';
import { windowOf } from '../group-window.js';
import { conversationKey, directKey, keyOfMessage } from '../conversation-key.js';
import { queueFull } from '../../core/errors.js';
import type { SessionEndReason } from '../../core/delivery/stream-session.js';
import { LocalFeed } from '../local-feed.js';
import { backupDatabase, restoredBackup } from './backup.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { migrate } from './migrations.js';
import { prepareOperatorStatements } from './operator-statements.js';
import { explainOpenFailure, prepareDatabase } from './prepare-database.js';

/**
 * What the SQLite backend needs: an open connection (the composition root opened the file), a logger, and the
 * feed it tells each write once it is durable (a new one of its own when absent).
 */
export interface SqliteDeps {
  readonly db: Database;
  readonly log: Logger;
  readonly feed?: LocalFeed;
}

export interface SqliteOptions extends GroupCommitOptions {
  /**
   * After a message was deleted, the WAL is checkpointed and truncated this much later (ms), so that the older
   * page images holding its text leave the disk soon; deletions in the meantime share one checkpoint.
   * @default 1_000
   */
  readonly purgeDelayMs: number;
  /**
   * Delivered positions are gathered this long, then written a thousand a commit (ms): a broadcast to thousands
   * of online users moves thousands of positions, and writing them with every message would cost a row per
   * recipient again. A crash loses at most this much of them (streams opened without a resume position then
   * repeat those messages). @default 1_000
   */
  readonly markDelayMs: number;
  /** Dates the ids (epoch ms). @default Date.now */
  readonly clock: () => number;
}

interface MessageRow {
  id: number;
  sender: string;
  kind: MessageKind | 'event';
  group_name: string | null;
  text: string;
  sent_at: number;
  event: EventType | null;
  edited_at: number | null;
  deleted: number;
}

interface GroupRow {
  name: string;
  members: string;
  created_by: string;
  created_at: number;
  owner: string | null;
  positions: string;
}

/**
 * Delivered positions written per commit. A broadcast to 10,000 online users owes 10,000 of them, and writing
 * them in one transaction held the event loop (and every stream waiting on it) for tens of milliseconds.
 */
const marksPerCommit = 1_000;

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
  /** The last id the counter row holds, as of the last commit. */
  private durableLastId: number;
  /** The last id of what is on disk: streams read no further, so that nothing delivered can be lost to a power cut. */
  private syncedId: number;
  /** The write-ahead log, opened at the first sync: fsynced off the event loop before a write counts as durable. */
  private walFd: number | undefined;
  /** Names with a `cursors` row, so that an append inserts one only for a first-time recipient. */
  private readonly cursorNames = new Set<string>();
  /** Delivered positions waiting to be written, coalesced per user. */
  private marks = new Map<string, number>();
  private marksDue = false;
  /** The next commit writes every coalesced position, not a slice (on close and before pruning). */
  private allMarksDue = false;
  private markTimer: NodeJS.Timeout | undefined;
  private readonly markDelayMs: number;
  private readonly clock: () => number;
  private writingMarks = new Map<string, number>();
  /** Recipients given a `cursors` row by the transaction being written; known once it commits. */
  private newCursorNames: string[] = [];
  /** The transaction being written deletes a text: checkpoint the WAL soon after it commits. */
  private purging = false;
  private purgeTimer: NodeJS.Timeout | undefined;
  private readonly purgeDelayMs: number;
  /** Told of every WAL checkpoint that followed a deletion (tests and logs wait for it). */
  onPurged: (() => void) | undefined;
  readonly feed: LocalFeed;
  /**
   * Undelivered direct and group messages per recipient, for the queue limit: exact as of `countedThrough`
   * (their delivered position when last counted), plus what was appended since. Absent: not counted yet.
   */
  private readonly pending = new Map<string, number>();
  private readonly countedThrough = new Map<string, number>();

  /** Locks the database, brings its schema up to date and loads the counters. Throws StoreOpenError. */
  static open(deps: SqliteDeps, options: Partial<SqliteOptions> = {}): SqliteStore {
    try {
      prepareDatabase(deps.db);
      migrate(deps.db, deps.log);
      const restored = restoredBackup(deps.db);
      if (restored) {
        deps.log.warn(
          { file: deps.db.name, takenAt: new Date(restored.takenAt).toISOString(), lastMessageId: restored.lastId },
          'this database is a backup opened for the first time: what the server it was copied from accepted after the backup was taken is not in it; devices that saw such messages are told so when they resume (lost, reason store), and new ids stay above every id handed out before',
        );
      }
      return new SqliteStore(deps, options);
    } catch (err) {
      throw explainOpenFailure(deps.db.name, err);
    }
  }

  private constructor({ db, log, feed }: SqliteDeps, options: Partial<SqliteOptions>) {
    this.db = db;
    this.feed = feed ?? new LocalFeed();
    this.markDelayMs = options.markDelayMs ?? 1_000;
    this.purgeDelayMs = options.purgeDelayMs ?? 1_000;
    this.clock = options.clock ?? Date.now;
    this.log = log;
    this.statements = prepareStatements(db);
    this.operatorStatements = prepareOperatorStatements(db);
    this.lastId = this.durableLastId = this.syncedId = (this.statements.lastId.get() as { value: number }).value;
    for (const row of this.statements.cursorNames.all() as { name: string }[]) this.cursorNames.add(row.name);
    const savepoint = db.transaction((op: () => unknown) => op());
    this.commits = new GroupCommit(
      {
        transact: (work) => db.transaction(work)(),
        isolate: (op) => savepoint(op),
        beforeCommit: () => this.writeSideEffects(),
        afterCommit: () => this.sideEffectsCommitted(),
        afterRollback: () => this.sideEffectsRolledBack(),
        sync: (done) => this.syncLog(done),
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
    return (this.statements.groups.all() as GroupRow[]).map(toGroup);
  }

  async loadCursors(): Promise<QueueCursor[]> {
    this.flushMarks();
    return this.statements.cursors.all() as QueueCursor[];
  }

  async findUser(name: string): Promise<StoredUser | undefined> {
    const row = this.statements.user.get(name) as { password_hash: string; created_at: number } | undefined;
    return row && { name, passwordHash: row.password_hash, createdAt: row.created_at };
  }

  async userNames(): Promise<string[]> {
    return this.statements.userNames.all() as string[];
  }

  async findGroup(name: string): Promise<StoredGroup | undefined> {
    const row = this.statements.group.get(name) as GroupRow | undefined;
    return row && toGroup(row);
  }

  async deliveredId(recipient: string): Promise<number> {
    return this.deliveredPosition(recipient);
  }

  async pendingTotal(): Promise<number> {
    let total = 0;
    for (const cursor of await this.loadCursors()) total += cursor.pending;
    return total;
  }

  /** The newest delivered position known here: coalesced, being written, or on disk. */
  private deliveredPosition(recipient: string): number {
    const written = (this.statements.deliveredId.get(recipient) as number | undefined) ?? 0;
    return Math.max(this.marks.get(recipient) ?? 0, this.writingMarks.get(recipient) ?? 0, written);
  }

  /**
   * Whether the recipient's queue holds `limit` undelivered messages. The estimate is an upper bound: below the
   * limit, it is not full. Otherwise they are counted again (inside the caller's transaction, so that writes
   * earlier in the batch count), only when delivery moved since the last count.
   */
  private isFull(recipient: string, limit: number): boolean {
    const estimate = this.pending.get(recipient);
    return !(estimate !== undefined && estimate < limit) && this.pendingOf(recipient) >= limit;
  }

  /** Recipients known to be full without a transaction: a send to them is refused before it costs a commit. */
  private knownFull(message: NewMessage): string[] | undefined {
    const limit = message.queueLimit;
    if (limit === undefined || message.kind === 'broadcast') return undefined;
    const full = message.recipients.filter((to) => (this.pending.get(to) ?? 0) >= limit && this.pendingOf(to) >= limit);
    return full.length > 0 ? full : undefined;
  }

  private pendingOf(recipient: string): number {
    const through = this.deliveredPosition(recipient);
    const known = this.pending.get(recipient);
    if (known !== undefined && this.countedThrough.get(recipient) === through) return known;
    const counted = this.statements.countPending.get(recipient, through) as number;
    this.pending.set(recipient, counted);
    this.countedThrough.set(recipient, through);
    return counted;
  }

  insertUser(user: StoredUser): Promise<boolean> {
    // Broadcasts submitted after this call reach the new user; those before do not.
    const joinedId = this.lastId;
    return this.commits.submit(() => {
      if (this.taken(user.name)) return false;
      this.statements.insertUser.run(user.name, user.passwordHash, user.createdAt);
      this.statements.joinCursor.run(user.name, joinedId);
      this.newCursorNames.push(user.name);
      return true;
    }, (inserted) => {
      if (inserted) this.feed.publish({ kind: 'registered', name: user.name });
      return inserted;
    });
  }

  insertGroup(group: StoredGroup, event?: NewEvent): Promise<number | false> {
    const id = event ? this.nextId() : 0;
    return this.commits.submit(() => {
      if (this.taken(group.name)) return false;
      this.statements.insertGroup.run(group.name, JSON.stringify(group.members), group.createdBy, group.createdAt, group.owner ?? group.createdBy);
      if (event) this.writeEvent(id, event);
      return id;
    }, (inserted) => {
      if (inserted === false) return false;
      this.feed.publish({ kind: 'group', group: { ...group, owner: group.owner ?? group.createdBy, joined: {}, left: {} } });
      if (event) this.tellEvent(id, event);
      return inserted;
    });
  }

  changeGroup(change: GroupChange): Promise<number[] | undefined> {
    const ids = change.events.map(() => this.nextId());
    const recipients = change.events[0].recipients;
    return this.commits.submit(() => {
      const row = this.statements.group.get(change.name) as GroupRow | undefined;
      if (!row) return undefined;
      const group = toGroup(row);
      if (group.members.join(',') !== change.expected.join(',')) return undefined;
      const moved = movedMembers(group, change, ids[0]!);
      this.statements.setGroup.run(JSON.stringify(moved.members), moved.owner, JSON.stringify({ joined: moved.joined, left: moved.left }), change.name);
      change.events.forEach((event, i) => this.writeEvent(ids[i]!, { ...event, recipients }));
      return { ...group, ...moved };
    }, (changed) => {
      if (!changed) return undefined;
      this.feed.publish({ kind: 'group', group: changed });
      change.events.forEach((event, i) => this.tellEvent(ids[i]!, { ...event, recipients }));
      return ids;
    });
  }

  async findMessage(id: number): Promise<FoundMessage | undefined> {
    const row = this.statements.findMessage.get(id) as (MessageRow & { conversation: string | null }) | undefined;
    if (!row) return undefined;
    const message = toMessage(row);
    if (row.kind !== 'direct' || row.conversation === null) return message;
    const [, a, b] = row.conversation.split(':');
    return { ...message, to: a === row.sender ? b! : a! };
  }

  editMessage(id: number, text: string, editedAt: number, event: NewEvent): Promise<number | undefined> {
    const eventId = this.nextId();
    return this.commits.submit(() => {
      if (this.statements.editMessage.run(text, editedAt, id).changes === 0) return undefined;
      this.writeEvent(eventId, event, id);
      return eventId;
    }, (stored) => this.toldEvent(stored, event));
  }

  deleteMessage(id: number, event: NewEvent): Promise<number | undefined> {
    const eventId = this.nextId();
    return this.commits.submit(() => {
      const s = this.statements;
      if (s.deleteMessage.run(id).changes === 0) return undefined;
      // Earlier edits carried texts of the message too: they become deletions, keeping their positions.
      s.blankEdits.run(event.json, id);
      this.writeEvent(eventId, event);
      this.purging = true;
      return eventId;
    }, (stored) => this.toldEvent(stored, event));
  }

  insertSession(session: StoredSession): Promise<void> {
    return this.commits.submit(() => {
      const { tokenHash, username, createdAt, expiresAt, lastUsedAt, userAgent } = session;
      this.statements.insertSession.run(tokenHash, username, createdAt, expiresAt, lastUsedAt, userAgent ?? null);
    });
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    const row = this.statements.findSession.get(tokenHash) as Omit<SessionRow, 'token_hash'> | undefined;
    return row && sessionOfRow({ ...row, token_hash: tokenHash });
  }

  async endedSessions(tokenHashes: readonly string[], now: number): Promise<string[]> {
    const expiry = this.statements.sessionExpiry;
    return tokenHashes.filter((hash) => !(((expiry.get(hash) as number | undefined) ?? 0) > now));
  }

  touchSession(tokenHash: string, expiresAt: number, lastUsedAt: number): Promise<void> {
    return this.commits.submit(() => {
      this.statements.touchSession.run(expiresAt, lastUsedAt, tokenHash);
    });
  }

  deleteSession(tokenHash: string, reason: SessionEndReason = 'exit'): Promise<void> {
    return this.commits.submit(() => {
      const user = this.statements.findSession.get(tokenHash) as { username: string } | undefined;
      this.statements.deleteSession.run(tokenHash);
      return user?.username;
    }, (user) => {
      if (user !== undefined) this.feed.publish({ kind: 'session_ended', user, sessionId: tokenHash, reason });
    });
  }

  // Not async, as appendMessage. The key is looked up and written in the same transaction as the message.
  appendMessageOnce(message: NewMessage, key: string): Promise<Appended> {
    const id = this.nextId();
    return this.commits.submit(() => {
      const s = this.statements;
      // A few expired keys go with each use, oldest first: the table stays about a day of keys.
      s.forgetExpiredKeys.run(message.sentAt);
      const known = s.findKey.get(message.from, key, message.sentAt) as { message_id: number; sent_at: number } | undefined;
      if (known) return { id: known.message_id, replayed: true, sentAt: known.sent_at };
      const full = this.writeMessage(id, message);
      if (full) return full;
      s.insertKey.run(message.from, key, id, message.sentAt + idempotencyKeepMs, message.sentAt);
      return { id, replayed: false, sentAt: message.sentAt };
    }, (appended) => {
      if (Array.isArray(appended)) throw queueFull(appended);
      if (!appended.replayed) this.tellMessage(id, message);
      return appended;
    });
  }

  // Not async: callers resume in id order right after the commit (and after the feed was told), before anything
  // else can read the queue.
  appendMessage(message: NewMessage): Promise<number> {
    const known = this.knownFull(message);
    if (known) return Promise.reject(queueFull(known));
    const id = this.nextId();
    return this.commits.submit(() => this.writeMessage(id, message), (full) => {
      if (full) throw queueFull(full);
      this.tellMessage(id, message);
      return id;
    });
  }

  private tellMessage(id: number, message: NewMessage): void {
    const { recipients, queueLimit: _, ...rest } = message;
    this.feed.publish({ kind: 'message', message: { ...rest, id }, recipients: message.kind === 'broadcast' ? [] : recipients });
  }

  private tellEvent(id: number, event: NewEvent): void {
    if (event.recipients.length === 0) return;
    this.feed.publish({ kind: 'event', event: { id, type: event.type, json: event.json, at: event.at }, recipients: event.recipients });
  }

  private toldEvent(id: number | undefined, event: NewEvent): number | undefined {
    if (id !== undefined) this.tellEvent(id, event);
    return id;
  }

  /** The id of the next message (src/core/ids.ts): from the clock, above the last one. */
  private nextId(): number {
    return (this.lastId = nextId(this.lastId, this.clock()));
  }

  /**
   * The writes of one message, inside a commit; writes nothing and returns the recipients whose queue is full
   * (see NewMessage.queueLimit) instead.
   */
  private writeMessage(id: number, message: NewMessage): string[] | undefined {
    const s = this.statements;
    if (message.kind === 'broadcast') {
      s.insertMessage.run(id, message.from, message.kind, null, message.text, message.sentAt, 'b');
      s.insertBroadcast.run(id, message.from);
      return undefined;
    }
    const { recipients, queueLimit } = message;
    if (recipients.length === 0) return undefined;
    if (queueLimit !== undefined) {
      const full = recipients.filter((to) => this.isFull(to, queueLimit));
      if (full.length > 0) return full;
    }
    s.insertMessage.run(id, message.from, message.kind, message.group ?? null, message.text, message.sentAt, keyOfMessage(message));
    if (message.kind === 'direct') s.notePeers.run(message.from, recipients[0], recipients[0], message.from);
    let first: string[] | undefined;
    for (const to of recipients) {
      s.insertQueueRow.run(to, id);
      const counted = this.pending.get(to);
      if (counted !== undefined) this.pending.set(to, counted + 1);
      if (!this.cursorNames.has(to)) {
        s.ensureCursor.run(to);
        (first ??= []).push(to);
      }
    }
    if (first) this.newCursorNames.push(...first);
    return undefined;
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage> {
    const s = this.statements;
    const cursor = s.readerCursor.get(recipient) as { joined_id: number; pruned_id: number } | undefined;
    if (!cursor) return { rows: [], prunedId: 0 };
    const rows = s.readQueue.all({ recipient, after: afterId, joined: cursor.joined_id, durable: this.syncedId, limit }) as MessageRow[];
    return { rows: rows.map((row) => toQueueRow(row, recipient)), prunedId: cursor.pruned_id };
  }

  async knowsPosition(recipient: string, id: number): Promise<boolean> {
    if (id === 0) return true;
    const row = this.statements.knowsPosition.get({ recipient, id }) as { known: number } | undefined;
    return row?.known === 1;
  }

  async readConversation(reader: string, conversation: ConversationRef, beforeId: number, limit: number): Promise<Message[]> {
    const s = this.statements;
    const key = conversationKey(reader, conversation);
    const { after, through } = windowOf(conversation);
    const before = Math.min(beforeId, through + 1);
    const rows =
      conversation.kind === 'broadcast'
        ? (s.readBroadcasts.all({ reader, before, joined: this.joinedId(reader), limit }) as MessageRow[])
        : (s.readConversation.all({ key, before, after, limit }) as MessageRow[]);
    return rows.map(toMessage);
  }

  async directPeers(reader: string): Promise<string[]> {
    return (this.statements.directPeers.all(reader) as { with_name: string }[]).map((row) => row.with_name);
  }

  async summarize(reader: string, conversation: ConversationRef): Promise<ConversationSummary> {
    const s = this.statements;
    const readId = (s.readMark.get(reader, conversation.with) as { read_id: number } | undefined)?.read_id ?? 0;
    const key = conversationKey(reader, conversation);
    const { after, through } = windowOf(conversation);
    const floor = Math.max(readId, after, conversation.kind === 'broadcast' ? this.joinedId(reader) : 0);
    const { n: unread } = s.countUnread.get({ key, floor, through, reader }) as { n: number };
    const [last] = await this.readConversation(reader, conversation, Number.MAX_SAFE_INTEGER, 1);
    return last ? { last, unread, readId } : { unread, readId };
  }

  markRead(reader: string, conversation: ConversationRef, upTo: number, event?: NewEvent): Promise<number> {
    const id = event ? this.nextId() : 0;
    return this.commits.submit(() => {
      this.statements.markRead.run(reader, conversation.with, conversation.kind, upTo);
      if (event) this.writeEvent(id, event);
      return id;
    }, (stored) => {
      if (event && stored > 0) this.tellEvent(stored, event);
      return stored;
    });
  }

  markDelivered(recipient: string, id: number): void {
    if (id <= (this.marks.get(recipient) ?? 0)) return;
    this.marks.set(recipient, id);
    // Called per delivery: arm the timer once per round, not on every call.
    if (this.markTimer) return;
    this.markTimer = setTimeout(() => {
      this.markTimer = undefined;
      this.marksDue = true;
      this.commits.soon();
    }, this.markDelayMs);
    this.markTimer.unref();
  }

  async prune(policy: RetentionPolicy): Promise<PruneResult> {
    // What was delivered decides what may go: write the positions first.
    this.flushMarks();
    const s = this.statements;
    let removed = 0;
    this.db.transaction(() => {
      for (const { name, delivered_id: deliveredId } of s.pruneCandidates.all() as { name: string; delivered_id: number }[]) {
        const room = policy.batch - removed;
        if (room <= 0) break;
        const cut: number[] = [];
        for (const row of s.oldestDelivered.iterate(name, deliveredId, room) as Iterable<{ id: number; sent_at: number }>) {
          if (row.sent_at >= policy.olderThan) break;
          cut.push(row.id);
        }
        if (cut.length === 0) continue;
        const prunedId = cut[cut.length - 1]!;
        s.deleteQueueRows.run(name, prunedId);
        s.setPruned.run(prunedId, name);
        for (const id of cut) s.deleteUnreferencedMessage.run(id, id);
        removed += cut.length;
      }
      removed += this.pruneBroadcasts(policy, policy.batch - removed);
    })();
    return { removed };
  }

  async sessionsOf(username: string): Promise<StoredSession[]> {
    const rows = this.operatorStatements.sessionsOf.all(username) as SessionRow[];
    return rows.map(sessionOfRow);
  }

  deleteSessionsOf(username: string): Promise<number> {
    return this.commits.submit(
      () => this.operatorStatements.deleteSessionsOf.run(username).changes,
      (ended) => {
        this.feed.publish({ kind: 'sessions_ended', user: username });
        return ended;
      },
    );
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
      for (const { with_name } of s.directPeers.all(name) as { with_name: string }[]) s.unfileConversation.run(directKey(name, with_name));
      s.deleteConversations.run(name, name);
      for (const group of s.groupsWith.all(name) as { name: string; members: string }[]) {
        const members = (JSON.parse(group.members) as string[]).filter((m) => m !== name);
        if (members.length === 0) s.deleteGroup.run(group.name);
        else s.setMembers.run(JSON.stringify(members), group.name);
      }
      // Its position is gone with its row; a later user of the name starts afresh.
      this.cursorNames.delete(name);
      this.marks.delete(name);
      this.pending.delete(name);
      this.countedThrough.delete(name);
      this.newCursorNames = this.newCursorNames.filter((n) => n !== name);
      return true;
    }, (deleted) => {
      if (!deleted) return false;
      this.feed.publish({ kind: 'sessions_ended', user: name });
      this.feed.publish({ kind: 'deleted', name });
      return true;
    });
  }

  backup(destination: string): Promise<void> {
    return backupDatabase(this.db, destination);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    if (this.markTimer) clearTimeout(this.markTimer);
    if (this.purgeTimer) clearTimeout(this.purgeTimer);
    this.marksDue = true;
    this.allMarksDue = true;
    await this.commits.close();
    this.db.close();
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.log.info({ file: this.db.name, commits: this.commits.commits, lastMessageId: this.lastId }, 'closed the database');
  }

  /** Writes an event with its id on the queue of each of its recipients (inside the caller's transaction). */
  private writeEvent(id: number, event: NewEvent, ofMessage?: number): void {
    const s = this.statements;
    if (event.recipients.length === 0) return;
    s.insertEvent.run(id, event.json, event.at, event.type, ofMessage ?? null);
    let first: string[] | undefined;
    for (const to of event.recipients) {
      s.insertQueueRow.run(to, id);
      if (!this.cursorNames.has(to)) {
        s.ensureCursor.run(to);
        (first ??= []).push(to);
      }
    }
    if (first) this.newCursorNames.push(...first);
  }

  /**
   * Moves every page out of the WAL into the database file and truncates the WAL, so that the page images
   * written before a deletion, which still hold the text, are gone from the disk too.
   */
  private purgeSoon(): void {
    if (this.purgeTimer) return;
    this.purgeTimer = setTimeout(() => {
      this.purgeTimer = undefined;
      if (!this.db.open) return;
      try {
        const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
        this.log.info({ busy: result?.busy }, 'checkpointed the WAL after a deletion');
        this.onPurged?.();
      } catch (err) {
        this.log.error({ err }, 'could not checkpoint the WAL after a deletion');
      }
    }, this.purgeDelayMs);
    this.purgeTimer.unref();
  }

  /** The oldest broadcasts that every user they reach has had delivered, up to `room` of them. */
  private pruneBroadcasts(policy: RetentionPolicy, room: number): number {
    if (room <= 0) return 0;
    const s = this.statements;
    const floors = s.lowestFloors.all() as Floor[];
    let through = 0;
    let cut = 0;
    for (const row of s.oldestBroadcasts.iterate(room) as Iterable<{ id: number; sender: string; sent_at: number }>) {
      if (row.sent_at >= policy.olderThan || !deliveredToAll({ id: row.id, from: row.sender }, floors)) break;
      through = row.id;
      cut++;
    }
    if (cut === 0) return 0;
    s.deleteBroadcastMessages.run(through);
    s.deleteBroadcasts.run(through);
    s.raisePrunedOfReaders.run(through, through);
    return cut;
  }

  /** Writes the delivered positions now, in a commit of their own if nothing else is waiting. */
  private flushMarks(): void {
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = undefined;
    this.marksDue = true;
    this.allMarksDue = true;
    this.commits.flush();
  }

  private joinedId(reader: string): number {
    return (this.statements.readerCursor.get(reader) as { joined_id: number } | undefined)?.joined_id ?? 0;
  }

  private taken(name: string): boolean {
    return this.statements.nameTaken.get(name, name) !== undefined;
  }

  /**
   * Makes every commit so far durable: with `synchronous=NORMAL` a commit reaches the write-ahead log but not the
   * disk, and this fsync of the log (on libuv's thread pool, not the event loop) puts it there. The log holds
   * whole frames with checksums, so a power cut loses at most commits that no caller was told of yet.
   */
  private syncLog(done: (err?: Error) => void): void {
    const upTo = this.durableLastId;
    try {
      this.walFd ??= openSync(`${this.db.name}-wal`, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return done(err as Error);
      // No log yet: no commit so far has written anything.
      this.syncedId = Math.max(this.syncedId, upTo);
      return done();
    }
    fdatasync(this.walFd, (err) => {
      if (!err) this.syncedId = Math.max(this.syncedId, upTo);
      done(err ?? undefined);
    });
  }

  /**
   * Rides on every commit: the id counter, and the coalesced delivered positions once they are due, a slice per
   * commit (the rest go with the next ones, a moment later).
   */
  private writeSideEffects(): void {
    if (this.lastId > this.durableLastId) this.statements.setLastId.run(this.lastId);
    if (!this.marksDue) return;
    const limit = this.allMarksDue ? Infinity : marksPerCommit;
    this.allMarksDue = false;
    if (this.marks.size <= limit) {
      this.marksDue = false;
      this.writingMarks = this.marks;
      this.marks = new Map();
    } else {
      this.writingMarks = new Map();
      for (const [name, id] of this.marks) {
        if (this.writingMarks.size >= limit) break;
        this.writingMarks.set(name, id);
      }
      for (const name of this.writingMarks.keys()) this.marks.delete(name);
    }
    for (const [name, id] of this.writingMarks) this.statements.markDelivered.run(name, id);
  }

  private sideEffectsCommitted(): void {
    this.durableLastId = this.lastId;
    if (this.purging) {
      this.purging = false;
      this.purgeSoon();
    }
    for (const name of this.newCursorNames) this.cursorNames.add(name);
    for (const name of this.writingMarks.keys()) this.cursorNames.add(name);
    this.newCursorNames = [];
    this.writingMarks = new Map();
    if (this.marksDue) this.commits.soon();
  }

  private sideEffectsRolledBack(): void {
    this.purging = false;
    // The batch's messages are not stored: every count is taken again when next needed.
    this.pending.clear();
    this.countedThrough.clear();
    if (this.writingMarks.size > 0) this.marksDue = true;
    for (const [name, id] of this.writingMarks) if (id > (this.marks.get(name) ?? 0)) this.marks.set(name, id);
    this.newCursorNames = [];
    this.writingMarks = new Map();
  }
}

function toMessage(row: MessageRow): Message {
  const base: Message = { id: row.id, from: row.sender, kind: row.kind as MessageKind, text: row.text, sentAt: row.sent_at };
  return {
    ...base,
    ...(row.group_name === null ? {} : { group: row.group_name }),
    ...(row.edited_at === null ? {} : { editedAt: row.edited_at }),
    ...(row.deleted ? { deleted: true } : {}),
  };
}

interface SessionRow {
  token_hash: string;
  username: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  user_agent: string | null;
}

function sessionOfRow(row: SessionRow): StoredSession {
  const base = { tokenHash: row.token_hash, username: row.username, createdAt: row.created_at, expiresAt: row.expires_at, lastUsedAt: row.last_used_at };
  return row.user_agent === null ? base : { ...base, userAgent: row.user_agent };
}

function toQueueRow(row: MessageRow, to: string): QueueRow {
  if (row.kind === 'event') return { id: row.id, type: row.event!, json: row.text, at: row.sent_at, to };
  return { ...toMessage(row), to };
}

function toGroup(row: GroupRow): StoredGroup {
  const positions = JSON.parse(row.positions) as Pick<StoredGroup, 'joined' | 'left'>;
  return {
    name: row.name,
    members: JSON.parse(row.members) as string[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    owner: row.owner ?? row.created_by,
    joined: positions.joined ?? {},
    left: positions.left ?? {},
  };
}

const messageColumns = 'id, sender, kind, group_name, text, sent_at, event, edited_at, deleted';

/** Every statement the store runs, prepared once. */
function prepareStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    lastId: st(`SELECT value FROM counters WHERE name = 'last_message_id'`),
    setLastId: st(`UPDATE counters SET value = max(value, ?) WHERE name = 'last_message_id'`),
    users: st('SELECT name, password_hash, created_at FROM users ORDER BY created_at, name'),
    user: st('SELECT password_hash, created_at FROM users WHERE name = ?'),
    userNames: st('SELECT name FROM users ORDER BY name').pluck(),
    deliveredId: st('SELECT delivered_id FROM cursors WHERE name = ?').pluck(),
    countPending: st(`
      SELECT count(*) FROM queue q JOIN messages m ON m.id = q.message_id
      WHERE q.recipient = ? AND q.message_id > ? AND m.kind <> 'event'`).pluck(),
    groups: st('SELECT name, members, created_by, created_at, owner, positions FROM chat_groups ORDER BY created_at, name'),
    group: st('SELECT name, members, created_by, created_at, owner, positions FROM chat_groups WHERE name = ?'),
    setGroup: st('UPDATE chat_groups SET members = ?, owner = ?, positions = ? WHERE name = ?'),
    insertEvent: st(`INSERT INTO messages (id, sender, kind, text, sent_at, event, of_message) VALUES (?, '', 'event', ?, ?, ?, ?)`),
    findMessage: st(`SELECT ${messageColumns}, conversation FROM messages WHERE id = ? AND kind <> 'event'`),
    editMessage: st(`UPDATE messages SET text = ?, edited_at = ? WHERE id = ? AND kind <> 'event' AND deleted = 0`),
    deleteMessage: st(`UPDATE messages SET text = '', edited_at = NULL, deleted = 1 WHERE id = ? AND kind <> 'event' AND deleted = 0`),
    blankEdits: st(`UPDATE messages SET event = 'deleted', text = ?, of_message = NULL WHERE of_message = ? AND event = 'edited'`),
    cursorNames: st('SELECT name FROM cursors'),
    cursors: st(`
      SELECT c.name, c.delivered_id AS deliveredId, c.pruned_id AS prunedId,
        (SELECT count(*) FROM queue q JOIN messages m ON m.id = q.message_id
          WHERE q.recipient = c.name AND q.message_id > c.delivered_id AND m.kind <> 'event') AS pending
      FROM cursors c`),
    nameTaken: st('SELECT 1 FROM users WHERE name = ? UNION ALL SELECT 1 FROM chat_groups WHERE name = ?'),
    insertUser: st('INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)'),
    insertGroup: st('INSERT INTO chat_groups (name, members, created_by, created_at, owner) VALUES (?, ?, ?, ?, ?)'),
    insertSession: st(
      'INSERT OR REPLACE INTO sessions (token_hash, username, created_at, expires_at, last_used_at, user_agent) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    findSession: st('SELECT username, created_at, expires_at, last_used_at, user_agent FROM sessions WHERE token_hash = ?'),
    sessionExpiry: st('SELECT expires_at FROM sessions WHERE token_hash = ?').pluck(),
    touchSession: st('UPDATE sessions SET expires_at = ?, last_used_at = ? WHERE token_hash = ?'),
    deleteSession: st('DELETE FROM sessions WHERE token_hash = ?'),
    forgetExpiredKeys: st(
      'DELETE FROM idempotency_keys WHERE (sender, key) IN (SELECT sender, key FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT 10)',
    ),
    findKey: st('SELECT message_id, sent_at FROM idempotency_keys WHERE sender = ? AND key = ? AND expires_at > ?'),
    insertKey: st('INSERT OR REPLACE INTO idempotency_keys (sender, key, message_id, expires_at, sent_at) VALUES (?, ?, ?, ?, ?)'),
    insertMessage: st('INSERT INTO messages (id, sender, kind, group_name, text, sent_at, conversation) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    notePeers: st(`INSERT OR IGNORE INTO conversations (reader, with_name, kind) VALUES (?, ?, 'direct'), (?, ?, 'direct')`),
    readConversation: st(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation = @key AND id < @before AND id > @after ORDER BY id DESC LIMIT @limit`),
    readBroadcasts: st(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation = 'b' AND id < @before AND (id > @joined OR sender = @reader) ORDER BY id DESC LIMIT @limit`),
    directPeers: st(`SELECT with_name FROM conversations WHERE reader = ? AND kind = 'direct' ORDER BY with_name`),
    readMark: st('SELECT read_id FROM conversations WHERE reader = ? AND with_name = ?'),
    countUnread: st('SELECT count(*) AS n FROM messages WHERE conversation = @key AND id > @floor AND id <= @through AND sender <> @reader AND deleted = 0'),
    markRead: st(`
      INSERT INTO conversations (reader, with_name, kind, read_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (reader, with_name) DO UPDATE SET read_id = max(read_id, excluded.read_id)`),
    insertQueueRow: st('INSERT INTO queue (recipient, message_id) VALUES (?, ?)'),
    ensureCursor: st('INSERT OR IGNORE INTO cursors (name) VALUES (?)'),
    joinCursor: st(`
      INSERT INTO cursors (name, joined_id) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET joined_id = excluded.joined_id`),
    insertBroadcast: st('INSERT INTO broadcasts (message_id, sender) VALUES (?, ?)'),
    readerCursor: st('SELECT joined_id, pruned_id FROM cursors WHERE name = ?'),
    knowsPosition: st(`
      SELECT (@id <= c.pruned_id
        OR EXISTS (SELECT 1 FROM queue WHERE recipient = @recipient AND message_id = @id)
        OR (@id > c.joined_id AND EXISTS (SELECT 1 FROM broadcasts WHERE message_id = @id AND sender <> @recipient))) AS known
      FROM cursors c WHERE c.name = @recipient`),
    // The user's queue merged by id with the broadcast log; both sides are range scans of a primary key.
    readQueue: st(`
      SELECT m.id, m.sender, m.kind, m.group_name, m.text, m.sent_at, m.event, m.edited_at, m.deleted
      FROM (
        SELECT message_id AS id FROM queue WHERE recipient = @recipient AND message_id > @after AND message_id <= @durable
        UNION ALL
        SELECT message_id AS id FROM broadcasts
        WHERE message_id > max(@after, @joined) AND message_id <= @durable AND sender <> @recipient
        ORDER BY id LIMIT @limit
      ) AS ids JOIN messages m ON m.id = ids.id
      ORDER BY m.id`),
    markDelivered: st(`
      INSERT INTO cursors (name, delivered_id) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET delivered_id = max(delivered_id, excluded.delivered_id)`),
    pruneCandidates: st('SELECT name, delivered_id FROM cursors WHERE delivered_id > pruned_id ORDER BY name'),
    oldestDelivered: st(`
      SELECT q.message_id AS id, m.sent_at
      FROM queue q JOIN messages m ON m.id = q.message_id
      WHERE q.recipient = ? AND q.message_id <= ?
      ORDER BY q.message_id LIMIT ?`),
    deleteQueueRows: st('DELETE FROM queue WHERE recipient = ? AND message_id <= ?'),
    setPruned: st('UPDATE cursors SET pruned_id = max(pruned_id, ?) WHERE name = ?'),
    deleteUnreferencedMessage: st('DELETE FROM messages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM queue WHERE message_id = ?)'),
    lowestFloors: st(`
      SELECT c.name, max(c.delivered_id, c.joined_id) AS floor
      FROM cursors c JOIN users u ON u.name = c.name
      ORDER BY floor LIMIT 2`),
    oldestBroadcasts: st(`
      SELECT b.message_id AS id, b.sender, m.sent_at
      FROM broadcasts b JOIN messages m ON m.id = b.message_id
      ORDER BY b.message_id LIMIT ?`),
    deleteBroadcastMessages: st('DELETE FROM messages WHERE id IN (SELECT message_id FROM broadcasts WHERE message_id <= ?)'),
    deleteBroadcasts: st('DELETE FROM broadcasts WHERE message_id <= ?'),
    raisePrunedOfReaders: st('UPDATE cursors SET pruned_id = max(pruned_id, ?) WHERE joined_id < ?'),
  };
}
