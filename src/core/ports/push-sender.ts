/** How soon a push service should deliver a push (RFC 8030 §5.3): a phone may wait for a better moment otherwise. */
export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

/** A device's subscription, as a push goes to it. */
export interface PushTarget {
  readonly endpoint: string;
  /** The browser's P-256 public key and auth secret, base64url (RFC 8291). */
  readonly p256dh: string;
  readonly auth: string;
}

/** One attempt at pushing one payload to one device. */
export interface PushCall extends PushTarget {
  /**
   * Encrypted for the device before it leaves (RFC 8291, `aes128gcm`). At most 3993 bytes of UTF-8, what one
   * 4096-byte record holds, the least every push service must take; a longer one is not sent (a failure, not gone).
   */
  readonly payload: string;
  /** How long the push service may keep it for a device that is away (RFC 8030 `TTL`, seconds). */
  readonly ttlSeconds: number;
  readonly urgency: PushUrgency;
}

export type PushOutcome =
  | { readonly ok: true; readonly status: number }
  /** 404 or 410: the subscription is gone for good (the browser unsubscribed, or it expired). */
  | { readonly ok: false; readonly gone: true; readonly error: string }
  /**
   * Anything else: worth another try, after `retryAfterMs` if the service said. 429, 5xx, a timeout, a refused
   * connection or destination may pass; 400, 403 (a VAPID signature or key refused), 413 and other 4xx most
   * likely will not, but do not say the subscription is gone, so back-off and the push's TTL end them.
   */
  | { readonly ok: false; readonly gone: false; readonly error: string; readonly retryAfterMs?: number };

/**
 * How the core reaches push services (RFC 8030), with payloads encrypted for the device (RFC 8291) and signed
 * with the server's VAPID key (RFC 8292); the network, the cryptography and the checks of where to are the
 * adapter's.
 */
export interface PushSender {
  /** The VAPID public key pushes are signed with: base64url of the uncompressed P-256 point. */
  readonly publicKey: string;
  /**
   * Resolves when pushes may go to this subscription; throws a ChatError saying why not: `bad_destination` for an
   * endpoint that is not https on a public address (unless the operator allowed private ones), `invalid_request`
   * with the field (`body.keys.p256dh`, `body.keys.auth`) for keys that are not a P-256 point and 16 bytes.
   */
  check(target: PushTarget): Promise<void>;
  /** Pushes once, checking the destination again (a name may resolve elsewhere now); never throws. */
  send(call: PushCall): Promise<PushOutcome>;
}
