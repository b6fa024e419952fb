import type { NewEvent } from './change-store.js';

/** How much of a conversation a user wants to be told of when away: everything, mentions of them, or nothing. */
export type NotifyLevel = 'all' | 'mentions' | 'none';

/** A browser's push subscription (RFC 8030 endpoint, RFC 8291 keys), made by one session of a user. */
export interface StoredPushSubscription {
  /** Public and random (base64url). */
  readonly id: string;
  readonly user: string;
  /** The session (token hash) that made it: signing that session out removes it. */
  readonly sessionId: string;
  readonly endpoint: string;
  /** The browser's P-256 public key and auth secret, base64url, as PushSubscription.toJSON() gives them. */
  readonly p256dh: string;
  readonly auth: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/**
 * What a user wants to be told of when away, and where: notification levels per conversation and a quiet time
 * (each change an event on the user's own queue, like a read mark, so that every device follows), the push
 * subscriptions of their devices, and the server's one VAPID key pair, shared by every process.
 */
export interface NotifyStore {
  /** Sets the level of one conversation (`with`: a user, a group or `broad`) and appends `event`, in one step. */
  setNotifyLevel(user: string, conversation: string, level: NotifyLevel, event: NewEvent): Promise<number>;
  /** The levels a user set, by conversation; a conversation not here has its kind's default. */
  notifyLevels(user: string): Promise<ReadonlyMap<string, NotifyLevel>>;
  /** Silences all but direct messages until `until` (epoch ms; 0: not quiet), and appends `event`, in one step. */
  setQuietUntil(user: string, until: number, event: NewEvent): Promise<number>;
  quietUntil(user: string): Promise<number>;

  insertPushSubscription(subscription: StoredPushSubscription): Promise<void>;
  pushSubscriptionsOf(user: string): Promise<StoredPushSubscription[]>;
  /** Resolves false for an unknown id. */
  deletePushSubscription(id: string): Promise<boolean>;
  /** Removes the subscriptions a session made (it signed out, or was revoked); resolves with how many. */
  deletePushSubscriptionsOf(sessionId: string): Promise<number>;

  /**
   * The server's VAPID key pair (RFC 8292): the one stored, or `make()`'s, stored if none was, atomically, so that
   * every process signs with the same key, and a backup and restore keep it.
   */
  vapidKeys(make: () => { publicKey: string; privateKey: string }): Promise<{ publicKey: string; privateKey: string }>;
}
