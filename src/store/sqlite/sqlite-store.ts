import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type {
  Block,
  ConversationRef,
  GroupChange,
  NewEvent,
  NewMessage,
  PruneResult,
  QueueCursor,
  Reaction,
  ReactionChange,
  ReactionCount,
  RetentionPolicy,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../../core/ports/index.js';
import { nextId } from '../../core/ids.js';
import { idempotencyKeepMs, type Appended } from '../../core/ports/index.js';
import { queueFull } from '../../core/errors.js';
import type { SessionEndReason } from '../../core/delivery/stream-session.js';
import { DeliveredMarks } from '../delivered-marks.js';
import { LocalFeed } from '../local-feed.js';
import { prepareAccessStatements } from './access-statements.js';
import { backupDatabase, warnIfRestored } from './backup.js';
import { GroupCommit } from './group-commit.js';
import { prepareIntegrationStatements } from './integration-statements.js';
import { migrate } from './migrations.js';
import { deleteUserRows, prepareOperatorStatements } from './operator-statements.js';
import { explainOpenFailure, prepareDatabase } from './prepare-database.js';
import { pruneDelivered } from './prune-delivered.js';
import { QueueLimit } from './queue-limit.js';
import { QueueWriter } from './queue-writer.js';
import type { SqliteDeps, SqliteOptions } from './sqlite-options.js';
import { SqliteAccess } from './sqlite-access.js';
import { SqliteDeviceLeases } from './sqlite-device-leases.js';
import { SqliteIntegrations } from './sqlite-integrations.js';
import { SqliteNotify } from './sqlite-notify.js';
import { SqliteReactions } from './sqlite-reactions.js';
import { prepareNotifyStatements } from './notify-statements.js';
import { SqliteReads } from './sqlite-reads.js';
import { SearchIndex } from './search-index.js';
import { SqliteSearch } from './sqlite-search.js';
import {
  changeGroup,
  changeWithEvent,
  deleteMessage,
  editMessage,
  insertGroup,
  setBlock,
  type ChangeWrites,
} from './change-writes.js';
import { prepareStatements } from './statements.js';
import { WalPurge } from './wal-purge.js';
import { WalSync } from './wal-sync.js';

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
export class SqliteStore extends SqliteReads implements Store {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly commits: GroupCommit;
  private lastId: number;
  /** The last id the counter row holds, as of the last commit. */
  private durableLastId: number;
  /** The fsync of the write-ahead log, off the event loop, before a write counts as durable. */
  private readonly wal: WalSync;
  /** The checkpoint that takes deleted texts out of the write-ahead log. */
  private readonly purge: WalPurge;
  /** Delivered positions waiting to be written: due positions ride on the next commits, a slice each. */
  private readonly marks: DeliveredMarks;
  /** The positions the transaction being written carries; written once it commits. */
  private writingMarks: ReadonlyMap<string, number> | undefined;
  private readonly clock: () => number;
  /** The count of undelivered messages per recipient that the queue limit looks at. */
  private readonly queueLimit: QueueLimit;
  private readonly queues: QueueWriter;
  /** Told of every WAL checkpoint that followed a deletion (tests and logs wait for it). */
  onPurged: (() => void) | undefined;
  readonly feed: LocalFeed;
  /** What the writes of changes (groups, edits, deletions: change-writes.ts) need of this store. */
  private readonly changes: ChangeWrites;
  /** Incoming hooks and outgoing webhooks (sqlite-integrations.ts). */
  protected readonly integrations: SqliteIntegrations;
  /** Invites and the audit list (sqlite-access.ts). */
  protected readonly access: SqliteAccess;
  /** Notification levels, quiet times, push subscriptions and the VAPID key pair (sqlite-notify.ts). */
  protected readonly notify: SqliteNotify;
  /** Emoji reactions on messages (sqlite-reactions.ts). */
  private readonly reactions: SqliteReactions;
  protected readonly search: SqliteSearch;
  /** Brings the search index up to the stored messages, in batches (search-index.ts). */
  private readonly searchIndex: SearchIndex;

  /** Locks the database, brings its schema up to date and loads the counters. Throws StoreOpenError. */
  static open(deps: SqliteDeps, options: Partial<SqliteOptions> = {}): SqliteStore {
    try {
      prepareDatabase(deps.db);
      migrate(deps.db, deps.log);
      warnIfRestored(deps.db, deps.log);
      return new SqliteStore(deps, options);
    } catch (err) {
      throw explainOpenFailure(deps.db.name, err);
    }
  }

  private constructor({ db, log, feed }: SqliteDeps, options: Partial<SqliteOptions>) {
    super(prepareStatements(db), prepareOperatorStatements(db));
    this.db = db;
    this.feed = feed ?? new LocalFeed();
    this.marks = new DeliveredMarks(options.markDelayMs ?? 1_000, () => this.commits.soon());
    this.purge = new WalPurge(db, log, options.purgeDelayMs ?? 1_000, () => this.onPurged?.());
    this.clock = options.clock ?? Date.now;
    this.log = log;
    this.lastId = this.durableLastId = (this.statements.lastId.get() as { value: number }).value;
    this.wal = new WalSync(db.name, this.lastId);
    const countPending = (recipient: string, through: number) =>
      this.statements.countPending.get(recipient, through) as number;
    this.queueLimit = new QueueLimit({
      countPending,
      deliveredPosition: (recipient) => this.deliveredPosition(recipient),
    });
    this.queues = new QueueWriter(this.statements, this.queueLimit);
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
    this.changes = {
      commits: this.commits,
      statements: this.statements,
      queues: this.queues,
      feed: this.feed,
      purge: this.purge,
      nextId: () => this.nextId(),
      taken: (name) => this.taken(name),
    };
    const webhookLeases = new SqliteDeviceLeases(db, { table: 'webhooks', key: 'bot' }, this.commits, this.clock);
    this.integrations = new SqliteIntegrations(prepareIntegrationStatements(db), this.commits, webhookLeases);
    const pushLeases = new SqliteDeviceLeases(db, { table: 'push_subscriptions', key: 'id' }, this.commits, this.clock);
    this.notify = new SqliteNotify(prepareNotifyStatements(db), this.changes, pushLeases);
    this.access = new SqliteAccess(prepareAccessStatements(db), this.commits);
    this.reactions = new SqliteReactions(db, this.changes);
    this.searchIndex = new SearchIndex(db, log, options.searchIndexDelayMs ?? 1_000);
    this.search = new SqliteSearch(db, this.searchIndex);
    this.log.info({ file: db.name, lastMessageId: this.lastId }, 'opened the database');
  }

  /** Transactions committed since open (group commit makes it far fewer than the writes). */
  get commitCount(): number {
    return this.commits.commits;
  }

  protected get syncedId(): number {
    return this.wal.syncedId;
  }

  async lastMessageId(): Promise<number> {
    return this.lastId;
  }

  async loadCursors(): Promise<QueueCursor[]> {
    this.flushMarks();
    return this.statements.cursors.all() as QueueCursor[];
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
    return this.commits.submit(
      () => {
        if (this.taken(user.name)) return false;
        const { name, passwordHash, owner, admin, suspended, createdAt } = user;
        this.statements.insertUser.run(name, passwordHash, owner ?? null, admin ? 1 : 0, suspended ? 1 : 0, createdAt);
        this.queues.join(user.name, joinedId);
        return true;
      },
      (inserted) => {
        if (inserted) this.feed.publish({ kind: 'registered', name: user.name });
        return inserted;
      },
    );
  }

  insertGroup(group: StoredGroup, event?: NewEvent): Promise<number | false> {
    return insertGroup(this.changes, group, event);
  }

  changeGroup(change: GroupChange): Promise<number[] | undefined> {
    return changeGroup(this.changes, change);
  }

  editMessage(id: number, text: string, editedAt: number, event: NewEvent): Promise<number | undefined> {
    return editMessage(this.changes, id, text, editedAt, event);
  }

  deleteMessage(id: number, event: NewEvent): Promise<number | undefined> {
    return deleteMessage(this.changes, id, event);
  }

  setReaction(reaction: Reaction, on: boolean, maxEmoji: number, event: NewEvent): Promise<ReactionChange> {
    return this.reactions.set(reaction, on, maxEmoji, event);
  }

  reactionsOn(reader: string, ids: readonly number[]): Promise<ReadonlyMap<number, readonly ReactionCount[]>> {
    return this.reactions.counts(reader, ids);
  }

  async loadBlocks(): Promise<Block[]> {
    return this.statements.blocks.all() as Block[];
  }

  setBlock(block: Block, on: boolean, event: NewEvent): Promise<number | undefined> {
    return setBlock(this.changes, block, on, event);
  }

  insertSession({ tokenHash, username, createdAt, expiresAt, lastUsedAt, userAgent }: StoredSession): Promise<void> {
    return this.commits.submit(
      () =>
        void this.statements.insertSession.run(
          tokenHash,
          username,
          createdAt,
          expiresAt,
          lastUsedAt,
          userAgent ?? null,
        ),
    );
  }

  touchSession(tokenHash: string, expiresAt: number, lastUsedAt: number): Promise<void> {
    return this.commits.submit(() => void this.statements.touchSession.run(expiresAt, lastUsedAt, tokenHash));
  }

  deleteSession(tokenHash: string, reason: SessionEndReason = 'exit'): Promise<void> {
    return this.commits.submit(
      () => {
        const user = this.statements.findSession.get(tokenHash) as { username: string } | undefined;
        this.notify.forgetSession(tokenHash);
        this.statements.deleteSession.run(tokenHash);
        return user?.username;
      },
      (user) => {
        if (user !== undefined) this.feed.publish({ kind: 'session_ended', user, sessionId: tokenHash, reason });
      },
    );
  }

  // The key is looked up and written in the same transaction as the message.
  appendMessageOnce(message: NewMessage, key: string): Promise<Appended> {
    const id = this.nextId();
    return this.commits.submit(
      () => {
        const s = this.statements;
        // A few expired keys go with each use, oldest first: the table stays about a day of keys.
        s.forgetExpiredKeys.run(message.sentAt);
        const known = s.findKey.get(message.from, key, message.sentAt) as
          { message_id: number; sent_at: number } | undefined;
        if (known) return { id: known.message_id, replayed: true, sentAt: known.sent_at };
        const full = this.queues.message(id, message);
        if (full) return full;
        s.insertKey.run(message.from, key, id, message.sentAt + idempotencyKeepMs, message.sentAt);
        return { id, replayed: false, sentAt: message.sentAt };
      },
      (appended) => {
        if (Array.isArray(appended)) throw queueFull(appended);
        if (!appended.replayed) this.feed.tellMessage(id, message);
        return appended;
      },
    );
  }

  appendMessage(message: NewMessage): Promise<number> {
    const known = this.queueLimit.knownFull(message);
    if (known) return Promise.reject(queueFull(known));
    const id = this.nextId();
    return this.commits.submit(
      () => this.queues.message(id, message),
      (full) => {
        if (full) throw queueFull(full);
        this.feed.tellMessage(id, message);
        return id;
      },
    );
  }

  markRead(reader: string, conversation: ConversationRef, upTo: number, event?: NewEvent): Promise<number> {
    const mark = () => void this.statements.markRead.run(reader, conversation.with, conversation.kind, upTo);
    if (event) return changeWithEvent(this.changes, event, mark);
    return this.commits.submit(() => {
      mark();
      return 0;
    });
  }

  markDelivered(recipient: string, id: number): void {
    this.marks.mark(recipient, id);
  }

  async prune(policy: RetentionPolicy): Promise<PruneResult> {
    // What was delivered decides what may go: write the positions first.
    this.flushMarks();
    return { removed: pruneDelivered(this.db, this.statements, policy) };
  }

  deleteSessionsOf(username: string): Promise<number> {
    return this.commits.submit(
      () => {
        this.notify.forgetSessionsOf(username);
        return this.operatorStatements.deleteSessionsOf.run(username).changes;
      },
      (ended) => {
        this.feed.publish({ kind: 'sessions_ended', user: username });
        return ended;
      },
    );
  }

  setPasswordHash(name: string, passwordHash: string): Promise<boolean> {
    return this.commits.submit(() => this.operatorStatements.setPasswordHash.run(passwordHash, name).changes > 0);
  }

  setAdmin(name: string, admin: boolean): Promise<boolean> {
    return this.commits.submit(() => this.operatorStatements.setAdmin.run(admin ? 1 : 0, name).changes > 0);
  }

  setSuspended(name: string, suspended: boolean): Promise<boolean> {
    return this.commits.submit(() => this.operatorStatements.setSuspended.run(suspended ? 1 : 0, name).changes > 0);
  }

  deleteUser(name: string): Promise<boolean> {
    return this.commits.submit(
      () => {
        if (!deleteUserRows(this.operatorStatements, name)) return false;
        this.integrations.forgetOwner(name);
        this.notify.forgetUser(name);
        // Its position is gone with its row; a later user of the name starts afresh.
        this.queues.forget(name);
        this.marks.forget(name);
        this.queueLimit.forget(name);
        return true;
      },
      (deleted) => {
        if (!deleted) return false;
        this.feed.publish({ kind: 'sessions_ended', user: name });
        this.feed.publish({ kind: 'deleted', name });
        return true;
      },
    );
  }

  backup(destination: string): Promise<void> {
    return backupDatabase(this.db, destination);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.purge.close();
    this.searchIndex.close();
    // The last commit writes every coalesced position.
    this.marks.close();
    await this.commits.close();
    this.db.close();
    this.wal.close();
    this.log.info(
      { file: this.db.name, commits: this.commits.commits, lastMessageId: this.lastId },
      'closed the database',
    );
  }

  /** The id of the next message (src/core/ids.ts): from the clock, above the last one. */
  private nextId(): number {
    return (this.lastId = nextId(this.lastId, this.clock()));
  }

  /** Writes the delivered positions now, in a commit of their own if nothing else is waiting. */
  private flushMarks(): void {
    this.marks.flush();
    this.commits.flush();
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
    this.purge.committed();
    this.queues.committed(this.writingMarks?.keys() ?? []);
    if (this.writingMarks) this.marks.written(this.writingMarks);
    this.writingMarks = undefined;
    if (this.marks.isDue) this.commits.soon();
  }

  private sideEffectsRolledBack(): void {
    this.purge.rolledBack();
    this.queueLimit.clear();
    this.queues.rolledBack();
    if (this.writingMarks) this.marks.restore(this.writingMarks);
    this.writingMarks = undefined;
  }
}
