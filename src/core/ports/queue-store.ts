import type { Message, MessageKind, ReplyQuote, StoredEvent } from '../msgform.js';

/** A message to be appended: the id is the store's to assign. */
export interface NewMessage {
  readonly from: string;
  /** See `Message.bot` and `Message.displayName`: stored with the message and read back with it everywhere. */
  readonly bot?: true;
  readonly displayName?: string;
  /** See `Message.mentions`: stored with the message and read back with it everywhere. */
  readonly mentions?: readonly string[];
  /** See `Message.replyTo`: the quote, made by the core, stored with the reply and read back with it everywhere. */
  readonly replyTo?: ReplyQuote;
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
   * The message is refused with `queue_full`, storing nothing for anyone, when a recipient already has this
   * many undelivered direct and group messages (delivered positions may lag by up to a second: see
   * `markDelivered`). Absent: no limit.
   */
  readonly queueLimit?: number;
  /**
   * The token hash of the sender's session when this process did not read it from the store for this send
   * (Actor.unconfirmed): a store that several processes share writes the message only if that session of the
   * sender's is still there and unexpired at `sentAt`, and otherwise rejects with `unauthorized`, writing
   * nothing, so that a revocation through another process is never outrun. A store with one writer, which
   * holds every session this process knows of, ignores it.
   */
  readonly session?: string;
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

/**
 * What each user reads, by position: their own queue (one row per direct or group message addressed to them)
 * merged by id with the shared broadcast log (every broadcast appended after the user was registered, except
 * their own). A broadcast costs one entry, whatever the number of users.
 */
export interface QueueStore {
  /** The last id the store assigned (0 for an empty store). */
  lastMessageId(): Promise<number>;
  /** Every user with a queue cursor or queued messages. */
  loadCursors(): Promise<QueueCursor[]>;
  /**
   * Stores the message (on every recipient's queue, or in the broadcast log), tells the feed `message`, and
   * resolves with its id once durable; `queue_full` (see `NewMessage.queueLimit`) stores nothing.
   */
  appendMessage(message: NewMessage): Promise<number>;
  /**
   * As appendMessage, once per `key` of the sender: the key is stored with the message, atomically, and kept
   * `idempotencyKeepMs` from the message's `sentAt`. A later call by the same sender with the same key within that
   * time stores nothing, tells the feed nothing, and resolves with the first message's id (`replayed`), whatever
   * the new message says. Keys of different senders never meet.
   */
  appendMessageOnce(message: NewMessage, key: string): Promise<Appended>;
  /** Up to `limit` retained messages that `recipient` reads with an id above `afterId`, oldest first. */
  readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage>;
  /**
   * Whether `id` is a position this store gave `recipient`: 0, a retained message or event they read, a retained
   * message they sent (their history and their other devices show it, so a device may resume from it), or one at
   * or below their pruned position. False when the store went back in time after handing it out (restored from
   * an older copy, failed over to a replica that lagged, wiped): the messages a device saw up to it are lost.
   */
  knowsPosition(recipient: string, id: number): Promise<boolean>;
  /**
   * Records that every message up to `id` was written to a stream of `recipient`. Never moves backwards.
   * Coalesced: written within about a second.
   */
  markDelivered(recipient: string, id: number): void;
  /** The highest id written to a stream of `recipient` by any process, as last recorded (it lags by about a second). */
  deliveredId(recipient: string): Promise<number>;
  /** Direct and group messages not yet written to any stream, over all users (a gauge; it lags like `deliveredId`). */
  pendingTotal(): Promise<number>;
}
