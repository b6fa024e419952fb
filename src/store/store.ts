import type { EventType, Message, MessageKind, StoredEvent } from '../core/msgform.js';
import type { SessionEndReason } from '../core/stream-session.js';

export interface StoredUser {
  readonly name: string;
  /** A self-describing scrypt hash (see src/core/passwords.ts); never the password. */
  readonly passwordHash: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

export interface StoredGroup {
  readonly name: string;
  /**
   * The members, longest-standing first (the creator, then the others in the order they were added); 2 to 32
   * names when created, none once the group ended.
   */
  readonly members: readonly string[];
  readonly createdBy: string;
  readonly createdAt: number;
  /** Who may add and remove members; absent in groups stored before owners existed, whose owner is the creator. */
  readonly owner?: string;
  /** The id of the event that added each member who joined after the group was created. */
  readonly joined?: Readonly<Record<string, number>>;
  /** The id of the event that took each former member out: they keep the group's history up to it. */
  readonly left?: Readonly<Record<string, number>>;
}

/**
 * A change to state already delivered, as one event on the queue of every user it concerns: appended with the
 * next id of the one sequence messages use, atomically with the change it records.
 */
export interface NewEvent {
  readonly type: EventType;
  /** The event's data as one line of JSON: the same string for every recipient and stream. */
  readonly json: string;
  /** Epoch milliseconds; retention prunes a delivered event like a message sent then. */
  readonly at: number;
  /** Canonical names, no duplicates. Events never count against the queue limit and are never refused for it. */
  readonly recipients: readonly string[];
}

/** A membership change, decided by the core on the members it read. */
export interface GroupChange {
  readonly name: string;
  /** The members the change was decided on: it is applied only if the group still has exactly these, in order. */
  readonly expected: readonly string[];
  /** The members afterwards, longest-standing first. */
  readonly members: readonly string[];
  readonly owner: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /**
   * Its events, appended in order with increasing ids, every one to the recipients of the first: a `left` of
   * the owner is followed by the `owner` hand-over. The positions recorded are the first one's id.
   */
  readonly events: readonly [NewEvent, ...NewEvent[]];
}

/** A stored message found by id, with its direct recipient (for a direct message). */
export interface FoundMessage extends Message {
  readonly to?: string;
}

export interface StoredSession {
  /** SHA-256 of the bearer token, hex. The token itself is never stored. */
  readonly tokenHash: string;
  readonly username: string;
  readonly createdAt: number;
  /** Epoch milliseconds after which the token no longer works. */
  readonly expiresAt: number;
  /** Epoch milliseconds of the last request made with it, as last written (uses are coalesced, see Accounts). */
  readonly lastUsedAt: number;
  /** The User-Agent header it signed in with, at most 200 characters; absent when there was none. */
  readonly userAgent?: string;
}

/** A message to be appended: the id is the store's to assign. */
export interface NewMessage {
  readonly from: string;
  readonly kind: MessageKind;
  readonly group?: string;
  readonly text: string;
  readonly sentAt: number;
  /**
   * Canonical names, no duplicates, for direct and group messages: one queue row each. Ignored for a broadcast,
   * which is written once to the shared broadcast log (see `Store`).
   */
  readonly recipients: readonly string[];
  /**
   * A shared backend refuses the message with `queue_full`, storing nothing, when a recipient already has this
   * many undelivered direct and group messages: only the store sees every process's sends. Single-process
   * backends ignore it; the delivery core counts for them.
   */
  readonly queueLimit?: number;
}

/** How long an Idempotency-Key is remembered (ms; 24 h): a retry within it gets the first answer. */
export const idempotencyKeepMs = 24 * 3_600_000;

/** What `appendMessageOnce` did. */
export interface Appended {
  readonly id: number;
  /** True when the key had been used: nothing was stored, and `id` is the first message's. */
  readonly replayed: boolean;
  /** When the stored message was sent (epoch ms): on a replay, the first send's. */
  readonly sentAt: number;
}

/** One message as one recipient reads it. */
export interface QueuedMessage extends Message {
  readonly to: string;
}

/** One event as one recipient reads it: its data is the same for every recipient. */
export interface QueuedEvent extends StoredEvent {
  readonly to: string;
}

/** What `readQueue` returns for a position: a message or an event. */
export type QueueRow = QueuedMessage | QueuedEvent;

export function isEventRow(row: QueueRow): row is QueuedEvent {
  return 'json' in row;
}

/**
 * One conversation: the direct messages between two users (`with` is the other one), every message to a group,
 * or the broadcasts (`with` is `broad`).
 */
export type ConversationRef =
  | { readonly kind: 'direct'; readonly with: string }
  | {
      readonly kind: 'group';
      readonly with: string;
      /** The reader's part of a group's history: above `after` (when they joined) and up to `through` (when they left). */
      readonly after?: number;
      readonly through?: number;
    }
  | { readonly kind: 'broadcast'; readonly with: 'broad' };

/** Where a user stands in one conversation. */
export interface ConversationSummary {
  /** Its newest retained message, if any. */
  readonly last?: Message;
  /** Messages from others with an id above `readId`. */
  readonly unread: number;
  /** The position the user marked read (0: none). */
  readonly readId: number;
}

/** What `readQueue` returns: the rows, and how far retention had removed this recipient's messages when they were read. */
export interface QueuePage {
  readonly rows: readonly QueueRow[];
  /** The recipient's `prunedId` at the moment of the read; a reader positioned below it has lost messages. */
  readonly prunedId: number;
}

/** Where a recipient's queue stands. */
export interface QueueCursor {
  readonly name: string;
  /** The highest id written to a stream of this user (0: none). */
  readonly deliveredId: number;
  /** The highest id retention removed from what this user reads (0: none); a resume from below it has lost messages. */
  readonly prunedId: number;
  /** How many direct and group messages with an id above deliveredId wait (broadcasts and events do not count). */
  readonly pending: number;
}

export interface RetentionPolicy {
  /** Delivered messages sent before this instant (epoch ms) are pruned; undelivered ones never are. */
  readonly olderThan: number;
  /** At most this many messages are removed by one call, so pruning never stalls a request. */
  readonly batch: number;
}

export interface PruneResult {
  /** How many queue rows and broadcasts went; fewer than the batch means the store is within the policy. */
  readonly removed: number;
}

/**
 * The durable journal of the chat, and the only copy of every message: streams read it by position. Every
 * backend passes test/store/store.contract.ts.
 *
 * What a user reads: their own queue (one row per direct or group message addressed to them) merged by id with
 *   the shared broadcast log (every broadcast appended after the user was registered, except their own). A
 *   broadcast costs one entry, whatever the number of users.
 * Ordering: `appendMessage` assigns ids that strictly increase across the store (hence per recipient), in the
 *   order of the calls, and its promises resolve in that order. Ids come from the clock (src/core/ids.ts), so
 *   that they are never handed out twice, even by a copy of the store restored from an older state.
 * Atomicity: a message is stored for all its recipients or for none.
 * Durability: once a promise from `insert*` or `appendMessage` resolves, the write survives a crash of the
 *   process (for a durable backend) and the caller may answer 201/202. Backends may batch concurrent writes
 *   into one commit (group commit). `markDelivered` is coalesced and written within about a second; a crash may
 *   lose it, and a stream opened without a resume position then receives those messages again, never fewer.
 * Retention: a message is removed only once delivered and older than the policy. A broadcast goes once every user
 *   it reaches has had it delivered. What went raises the `prunedId` of those who read it.
 * History: every retained message belongs to one conversation (a pair of users, a group, or the broadcasts) and
 *   is read back by conversation, newest first, by position; a sender's own messages are part of it at no extra
 *   cost, since a message is stored once.
 * Events: a change to what was delivered (a group's membership, an edit, a deletion, a read mark) is appended,
 *   in the same step as the change, as an event with the next id on the queue of every user it concerns; streams
 *   read it by position, merged with the messages, and retention prunes it like one. A deleted text is
 *   overwritten in the store, in earlier `edited` events of the message too, not merely hidden.
 * Resume: `readQueue` returns what is retained after any position, in pages, at a cost that depends on what it
 *   returns, not on what is retained before the position. A position below the page's `prunedId` has lost
 *   messages, and the caller says so to the client. A position the store does not know (`knowsPosition`) was
 *   handed out by a later state of the store than this one: the store went back, and what followed it is lost.
 */
export interface Store {
  /** The last id `appendMessage` assigned (0 for an empty store). */
  lastMessageId(): Promise<number>;
  loadUsers(): Promise<StoredUser[]>;
  loadGroups(): Promise<StoredGroup[]>;
  /** Every user with a queue cursor or queued messages. */
  loadCursors(): Promise<QueueCursor[]>;

