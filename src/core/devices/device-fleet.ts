import { randomUUID } from 'node:crypto';
import type { FeedEvent } from '../ports/index.js';
import type { DeviceLoop, DeviceState } from './device-loop.js';

export interface FleetSource<L extends DeviceLoop<DeviceState>> {
  /** Every device in the store, by key. */
  keys(): Promise<string[]>;
  /** A loop for one device, for this process as `holder`. */
  loop(key: string, holder: string): L;
  error(err: unknown): void;
}

/**
 * Every device of one kind (bots' webhooks, push subscriptions), as seen from this process: a loop per device in
 * the store, of which the ones whose lease this process holds hand rows over. Loops start as devices appear
 * (looked for every `scanMs`) and end when theirs is deleted; the feed wakes them when something arrives for
 * their user.
 */
export class DeviceFleet<L extends DeviceLoop<DeviceState>> {
  /** This process, as a lease holder: unique, so that a restarted process never inherits a lease. */
  private readonly holder = randomUUID();
  private readonly loops = new Map<string, L>();
  /** The loops by the user whose queue they follow, as each learns it: a message wakes its recipients' only. */
  private readonly byUser = new Map<string, Set<L>>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private rescan = false;
  private stopped = false;

  constructor(
    private readonly source: FleetSource<L>,
    private readonly scanMs: number,
  ) {}

  async start(): Promise<void> {
    await this.scan();
    this.timer = setInterval(() => void this.scan(), this.scanMs);
    this.timer.unref();
  }

  get size(): number {
    return this.loops.size;
  }

  /** A feed event: wakes the loops of the users a message reaches (a broadcast reaches them all). */
  notice(event: FeedEvent): void {
    if (this.loops.size === 0) return;
    if (event.kind === 'message' && event.message.kind === 'broadcast') this.wakeAll();
    else if (event.kind === 'message' || event.kind === 'event') this.wakeUsers(event.recipients);
    else if (event.kind === 'gap') this.wakeAll();
  }

  /**
   * Wakes the loops of these users (those `test` lets through). Only loops that know their user are found: one
   * that does not has not held its lease yet, and the holder elsewhere has what arrives.
   */
  wakeUsers(users: readonly string[], test: (user: string) => boolean = () => true): void {
    for (const user of users) {
      const loops = this.byUser.get(user);
      if (loops && test(user)) for (const loop of loops) loop.wake();
    }
  }

  /** Wakes every loop (of the users `test` lets through). */
  wakeAll(test: (user: string) => boolean = () => true): void {
    for (const [user, loops] of this.byUser) if (test(user)) for (const loop of loops) loop.wake();
    for (const loop of this.loops.values()) if (loop.user === undefined) loop.wake();
  }

  /** Looks for a device now (one was just made here), instead of at the next scan. */
  added(key: string): void {
    if (this.loops.has(key)) this.loops.get(key)!.wake();
    else void this.scan();
  }

  private forget(key: string, loop: L): void {
    if (this.loops.get(key) === loop) this.loops.delete(key);
    const user = loop.user;
    if (user === undefined) return;
    const loops = this.byUser.get(user);
    loops?.delete(loop);
    if (loops?.size === 0) this.byUser.delete(user);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.scanning;
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
    this.loops.clear();
  }

  private scan(): Promise<void> {
    if (this.scanning) {
      // The scan under way may have read the keys before the device that asks was stored.
      this.rescan = true;
      return this.scanning;
    }
    this.scanning = this.startLoops().finally(() => {
      this.scanning = undefined;
      if (this.rescan && !this.stopped) {
        this.rescan = false;
        void this.scan();
      }
    });
    return this.scanning;
  }

  private async startLoops(): Promise<void> {
    let keys: string[];
    try {
      keys = await this.source.keys();
    } catch (err) {
      this.source.error(err);
      return;
    }
    // A device deleted elsewhere: its loop, holding no lease it can renew, would wait for ever.
    const present = new Set(keys);
    for (const [key, loop] of this.loops) {
      if (present.has(key)) continue;
      this.forget(key, loop);
      void loop.stop().catch((err: unknown) => this.source.error(err));
    }
    for (const key of keys) {
      if (this.stopped || this.loops.has(key)) continue;
      const loop = this.source.loop(key, this.holder);
      this.loops.set(key, loop);
      // Set before the loop's first read of its device can resolve: it learns its user no sooner.
      loop.userKnown = (user, before) => {
        if (before !== undefined) this.byUser.get(before)?.delete(loop);
        let loops = this.byUser.get(user);
        if (!loops) this.byUser.set(user, (loops = new Set()));
        loops.add(loop);
      };
      void loop.done.finally(() => this.forget(key, loop));
    }
  }
}
