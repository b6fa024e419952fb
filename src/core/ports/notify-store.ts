import type { NewEvent } from './change-store.js';
import type { WebhookAttempt } from './webhook-store.js';

/** How much of a conversation a user wants to be told of when away: everything, mentions of them, or nothing. */
export type NotifyLevel = 'all' | 'mentions' | 'none';

/** A browser's push subscription (RFC 8030 endpoint, RFC 8291 keys): one more device of its user. */
export interface NewPushSubscription {
  /** Public and random (base64url). */
  readonly id: string;
  readonly user: string;
  /**
   * The session that made it, by the key SessionStore has it under (its token hash, as in the feed's
   * `session_ended`): when that session ends, the subscription goes.
   */
  readonly sessionId: string;
  readonly endpoint: string;
  /** The browser's P-256 public key and auth secret, base64url, as PushSubscription.toJSON() gives them. */
  readonly p256dh: string;
  readonly auth: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Pushes start after this position (the store's last id when it was made: no backlog is pushed). */
  readonly ackedId: number;
}

/** A subscription as stored: where its pushes stand, like a webhook's (see StoredWebhook). */
export interface StoredPushSubscription extends NewPushSubscription {
  readonly failures: number;
  readonly lastSuccessAt?: number;
  readonly lastError?: string;
  readonly lastErrorAt?: number;
}

/** What `insertPushSubscription` did. */
export type PushSubscribed =
  /** `id` is the subscription's: a new one, or the one this endpoint already had (its keys and session replaced). */
  | { readonly id: string; readonly created: boolean }
  /** The user already has `limit` subscriptions: nothing was stored. */
  | 'too_many';

/**
 * What a user wants to be told of when away, and where: notification levels per conversation and a quiet time
 * (each change an event on the user's own queue, like a read mark, so that every device follows), the push
 * subscriptions of their devices with their positions and leases (as webhooks have: see WebhookStore), and the
 * server's one VAPID key pair, shared by every process.
 */
export interface NotifyStore {
  /**
   * Sets the level of one conversation (`conversation`: a user, a group or `broad`) and appends `event`, in one
   * step; resolves with the event's id.
   */
  setNotifyLevel(user: string, conversation: string, level: NotifyLevel, event: NewEvent): Promise<number>;
  /** The levels a user set, by conversation; a conversation not here has its kind's default. */
  notifyLevels(user: string): Promise<ReadonlyMap<string, NotifyLevel>>;
  /** Silences all but direct messages until `until` (epoch ms; 0: not quiet), and appends `event`, in one step. */
  setQuietUntil(user: string, until: number, event: NewEvent): Promise<number>;
  /** 0 when never set. */
  quietUntil(user: string): Promise<number>;
  /** The position `user` marked read in `conversation` (as `markRead` keeps it: a user, a group or `broad`); 0: none. */
  readMark(user: string, conversation: string): Promise<number>;

  /**
   * Stores a subscription. One endpoint is one device: inserting an endpoint already stored (for this user or
   * another, who signed out of that browser) keeps its id, creation time, position and lease, takes the new user,
   * session and keys, and clears its errors, as a replaced webhook does. A new endpoint is refused when the user
   * already has `limit`; one already stored never is.
   */
  insertPushSubscription(subscription: NewPushSubscription, limit: number): Promise<PushSubscribed>;
  findPushSubscription(id: string): Promise<StoredPushSubscription | undefined>;
  /** Oldest first. */
  pushSubscriptionsOf(user: string): Promise<StoredPushSubscription[]>;
  /** The id of every subscription, sorted (for the processes that deliver them). */
  pushSubscriptionIds(): Promise<string[]>;
  /** Resolves false for an unknown id. Ending a session (deleteSession, deleteSessionsOf, deleteUser) also removes the subscriptions it made, in the same step. */
  deletePushSubscription(id: string): Promise<boolean>;
  /** As `leaseWebhook`, for one subscription. */
  leasePushSubscription(id: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** As `recordWebhookAttempt`, for one subscription. */
  recordPushAttempt(id: string, holder: string, attempt: WebhookAttempt): Promise<boolean>;
  /** As `releaseWebhook`, for one subscription. */
  releasePushSubscription(id: string, holder: string): Promise<void>;

  /**
   * The server's VAPID key pair (RFC 8292): the one stored, or `make()`'s, stored if none was, atomically, so that
   * every process signs with the same key, and a backup and restore keep it.
   */
  vapidKeys(make: () => { publicKey: string; privateKey: string }): Promise<{ publicKey: string; privateKey: string }>;
}