  /**
   * Resolves false, writing nothing, when a user or group of that name exists. A new user reads the broadcasts
   * appended after this call.
   */
  insertUser(user: StoredUser): Promise<boolean>;
  /**
   * Resolves false, writing nothing, when a user or group of that name exists; otherwise with the id of
   * `event` (its `created` event, appended in the same step), or 0 without one.
   */
  insertGroup(group: StoredGroup, event?: NewEvent): Promise<number | false>;
  /**
   * Applies a membership change and appends its events in one step, recording when each added member joined and
   * each removed one left (the first event's id). Resolves with the events' ids, or undefined, writing nothing,
   * when the group is unknown or its members are no longer `change.expected` (another change came first).
   */
  changeGroup(change: GroupChange): Promise<number[] | undefined>;
  /** A retained message by id (deleted ones as tombstones), or undefined. */
  findMessage(id: number): Promise<FoundMessage | undefined>;
  /**
   * Replaces the text of a message, records when, and appends `event`, in one step. Resolves with the event's
   * id, or undefined, writing nothing, when the message is not retained or was deleted.
   */
  editMessage(id: number, text: string, editedAt: number, event: NewEvent): Promise<number | undefined>;
  /**
   * Overwrites the text of a message (it stays as a tombstone, so positions and history stay whole), blanks
   * the text of its earlier `edited` events, and appends `event`, in one step. Resolves like `editMessage`.
   */
  deleteMessage(id: number, event: NewEvent): Promise<number | undefined>;

