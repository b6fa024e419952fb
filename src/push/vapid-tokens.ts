import webpush from 'web-push';
import type { VapidDetails } from './vapid-keys.js';

/** How long a token is good for (s): RFC 8292 §2 allows up to 24 hours; half leaves room for skewed clocks. */
const lifetimeS = 12 * 3_600;
/** A token is made again this long before it expires (ms), so that none is sent about to lapse. */
const renewBeforeMs = 3_600_000;
/** Push services a server reaches are few (one per browser maker); a bound all the same. */
const maxAudiences = 64;

/**
 * The `Authorization: vapid t=…, k=…` header for each push service, signed once and used for every push to
 * that origin until it is close to expiring, as RFC 8292 §2 allows: signing (ES256) is most of what a push costs
 * this server, and a push service sees the same token either way.
 */
export class VapidTokens {
  private readonly byAudience = new Map<string, { readonly header: string; readonly renewAt: number }>();

  constructor(
    private readonly vapid: VapidDetails,
    private readonly now: () => number = Date.now,
  ) {}

  /** The header for a push to `endpoint`. */
  headerFor(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const now = this.now();
    const kept = this.byAudience.get(audience);
    if (kept && kept.renewAt > now) return kept.header;
    const expiresS = Math.floor(now / 1000) + lifetimeS;
    const { subject, publicKey, privateKey } = this.vapid;
    const header = webpush.getVapidHeaders(audience, subject, publicKey, privateKey, 'aes128gcm', expiresS)
      .Authorization as string;
    if (this.byAudience.size >= maxAudiences) this.byAudience.clear();
    this.byAudience.set(audience, { header, renewAt: expiresS * 1000 - renewBeforeMs });
    return header;
  }
}
