import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Signing of outgoing webhooks per Standard Webhooks (https://www.standardwebhooks.com/): the reference library
 * signs, so a bot verifies with any of the spec's libraries and no reading of ours.
 */

const secretPrefix = 'whsec_';
/** The spec asks for 24 to 64 bytes; 32 matches the HMAC-SHA256 block of entropy and is what most senders use. */
const secretBytes = 32;

/** The headers a delivery carries, named as the spec names them. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  /** Whole seconds since the Unix epoch, in decimal. */
  readonly 'webhook-timestamp': string;
  /** `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`. */
  readonly 'webhook-signature': string;
}

export interface WebhookMessage {
  /** The same for every attempt at one event, so that the receiver can drop duplicates. */
  readonly id: string;
  /** When this attempt is sent (s); receivers refuse one far from their clock, the reference libraries at 5 min. */
  readonly timestampSeconds: number;
  /** The request body exactly as sent: the signature covers its UTF-8 bytes. */
  readonly body: string;
}

/** A new secret for one bot: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return secretPrefix + randomBytes(secretBytes).toString('base64');
}

/**
 * The three Standard Webhooks headers for one attempt. Throws a TypeError on a secret that is not `whsec_` and
 * base64, or on an id or timestamp that could not travel in a header: those are the caller's mistakes.
 */
export function signWebhook(secret: string, message: WebhookMessage): WebhookHeaders {
  const { id, timestampSeconds, body } = message;
  if (!secret.startsWith(secretPrefix)) throw new TypeError(`a webhook secret starts with ${secretPrefix}`);
  // The id travels in a header: no controls (CR, LF) and no spaces, which some proxies fold.
  if (!/^[\x21-\x7e]+$/.test(id)) throw new TypeError('a webhook id is visible ASCII without spaces');
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0)
    throw new TypeError('a webhook timestamp is whole seconds since the epoch');
  let signer: Webhook;
  try {
    signer = new Webhook(secret);
  } catch (err) {
    throw new TypeError(`the webhook secret is not base64 key bytes after ${secretPrefix}: ${(err as Error).message}`);
  }
  const signature = signer.sign(id, new Date(timestampSeconds * 1000), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signature };
}