  insertSession(session: StoredSession): Promise<void>;
  findSession(tokenHash: string): Promise<StoredSession | undefined>;
  /**
   * Of these sessions, the ones that no longer work: unknown (revoked, deleted) or expired at `now`. One round
   * trip for all of them: the open streams' sessions are checked this way on every heartbeat.
   */
  endedSessions(tokenHashes: readonly string[], now: number): Promise<string[]>;
  /** Moves a session's expiry and its last use; no-op for an unknown session. */
  touchSession(tokenHash: string, expiresAt: number, lastUsedAt: number): Promise<void>;
  /**
   * Deletes a session. A shared store tells every process that it ended and why (`exit`: its own sign-out;
   * `revoked`: by another of the user's sessions), so that its streams end everywhere with that reason.
   */
  deleteSession(tokenHash: string, reason?: SessionEndReason): Promise<void>;

  /** Stores the message (on every recipient's queue, or in the broadcast log) and resolves with its id once durable. */
  appendMessage(message: NewMessage): Promise<number>;
  /**
   * As appendMessage, once per `key` of the sender: the key is stored with the message, atomically, and kept
   * `idempotencyKeepMs` from the message's `sentAt`. A later call by the same sender with the same key within that
   * time stores nothing and resolves with the first message's id (`replayed`), whatever the new message says.
   * Keys of different senders never meet.
   */
  appendMessageOnce(message: NewMessage, key: string): Promise<Appended>;
  /** Up to `limit` retained messages that `recipient` reads with an id above `afterId`, oldest first. */
  readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage>;
  /**
   * Whether `id` is a position this store gave `recipient`: 0, a retained message they read, or one at or
   * below their pruned position. False when the store went back in time after handing it out (restored from
   * an older copy, failed over to a replica that lagged, wiped): the messages a device saw up to it are lost.
   */
  knowsPosition(recipient: string, id: number): Promise<boolean>;
  /** Records that every message up to `id` was written to a stream of `recipient`. Never moves backwards. */
  markDelivered(recipient: string, id: number): void;
  /**
   * Up to `limit` retained messages of a conversation `reader` is part of, with an id below `beforeId`, newest
   * first. For the broadcasts, those `reader` sent or could read (sent after they registered). The caller checks
   * that the reader may see the conversation.
   */
  readConversation(reader: string, conversation: ConversationRef, beforeId: number, limit: number): Promise<Message[]>;
  /** The users `reader` has exchanged direct messages with (whether or not any is still retained). */
  directPeers(reader: string): Promise<string[]>;
  summarize(reader: string, conversation: ConversationRef): Promise<ConversationSummary>;
  /**
   * Records that `reader` has seen the conversation up to `upTo`; never moves backwards. Durable once resolved.
   * With an event (the reader's own `read`, for their other devices), appends it in the same step and resolves
   * with its id; 0 otherwise.
   */
  markRead(reader: string, conversation: ConversationRef, upTo: number, event?: NewEvent): Promise<number>;

  /** Removes delivered messages past the policy, at most `policy.batch` of them. */
  prune(policy: RetentionPolicy): Promise<PruneResult>;

  // Operator commands (durable like the writes above).
  /** Every session of a user, expired ones included, oldest first. */
  sessionsOf(username: string): Promise<StoredSession[]>;
  /** Deletes every session of a user; resolves with how many there were. */
  deleteSessionsOf(username: string): Promise<number>;
  /** Replaces a user's password hash; resolves false, writing nothing, for an unknown user. */
  setPasswordHash(name: string, passwordHash: string): Promise<boolean>;
  /**
   * Deletes a user: the account, its sessions, its queue and position, and its place in every group (a group
   * left with no member goes too). What it sent stays with its recipients: on their queues, and in the history
   * of its groups. Its direct conversations leave history. Resolves false for an unknown user. A user
   * registered later under the same name starts with an empty queue and reads none of those conversations.
   */
  deleteUser(name: string): Promise<boolean>;
  /** Durable backends only: a consistent copy of everything, taken while serving, into a new file. */
  backup?(destination: string): Promise<void>;

  close(): Promise<void>;
}
