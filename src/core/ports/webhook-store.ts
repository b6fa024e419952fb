/**
 * A bot's outgoing webhook: one more device of the bot, with its own stored position. Events after `ackedId`
 * are posted to `url` in order, each until a 2xx.
 */
export interface StoredWebhook {
  readonly bot: string;
  readonly url: string;
  /** `whsec_…`: kept as given, since every post is signed with it (Standard Webhooks). */
  readonly secret: string;
  /** Epoch milliseconds. */
  readonly setAt: number;
  /** The last id the receiver acknowledged; delivery resumes after it. Never moves backwards. */
  readonly ackedId: number;
  readonly lastSuccessAt?: number;
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  /** Failed attempts in a row at the event after `ackedId`. */
  readonly failures: number;
}

/** What one attempt came to, as the lease holder records it. */
export interface WebhookAttempt {
  readonly at: number;
  /** Acknowledged up to this id (success). */
  readonly ackedId?: number;
  /** Why it failed (failure). */
  readonly error?: string;
}

/**
 * Outgoing webhooks, one per bot, and who delivers them. Every process may run deliveries; the lease makes one
 * of them, at a time, the one that posts a bot's events, so that each event is posted by one process.
 */
export interface WebhookStore {
  /**
   * Sets a bot's webhook: a new one starts after `fromId`; one replaced keeps its position (and its lease),
   * takes the new url and secret, and clears its errors.
   */
  setWebhook(bot: string, url: string, secret: string, setAt: number, fromId: number): Promise<void>;
  findWebhook(bot: string): Promise<StoredWebhook | undefined>;
  /** Every bot with a webhook, sorted. */
  webhookBots(): Promise<string[]>;
  /** Resolves false when the bot had none. */
  deleteWebhook(bot: string): Promise<boolean>;
  /**
   * Takes the lease on posting `bot`'s events for `holder` until `now + ttlMs`, or renews it; resolves false,
   * writing nothing, while another holder's lease runs or when the bot has no webhook.
   */
  leaseWebhook(bot: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /**
   * Records an attempt, if `holder` still holds the lease: success moves `ackedId` up (never down) and
   * `lastSuccessAt`, and zeroes `failures` (the last error stays, for the owner to read); failure counts one
   * more and keeps the error. Resolves false, writing
   * nothing, when `holder` does not hold the lease (it lapsed, or the webhook was deleted).
   */
  recordWebhookAttempt(bot: string, holder: string, attempt: WebhookAttempt): Promise<boolean>;
  /** Gives the lease up, if `holder` holds it (a process stopping lets another take over at once). */
  releaseWebhook(bot: string, holder: string): Promise<void>;
}
