import type { StoredUser } from '../store/store.js';
import type { Group, SharedDirectory } from './directory.js';
import type { Message, StoredEvent } from './msgform.js';
import type { SessionEndReason } from './stream-session.js';

/**
 * What any process sharing the store did, told to every process (itself included) in the order the store
 * applied it. A process fans messages out from these events only, so that every process writes every stream
 * in id order, whoever accepted the message.
 */
export type ClusterEvent =
  | { readonly kind: 'message'; readonly message: Message; readonly recipients: readonly string[] }
  | { readonly kind: 'event'; readonly event: StoredEvent; readonly recipients: readonly string[] }
  | { readonly kind: 'registered'; readonly name: string }
  | { readonly kind: 'group'; readonly group: Group }
  /** One session ended (exit, or revoked by another session of its user): its streams end on every process. */
  | { readonly kind: 'session_ended'; readonly user: string; readonly sessionId: string; readonly reason: SessionEndReason }
  /** Every session of a user ended (operator commands). */
  | { readonly kind: 'sessions_ended'; readonly user: string }
  /** A user was deleted (their sessions ended before): their name is free again. */
  | { readonly kind: 'deleted'; readonly name: string }
  /** A user's first stream anywhere opened, or their last one anywhere closed (or died with its process). */
  | { readonly kind: 'presence'; readonly name: string; readonly online: boolean }
  /** Events may have been missed (the feed's connection was lost): what matters must be read again. */
  | { readonly kind: 'gap' };

/**
 * The shared state of several processes on one store, as the core needs it. Absent for a store that belongs to
 * one process (memory, SQLite): that process's own memory is then the whole truth.
 */
export interface Cluster extends SharedDirectory {
  /** Starts telling `listener` every event, and keeping this process known as alive; resolves once both run. */
  start(listener: (event: ClusterEvent) => void): Promise<void>;
  /**
   * Counts one more stream of `name` on this process, unless the user already has `limit` streams over every
   * process (resolves false, counting nothing). The first stream anywhere makes the user online.
   */
  streamOpened(name: string, limit: number): Promise<boolean>;
  /** Counts one stream of `name` less on this process; the last one anywhere makes the user offline. */
  streamClosed(name: string): void;
  /** The users with a stream open on any live process. */
  onlineUsers(): Promise<ReadonlySet<string>>;
  /** A user as the store has them now (registered since this process loaded its users, maybe). */
  findUser(name: string): Promise<StoredUser | undefined>;
  /** The highest id written to a stream of `name` on any process, as last recorded (it lags by about a second). */
  deliveredId(name: string): Promise<number>;
  /** Stops the events and the heartbeat, and takes this process's streams off the shared count. */
  stop(): Promise<void>;
}
