/**
 * The leases on delivering to devices that are not streams (a bot's webhook, a browser's push subscription), by
 * the device's id, for a store one process owns (memory, SQLite): the lease still decides, so that the contract
 * is the same as on a shared store, but it needs no round trip. One instance per kind of device.
 */
export class DeviceLeases {
  private readonly leases = new Map<string, { holder: string; until: number }>();

  take(id: string, holder: string, now: number, ttlMs: number): boolean {
    const lease = this.leases.get(id);
    if (lease && lease.holder !== holder && lease.until > now) return false;
    this.leases.set(id, { holder, until: now + ttlMs });
    return true;
  }

  holds(id: string, holder: string, now: number): boolean {
    const lease = this.leases.get(id);
    return lease !== undefined && lease.holder === holder && lease.until > now;
  }

  release(id: string, holder: string): void {
    if (this.leases.get(id)?.holder === holder) this.leases.delete(id);
  }

  forget(id: string): void {
    this.leases.delete(id);
  }
}
