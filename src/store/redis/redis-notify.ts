import type {
  NewEvent,
  NewPushSubscription,
  NotifyLevel,
  PushSubscribed,
  StoredPushSubscription,
  WebhookAttempt,
} from '../../core/ports/index.js';
import type { NotifySettings, VapidKeys } from '../delegated-families.js';
import { luaScripts as lua } from './lua-scripts.js';
import { RedisDeviceLeases } from './redis-device-leases.js';
import type { RedisStoreLink } from './redis-integrations.js';
import { eventArgs, pairs } from './redis-replies.js';

/**
 * Notification levels, quiet times, push subscriptions and the VAPID key pair in Redis (keys in
 * src/store/redis/redis-store.ts). Every process may push: the lease on a subscription is the webhooks' (see
 * RedisDeviceLeases). The key pair is set once, if absent, in one script, so that processes starting at once agree.
 */
export class RedisNotify implements NotifySettings {
  private readonly leases: RedisDeviceLeases;

  constructor(private readonly redis: RedisStoreLink) {
    this.leases = new RedisDeviceLeases(redis, 'ps');
  }

  async setNotifyLevel(user: string, conversation: string, level: NotifyLevel, event: NewEvent): Promise<number> {
    const args = [user, conversation, level, ...eventArgs(event)];
    return Number(await this.redis.confirmed(this.redis.run(lua.setNotifyLevel, args)));
  }

  async notifyLevels(user: string): Promise<ReadonlyMap<string, NotifyLevel>> {
    const reply = await this.redis.read(['HGETALL', this.redis.key(`nl:${user}`)]);
    return new Map(pairs(reply) as [string, NotifyLevel][]);
  }

  async setQuietUntil(user: string, until: number, event: NewEvent): Promise<number> {
    const args = [user, until, ...eventArgs(event)];
    return Number(await this.redis.confirmed(this.redis.run(lua.setQuietUntil, args)));
  }

  async quietUntil(user: string): Promise<number> {
    return Number((await this.redis.read(['HGET', this.redis.key('quiet'), user])) ?? 0);
  }

  async insertPushSubscription(subscription: NewPushSubscription, limit: number): Promise<PushSubscribed> {
    const { id, user, sessionId, endpoint, p256dh, auth, createdAt, ackedId } = subscription;
    const args = [id, user, sessionId, endpoint, p256dh, auth, createdAt, ackedId, limit];
    const reply = await this.redis.confirmed(this.redis.run(lua.insertPushSubscription, args));
    if (!Array.isArray(reply)) return 'too_many';
    return { id: String(reply[0]), created: reply[1] === '1' };
  }

  async findPushSubscription(id: string): Promise<StoredPushSubscription | undefined> {
    const fields = Object.fromEntries(pairs(await this.redis.read(['HGETALL', this.redis.key(`ps:${id}`)])));
    return fields.o === undefined ? undefined : subscriptionOf(id, fields);
  }

  async pushSubscriptionsOf(user: string): Promise<StoredPushSubscription[]> {
    const ids = (await this.redis.read(['ZRANGE', this.redis.key(`psu:${user}`), 0, -1])) as string[];
    // One deleted between the two reads is left out.
    const subscriptions = await Promise.all(ids.map((id) => this.findPushSubscription(id)));
    return subscriptions.filter((subscription) => subscription !== undefined);
  }

  async pushSubscriptionIds(): Promise<string[]> {
    return ((await this.redis.read(['SMEMBERS', this.redis.key('push')])) as string[]).sort();
  }

  async deletePushSubscription(id: string): Promise<boolean> {
    return (await this.redis.confirmed(this.redis.run(lua.deletePushSubscription, [id]))) === 1;
  }

  leasePushSubscription(id: string, holder: string, _now: number, ttlMs: number): Promise<boolean> {
    return this.leases.take(id, holder, ttlMs);
  }

  recordPushAttempt(id: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    return this.leases.record(id, holder, attempt);
  }

  releasePushSubscription(id: string, holder: string): Promise<void> {
    return this.leases.release(id, holder);
  }

  async vapidKeys(make: () => VapidKeys): Promise<VapidKeys> {
    const kept = (await this.redis.read(['GET', this.redis.key('vapid')])) as string | null;
    if (kept != null) return JSON.parse(kept) as VapidKeys;
    const { publicKey, privateKey } = make();
    const pair = JSON.stringify({ publicKey, privateKey });
    return JSON.parse(String(await this.redis.confirmed(this.redis.run(lua.keepVapidKeys, [pair])))) as VapidKeys;
  }
}

/**
 * A subscription's hash: o, s, u, p, h, c (user, session, endpoint, p256dh, auth, created), k (acked id), ok (last
 * success), f, e, a (failures, last error, when).
 */
function subscriptionOf(id: string, h: Record<string, string>): StoredPushSubscription {
  return {
    id,
    user: h.o!,
    sessionId: h.s!,
    endpoint: h.u!,
    p256dh: h.p!,
    auth: h.h!,
    createdAt: Number(h.c),
    ackedId: Number(h.k ?? 0),
    ...(h.ok === undefined ? {} : { lastSuccessAt: Number(h.ok) }),
    ...(h.e === undefined ? {} : { lastError: h.e }),
    ...(h.a === undefined ? {} : { lastErrorAt: Number(h.a) }),
    failures: Number(h.f ?? 0),
  };
}
