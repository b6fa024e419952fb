import type { Message, MessageKind } from '../core/msgform.js';

export interface StoredUser {
  readonly name: string;
  /** A self-describing scrypt hash (see src/core/passwords.ts); never the password. */
  readonly passwordHash: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

export interface StoredGroup {
  readonly name: string;
  /** Creator first, then the other members in the order given; 2 to 32 names. */
  readonly members: readonly string[];
  readonly createdBy: string;
  readonly createdAt: number;
}

export interface StoredSession {
  /** SHA-256 of the bearer token, hex. The token itself is never stored. */
  readonly tokenHash: string;
  readonly username: string;
  readonly createdAt: number;
  /** Epoch milliseconds after which the token no longer works. */
  readonly expiresAt: number;
}

/** A message to be appended: the id is the store's to assign. */
export interface NewMessage {
  readonly from: string;
  readonly kind: MessageKind;
  readonly group?: string;
  readonly text: string;
  readonly sentAt: number;
  /** Canonical names, no duplicates; may be empty (a broadcast on a server of one user). */
  readonly recipients: readonly string[];
}

/** One row of a recipient's queue. */
export interface QueueRow extends Message {
  readonly to: string;
}

/** Where a recipient's queue stands. */
export interface QueueCursor {
  readonly name: string;
  /** The highest id written to a stream of this user (0: none). */
  readonly deliveredId: number;
  /** The highest id removed by retention (0: none); a resume from below it has lost messages. */
  readonly prunedId: number;
  /** How many messages with an id above deliveredId are waiting. */
  readonly pending: number;
}

export interface RetentionPolicy {
  /** Delivered messages kept per recipient beyond which the oldest are pruned. */
  readonly keepDelivered: number;
  /** Delivered messages sent before this instant (epoch ms) are pruned. */
  readonly olderThan: number;
  /** At most this many queue rows are removed by one call, so pruning never stalls a request. */
  readonly batch: number;
}

export interface PruneResult {
  /** How many queue rows went; fewer than the batch means the store is within the policy. */
  readonly removed: number;
  /** The new `prunedId` of every recipient that lost rows. */
  readonly cursors: readonly { readonly name: string; readonly prunedId: number }[];
}

/**
 * The durable journal behind the in-memory queues. Every backend passes test/store/store.contract.ts.
 *
 * Ordering: `appendMessage` assigns ids that strictly increase across the store (hence per recipient), in the
 *   order of the calls, and its promises resolve in that order.
 * Atomicity: a message is stored for all its recipients or for none.
 * Durability: once a promise from `insert*` or `appendMessage` resolves, the write survives a crash of the
 *   process (for a durable backend) and the caller may answer 201/202. Backends may batch concurrent writes
 *   into one commit (group commit). `markDelivered` is batched with the next commit and may be lost by a crash:
 *   a recipient then receives those messages again on a stream opened without a resume position, never fewer.
 * Resume: `readQueue` returns what is retained after a position; positions older than the recipient's
 *   `prunedId` have lost messages, and the caller says so to the client.
 */
export interface Store {
  /** The last id `appendMessage` assigned (0 for an empty store). */
  lastMessageId(): Promise<number>;
  loadUsers(): Promise<StoredUser[]>;
  loadGroups(): Promise<StoredGroup[]>;
  /** Every user with a queue cursor or queued messages. */
  loadCursors(): Promise<QueueCursor[]>;

  /** Resolves false, writing nothing, when a user or group of that name exists. */
  insertUser(user: StoredUser): Promise<boolean>;
  /** Resolves false, writing nothing, when a user or group of that name exists. */
  insertGroup(group: StoredGroup): Promise<boolean>;

  insertSession(session: StoredSession): Promise<void>;
  findSession(tokenHash: string): Promise<StoredSession | undefined>;
  /** Moves a session's expiry; no-op for an unknown session. */
  touchSession(tokenHash: string, expiresAt: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;

  /** Stores the message for every recipient and resolves with its id once durable. */
  appendMessage(message: NewMessage): Promise<number>;
  /** Up to `limit` retained rows of `recipient`'s queue with an id above `afterId`, oldest first. */
  readQueue(recipient: string, afterId: number, limit: number): Promise<QueueRow[]>;
  /** Records that every message up to `id` was written to a stream of `recipient`. Never moves backwards. */
  markDelivered(recipient: string, id: number): void;
  /** Removes delivered rows past the policy, at most `policy.batch` of them. */
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
   * left with no member goes too). What it sent stays with its recipients. Resolves false for an unknown user.
   * A user registered later under the same name starts with an empty queue.
   */
  deleteUser(name: string): Promise<boolean>;
  /** Durable backends only: a consistent copy of everything, taken while serving, into a new file. */
  backup?(destination: string): Promise<void>;

  close(): Promise<void>;
}
