/** A token bucket's shape: `burst` actions at once, then one more every `intervalMs`. */
export interface RateLimit {
  /** Actions allowed at once, and the most a quiet key accumulates. 0 turns the limit off. */
  readonly burst: number;
  /** Milliseconds for one action to become available again. */
  readonly intervalMs: number;
}

/** Buckets per actions-per-minute, the unit the configuration speaks. 0 per minute: unlimited. */
export function perMinute(actions: number, burst: number): RateLimit {
  return actions === 0 ? { burst: 0, intervalMs: 0 } : { burst, intervalMs: 60_000 / actions };
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by key (a user, an address, a pair of both). Memory stays bounded: a bucket that has refilled
 * is the same as no bucket, so full ones are swept whenever the map has doubled since the last sweep.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweepAt = 1_024;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.limit.burst > 0;
  }

  /** Milliseconds until `key` may act again: 0 when it may act now. Does not consume. */
  wait(key: string): number {
    if (!this.enabled) return 0;
    const tokens = this.tokens(key);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * this.limit.intervalMs);
  }

  /** Consumes one action of `key`; returns 0 when allowed, else the milliseconds to wait (nothing consumed). */
  take(key: string): number {
    const wait = this.wait(key);
    if (wait > 0 || !this.enabled) return wait;
    this.buckets.set(key, { tokens: this.tokens(key) - 1, at: this.now() });
    if (this.buckets.size >= this.sweepAt) this.sweep();
    return 0;
  }

  /** Gives back one action taken by `take` (an attempt that turned out not to count). */
  refund(key: string): void {
    if (!this.enabled) return;
    const tokens = Math.min(this.limit.burst, this.tokens(key) + 1);
    if (tokens >= this.limit.burst) this.buckets.delete(key);
    else this.buckets.set(key, { tokens, at: this.now() });
  }

  /** Forgets everything `key` spent. */
  reset(key: string): void {
    this.buckets.delete(key);
  }

  private tokens(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.limit.burst;
    const refilled = (this.now() - bucket.at) / this.limit.intervalMs;
    return Math.min(this.limit.burst, bucket.tokens + Math.max(0, refilled));
  }

  private sweep(): void {
    for (const key of [...this.buckets.keys()]) if (this.tokens(key) >= this.limit.burst) this.buckets.delete(key);
    this.sweepAt = Math.max(1_024, this.buckets.size * 2);
  }
}
