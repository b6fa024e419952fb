import type {
  NewEvent,
  NewPushSubscription,
  NotifyLevel,
  PushSubscribed,
  StoredPushSubscription,
  WebhookAttempt,
} from '../../core/ports/index.js';
import type { NotifySettings, VapidKeys } from '../delegated-families.js';
import { DeviceLeases } from '../device-leases.js';
import { withAttempt } from './with-attempt.js';

/** Notification levels, quiet times, push subscriptions and the VAPID key pair, kept in this process (see MemoryStore). */
export class MemoryNotify implements NotifySettings {
  private readonly levels = new Map<string, Map<string, NotifyLevel>>();
  private readonly quiet = new Map<string, number>();
  /** By id, in the order made: a user's list, sorted by creation, keeps that order among equals. */
  private readonly subscriptions = new Map<string, StoredPushSubscription>();
  private readonly byEndpoint = new Map<string, string>();
  private readonly leases = new DeviceLeases();
  private vapid: VapidKeys | undefined;

  /** `appendEvent` appends an event with the store's next id and returns the id. */
  constructor(
    private readonly clock: () => number,
    private readonly appendEvent: (event: NewEvent) => number,
  ) {}

  async setNotifyLevel(user: string, conversation: string, level: NotifyLevel, event: NewEvent): Promise<number> {
    let mine = this.levels.get(user);
    if (!mine) this.levels.set(user, (mine = new Map()));
    mine.set(conversation, level);
    return this.appendEvent(event);
  }

  async notifyLevels(user: string): Promise<ReadonlyMap<string, NotifyLevel>> {
    return new Map(this.levels.get(user));
  }

  async setQuietUntil(user: string, until: number, event: NewEvent): Promise<number> {
    if (until === 0) this.quiet.delete(user);
    else this.quiet.set(user, until);
    return this.appendEvent(event);
  }

  async quietUntil(user: string): Promise<number> {
    return this.quiet.get(user) ?? 0;
  }

  async insertPushSubscription(subscription: NewPushSubscription, limit: number): Promise<PushSubscribed> {
    const known = this.subscriptions.get(this.byEndpoint.get(subscription.endpoint) ?? '');
    if (known) {
      const { lastError: _e, lastErrorAt: _a, ...kept } = known;
      const { user, sessionId, p256dh, auth } = subscription;
      this.subscriptions.set(known.id, { ...kept, user, sessionId, p256dh, auth, failures: 0 });
      return { id: known.id, created: false };
    }
    if ((await this.pushSubscriptionsOf(subscription.user)).length >= limit) return 'too_many';
    this.subscriptions.set(subscription.id, { ...subscription, failures: 0 });
    this.byEndpoint.set(subscription.endpoint, subscription.id);
    return { id: subscription.id, created: true };
  }

  async findPushSubscription(id: string): Promise<StoredPushSubscription | undefined> {
    return this.subscriptions.get(id);
  }

  async pushSubscriptionsOf(user: string): Promise<StoredPushSubscription[]> {
    return [...this.subscriptions.values()].filter((s) => s.user === user).sort((a, b) => a.createdAt - b.createdAt);
  }

  async pushSubscriptionIds(): Promise<string[]> {
    return [...this.subscriptions.keys()].sort();
  }

  async deletePushSubscription(id: string): Promise<boolean> {
    const subscription = this.subscriptions.get(id);
    if (subscription) this.drop(subscription);
    return subscription !== undefined;
  }

  async leasePushSubscription(id: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.subscriptions.has(id) && this.leases.take(id, holder, now, ttlMs);
  }

  async recordPushAttempt(id: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    const subscription = this.subscriptions.get(id);
    if (!subscription || !this.leases.holds(id, holder, this.clock())) return false;
    this.subscriptions.set(id, withAttempt(subscription, attempt));
    return true;
  }

  async releasePushSubscription(id: string, holder: string): Promise<void> {
    this.leases.release(id, holder);
  }

  async vapidKeys(make: () => VapidKeys): Promise<VapidKeys> {
    return (this.vapid ??= make());
  }

  /** Ended sessions take the subscriptions they made with them. */
  forgetSessions(sessionIds: readonly string[]): void {
    const ended = new Set(sessionIds);
    for (const subscription of [...this.subscriptions.values()])
      if (ended.has(subscription.sessionId)) this.drop(subscription);
  }

  /** A deleted user's levels, quiet time and subscriptions go with it. */
  forgetUser(name: string): void {
    this.levels.delete(name);
    this.quiet.delete(name);
    for (const subscription of [...this.subscriptions.values()])
      if (subscription.user === name) this.drop(subscription);
  }

  private drop(subscription: StoredPushSubscription): void {
    this.subscriptions.delete(subscription.id);
    this.byEndpoint.delete(subscription.endpoint);
    this.leases.forget(subscription.id);
  }
}
