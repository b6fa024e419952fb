/**
 * The leases on posting bots' webhooks, for a store one process owns (memory, SQLite): the lease still decides,
 * so that the contract is the same as on a shared store, but it needs no round trip.
 */
export class WebhookLeases {
  private readonly leases = new Map<string, { holder: string; until: number }>();

  take(bot: string, holder: string, now: number, ttlMs: number): boolean {
    const lease = this.leases.get(bot);
    if (lease && lease.holder !== holder && lease.until > now) return false;
    this.leases.set(bot, { holder, until: now + ttlMs });
    return true;
  }

  holds(bot: string, holder: string, now: number): boolean {
    const lease = this.leases.get(bot);
    return lease !== undefined && lease.holder === holder && lease.until > now;
  }

  release(bot: string, holder: string): void {
    if (this.leases.get(bot)?.holder === holder) this.leases.delete(bot);
  }

  forget(bot: string): void {
    this.leases.delete(bot);
  }
}
