import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
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
  RetentionPolicy,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../../core/ports/index.js';
import type { Message } from '../../core/msgform.js';
import { nextId } from '../../core/ids.js';
import { idempotencyKeepMs, type Appended } from '../../core/ports/index.js';
import { deliveredToAll, type Floor } from '../broadcast-floor.js';
import { movedMembers } from '../../core/chat/group-change.js';
import { windowOf } from '../group-window.js';
import { conversationKey, directKey, keyOfMessage } from '../conversation-key.js';
import { queueFull } from '../../core/errors.js';
import type { SessionEndReason } from '../../core/delivery/stream-session.js';
import { DeliveredMarks } from '../delivered-marks.js';
import { LocalFeed } from '../local-feed.js';
import { backupDatabase, restoredBackup } from './backup.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { migrate } from './migrations.js';
import { prepareOperatorStatements } from './operator-statements.js';
import { explainOpenFailure, prepareDatabase } from './prepare-database.js';
import { QueueLimit } from './queue-limit.js';
import { WalSync } from './wal-sync.js';
import { prepareStatements, sessionOfRow, toGroup, toMessage, toQueueRow, type GroupRow, type MessageRow, type SessionRow, type Statements } from './statements.js';

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
  private readonly statements: Statements;
  private readonly operatorStatements: ReturnType<typeof prepareOperatorStatements>;
  private lastId: number;
  /** The last id the counter row holds, as of the last commit. */
  private durableLastId: number;
  /** The fsync of the write-ahead log, off the event loop, before a write counts as durable. */
  private readonly wal: WalSync;
  /** Names with a `cursors` row, so that an append inserts one only for a first-time recipient. */
  private readonly cursorNames = new Set<string>();
  /** Delivered positions waiting to be written: due positions ride on the next commits, a slice each. */
  private readonly marks: DeliveredMarks;
  /** The positions the transaction being written carries; written once it commits. */
  private writingMarks: ReadonlyMap<string, number> | undefined;
  private readonly clock: () => number;
  /** Recipients given a `cursors` row by the transaction being written; known once it commits. */
  private newCursorNames: string[] = [];
  /** The transaction being written deletes a text: checkpoint the WAL soon after it commits. */
  private purging = false;
  private purgeTimer: NodeJS.Timeout | undefined;
  private readonly purgeDelayMs: number;
  /** Told of every WAL checkpoint that followed a deletion (tests and logs wait for it). */
  onPurged: (() => void) | undefined;
  readonly feed: LocalFeed;
  /** The count of undelivered messages per recipient that the queue limit looks at. */
  private readonly queueLimit: QueueLimit;

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
    this.marks = new DeliveredMarks(options.markDelayMs ?? 1_000, () => this.commits.soon());
    this.purgeDelayMs = options.purgeDelayMs ?? 1_000;
    this.clock = options.clock ?? Date.now;
    this.log = log;
    this.statements = prepareStatements(db);
    this.operatorStatements = prepareOperatorStatements(db);
    this.lastId = this.durableLastId = (this.statements.lastId.get() as { value: number }).value;
    this.wal = new WalSync(db.name, this.lastId);
    for (const row of this.statements.cursorNames.all() as { name: string }[]) this.cursorNames.add(row.name);
    this.queueLimit = new QueueLimit({
      countPending: (recipient, through) => this.statements.countPending.get(recipient, through) as number,
      deliveredPosition: (recipient) => this.deliveredPosition(recipient),
    });
    const savepoint = db.transaction((op: () => unknown) => op());
    this.commits = new GroupCommit(
      {
        transact: (work) => db.transaction(work)(),
        isolate: (op) => savepoint(op),
        beforeCommit: () => this.writeSideEffects(),
        afterCommit: () => this.sideEffectsCommitted(),
        afterRollback: () => this.sideEffectsRolledBack(),
        sync: (done) => this.wal.sync(this.durableLastId, done),
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
    return Math.max(this.marks.newest(recipient), written);
  }

  // The writes are not async: each promise settles as its commit does (see GroupCommit.submit), after the feed
  // was told, so that callers resume in call order, before anything else can read the queue.

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
      if (event) this.feed.tellEvent(id, event);
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
      change.events.forEach((event, i) => this.feed.tellEvent(ids[i]!, { ...event, recipients }));
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

  // The key is looked up and written in the same transaction as the message.
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
      if (!appended.replayed) this.feed.tellMessage(id, message);
      return appended;
    });
  }

  appendMessage(message: NewMessage): Promise<number> {
    const known = this.queueLimit.knownFull(message);
    if (known) return Promise.reject(queueFull(known));
    const id = this.nextId();
    return this.commits.submit(() => this.writeMessage(id, message), (full) => {
      if (full) throw queueFull(full);
      this.feed.tellMessage(id, message);
      return id;
    });
  }

  private toldEvent(id: number | undefined, event: NewEvent): number | undefined {
    if (id !== undefined) this.feed.tellEvent(id, event);
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
      const full = recipients.filter((to) => this.queueLimit.isFull(to, queueLimit));
      if (full.length > 0) return full;
    }
    s.insertMessage.run(id, message.from, message.kind, message.group ?? null, message.text, message.sentAt, keyOfMessage(message));
    if (message.kind === 'direct') s.notePeers.run(message.from, recipients[0], recipients[0], message.from);
    let first: string[] | undefined;
    for (const to of recipients) {
      s.insertQueueRow.run(to, id);
      this.queueLimit.appended(to);
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
    const rows = s.readQueue.all({ recipient, after: afterId, joined: cursor.joined_id, durable: this.wal.syncedId, limit }) as MessageRow[];
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
      if (event && stored > 0) this.feed.tellEvent(stored, event);
      return stored;
    });
  }

  markDelivered(recipient: string, id: number): void {
    this.marks.mark(recipient, id);
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
      this.marks.forget(name);
      this.queueLimit.forget(name);
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
    if (this.purgeTimer) clearTimeout(this.purgeTimer);
    // The last commit writes every coalesced position.
    this.marks.close();
    await this.commits.close();
    this.db.close();
    this.wal.close();
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
    this.marks.flush();
    this.commits.flush();
  }

  private joinedId(reader: string): number {
    return (this.statements.readerCursor.get(reader) as { joined_id: number } | undefined)?.joined_id ?? 0;
  }

  private taken(name: string): boolean {
    return this.statements.nameTaken.get(name, name) !== undefined;
  }

  /**
   * Rides on every commit: the id counter, and the coalesced delivered positions once they are due, a slice per
   * commit (the rest go with the next ones, a moment later).
   */
  private writeSideEffects(): void {
    if (this.lastId > this.durableLastId) this.statements.setLastId.run(this.lastId);
    this.writingMarks = this.marks.take(marksPerCommit);
    for (const [name, id] of this.writingMarks ?? []) this.statements.markDelivered.run(name, id);
  }

  private sideEffectsCommitted(): void {
    this.durableLastId = this.lastId;
    if (this.purging) {
      this.purging = false;
      this.purgeSoon();
    }
    for (const name of this.newCursorNames) this.cursorNames.add(name);
    this.newCursorNames = [];
    if (this.writingMarks) {
      for (const name of this.writingMarks.keys()) this.cursorNames.add(name);
      this.marks.written(this.writingMarks);
      this.writingMarks = undefined;
    }
    if (this.marks.isDue) this.commits.soon();
  }

  private sideEffectsRolledBack(): void {
    this.purging = false;
    this.queueLimit.clear();
    this.newCursorNames = [];
    if (this.writingMarks) this.marks.restore(this.writingMarks);
    this.writingMarks = undefined;
  }
}
