import type { Group } from '../chat/directory.js';
import type { Message, StoredEvent } from '../msgform.js';
import type { SessionEndReason } from '../delivery/stream-session.js';

/**
 * What the store did, told to every process that uses it (the writer included) in the order the store applied
 * it. A process fans messages out from these events only, so that every process writes every stream in id
 * order, whoever accepted the message.
 */
export type FeedEvent =
  | { readonly kind: 'message'; readonly message: Message; readonly recipients: readonly string[] }
  | { readonly kind: 'event'; readonly event: StoredEvent; readonly recipients: readonly string[] }
  | { readonly kind: 'registered'; readonly name: string }
  | { readonly kind: 'group'; readonly group: Group }
  /** One session ended (exit, or revoked by another session of its user): its streams end on every process. */
  | {
      readonly kind: 'session_ended';
      readonly user: string;
      readonly sessionId: string;
      readonly reason: SessionEndReason;
    }
  /** Every session of a user ended (operator commands, account deletion). */
  | { readonly kind: 'sessions_ended'; readonly user: string }
  /** A user was deleted (their sessions ended before): their name is free again. */
  | { readonly kind: 'deleted'; readonly name: string }
  /** A user's first stream anywhere opened, or their last one anywhere closed (or died with its process). */
  | { readonly kind: 'presence'; readonly name: string; readonly online: boolean }
  /** Events may have been missed (the feed's connection was lost): what matters must be read again. */
  | { readonly kind: 'gap' };

/**
 * The processes that use one store, as the core sees them: what the store did, and who holds streams where.
 * A store that one process owns (memory, SQLite) has a feed of one process, which tells the same events in the
 * same order; the core has one path either way.
 *
 * Ordering: events come in the store's order. A write's events reach this process's listener by the time the
 *   write's promise resolves here (synchronously for a feed of one process; later for other processes).
 * Delivery: at most once. When events may have been lost, the listener is told `gap`, and the core reads again
 *   from the store, which is the truth.
 */
export interface Feed {
  /** Starts telling `listener` every event, and keeping this process known as alive; resolves once both run. */
  start(listener: (event: FeedEvent) => void): Promise<void>;
  /**
   * Counts one more stream of `name` on this process, unless the user already has `limit` streams over every
   * process (resolves false, counting nothing). The first stream anywhere makes the user online (`presence`).
   */
  streamOpened(name: string, limit: number): Promise<boolean>;
  /** Counts one stream of `name` less on this process; the last one anywhere makes the user offline. */
  streamClosed(name: string): void;
  /** The users with a stream open on any live process. */
  onlineUsers(): Promise<ReadonlySet<string>>;
  /** Stops the events and the heartbeat, and takes this process's streams off the shared count. */
  stop(): Promise<void>;
}
