import webpush, { type RequestDetails } from 'web-push';
import type { PushCall, PushOutcome, PushSender, PushTarget } from '../core/ports/index.js';
import type { DestinationKind, ResolveAll } from '../webhooks/destination.js';
import { GuardedClient } from '../webhooks/guarded-client.js';
import { pushOutcome } from './push-outcome.js';
import { checkSubscriptionKeys } from './subscription-keys.js';
import { checkVapidDetails } from './vapid-keys.js';
import { VapidTokens } from './vapid-tokens.js';
import type { VapidDetails } from './vapid-keys.js';

export interface WebPushSenderOptions {
  readonly vapid: VapidDetails;
  /**
   * Accept `http:` endpoints and loopback, private and other non-public addresses (`--push-allow-private`): for a
   * push service under test beside the server. No default, so that forgetting it cannot open the private network.
   */
  readonly allowPrivate: boolean;
  /** How long one push may take, connection to last byte of the answer (ms). */
  readonly timeoutMs: number;
  /** Resolves names; the system resolver by default. */
  readonly lookup?: ResolveAll;
}

/** RFC 8030 §8: push services speak HTTPS only; `http:` is left for a test service, with private addresses. */
const pushEndpoint: DestinationKind = {
  name: 'the push endpoint',
  goes: 'pushes',
  field: 'body.endpoint',
  httpsOnly: true,
};

/**
 * The longest payload one push carries (bytes of UTF-8): RFC 8291 §4 encrypts it as one record of 4096 bytes
 * at most, the least every push service must take (RFC 8030 §7.2); a longer one would be split in records that
 * services refuse.
 */
export const maxPushPayloadBytes = 3993;

/** Enough of an answer for the reason an error quotes (push-outcome.ts). */
const keptAnswerBytes = 1024;

/**
 * Pushes with the `web-push` package's encryption (RFC 8291, `aes128gcm`) and VAPID signature (RFC 8292), sent by
 * GuardedClient rather than web-push's own request, which insists on https and its own agent and knows nothing
 * of the destination checks.
 */
export class WebPushSender implements PushSender {
  readonly publicKey: string;
  private readonly client: GuardedClient;
  private readonly tokens: VapidTokens;

  /** Throws when the VAPID subject or keys are not ones web-push can sign with (see `checkVapidDetails`). */
  constructor(options: WebPushSenderOptions) {
    checkVapidDetails(options.vapid);
    this.tokens = new VapidTokens(options.vapid);
    this.publicKey = options.vapid.publicKey;
    this.client = new GuardedClient({
      allowPrivate: options.allowPrivate,
      lookup: options.lookup,
      timeoutMs: options.timeoutMs,
      kind: pushEndpoint,
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.client.close();
  }

  async check(target: PushTarget): Promise<void> {
    checkSubscriptionKeys(target);
    await this.client.check(target.endpoint);
  }

  async send(call: PushCall): Promise<PushOutcome> {
    const size = Buffer.byteLength(call.payload);
    if (size > maxPushPayloadBytes)
      return { ok: false, gone: false, error: `a payload of ${size} bytes is over ${maxPushPayloadBytes}` };
    let details: RequestDetails;
    try {
      details = webpush.generateRequestDetails(
        { endpoint: call.endpoint, keys: { p256dh: call.p256dh, auth: call.auth } },
        call.payload,
        { TTL: call.ttlSeconds, urgency: call.urgency, contentEncoding: 'aes128gcm' },
      );
      details.headers.Authorization = this.tokens.headerFor(call.endpoint);
    } catch (err) {
      return { ok: false, gone: false, error: `cannot encrypt or sign the push: ${(err as Error).message}` };
    }
    const exchange = await this.client.send(call.endpoint, {
      method: details.method,
      headers: details.headers,
      body: details.body ?? '',
      keepBytes: keptAnswerBytes,
    });
    return pushOutcome(exchange, Date.now());
  }
}
