import { DeviceFleet } from '../devices/device-fleet.js';
import type { DeviceTiming } from '../devices/device-loop.js';
import type { FeedEvent, PushSender, Store } from '../ports/index.js';
import { PushLoop, type PushLoopHooks, type PushRules } from './push-loop.js';

/**
 * Every push subscription, as seen from this process: a fleet of devices (see DeviceFleet). A user's loops are
 * woken by messages to them, and by their last stream closing (what arrived while it was open was the stream's;
 * what comes now may be a push's).
 */
export class PushDeliveries {
  private readonly fleet: DeviceFleet<PushLoop>;

  private readonly online: (user: string) => boolean;
  /** The users whose loops wake once this turn of the event loop is over. */
  private later: { users: Set<string>; everyone: boolean; scheduled?: NodeJS.Immediate } = {
    users: new Set(),
    everyone: false,
  };

  constructor(
    store: Store,
    sender: PushSender,
    timing: DeviceTiming,
    rules: PushRules,
    hooks: PushLoopHooks,
    now: () => number,
  ) {
    this.online = (user) => hooks.online(user);
    this.fleet = new DeviceFleet(
      {
        keys: () => store.pushSubscriptionIds(),
        loop: (id, holder) => new PushLoop(id, holder, store, sender, timing, rules, hooks, now),
        error: (err) => hooks.error('', err),
      },
      timing.idleMs,
    );
  }

  start(): Promise<void> {
    return this.fleet.start();
  }

  /**
   * A feed event. A user with a stream open has no push coming, so a message to them wakes nothing: their loops
   * pass it at their next look, in a page with the others, rather than one store read per message.
   */
  notice(event: FeedEvent): void {
    // No subscription here: nothing to wake (a loop started later reads from its own stored position).
    if (this.fleet.size === 0) return;
    if (event.kind === 'presence') {
      if (!event.online) this.fleet.wakeUsers([event.name]);
    } else if (event.kind === 'message') {
      // After the send that stored it has answered: a push is encrypted and signed on this thread, and the
      // sender's 202 must not wait for it.
      if (event.message.kind === 'broadcast') this.later.everyone = true;
      else for (const user of event.recipients) this.later.users.add(user);
      this.later.scheduled ??= setImmediate(() => this.wakeLater());
    } else if (event.kind === 'gap') {
      this.fleet.wakeAll();
    }
  }

  private wakeLater(): void {
    const { users, everyone } = this.later;
    this.later = { users: new Set(), everyone: false };
    const away = (user: string) => !this.online(user);
    if (everyone) this.fleet.wakeAll(away);
    else this.fleet.wakeUsers([...users], away);
  }

  /** A subscription was made here: its loop starts now. */
  added(id: string): void {
    this.fleet.added(id);
  }

  get devices(): number {
    return this.fleet.size;
  }

  stop(): Promise<void> {
    if (this.later.scheduled) clearImmediate(this.later.scheduled);
    return this.fleet.stop();
  }
}
