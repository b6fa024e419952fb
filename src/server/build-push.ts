import type { Config } from '../config/schema.js';
import type { Blocks } from '../core/chat/blocks.js';
import type { Conversations } from '../core/chat/conversations.js';
import type { Delivery } from '../core/delivery/delivery.js';
import { OnlineUsers } from '../core/delivery/online-users.js';
import { ChatError } from '../core/errors.js';
import { NotifySettings } from '../core/notify/notify-settings.js';
import { PushDeliveries } from '../core/notify/push-deliveries.js';
import { PushSubscriptions } from '../core/notify/push-subscriptions.js';
import type { Feed, FeedEvent, PushCall, PushSender, PushTarget, Store } from '../core/ports/index.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { newVapidKeys } from '../push/vapid-keys.js';
import { WebPushSender } from '../push/web-push-sender.js';

/** Push subscriptions one user may have: a phone, a laptop, a browser or two more. */
const maxSubscriptionsPerUser = 10;
/** How long a push service may keep a push for a device that is away, and this server retry one (s). */
const pushTtlSeconds = 86_400;
/** How long one request to a push service may take before it counts as failed (ms). */
const pushTimeoutMs = 10_000;

export interface PushParts {
  readonly store: Store;
  readonly feed: Feed;
  readonly blocks: Blocks;
  readonly conversations: Conversations;
  readonly delivery: Delivery;
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics?: Metrics;
}

/**
 * Being told when away: the settings every device follows, the subscriptions, and their deliveries. The sender
 * exists once `start` has read the server's VAPID key pair from the store (made there by the first process).
 */
export function buildPush(config: Config, parts: PushParts) {
  const { store, feed, blocks, conversations, delivery, log, now, metrics } = parts;
  const pushLog = log.child({ module: 'push' });
  const online = new OnlineUsers(feed, (err) => pushLog.warn({ err }, 'reading who is online failed'));
  const sender = new KeyedSender();
  const deliveries = new PushDeliveries(
    store,
    sender,
    {
      // One loop per browser that subscribed, on every process: idle ones renew their lease every 10 s and read
      // their queue once a minute unwoken (the feed wakes a holder when something arrives for its user).
      leaseMs: 3 * pushTimeoutMs + 5_000,
      idleMs: 10_000,
      pollMs: 60_000,
      firstBackoffMs: 1_000,
      maxBackoffMs: 300_000,
      pageSize: 100,
      recordEveryMs: 250,
    },
    { holdMs: config.pushHoldMs, ttlSeconds: pushTtlSeconds, content: config.pushContent === 'full' },
    {
      online: (user) => online.has(user),
      blocks: (user, sender) => blocks.has(user, sender),
      pushed: () => metrics?.push('accepted'),
      failed: (subscription, error) => {
        metrics?.push('failed');
        pushLog.info({ subscription, error }, 'a push failed; it will be tried again within its TTL');
      },
      removed: (subscription, user) => {
        metrics?.push('gone');
        pushLog.info({ subscription, user }, 'a push subscription is gone; it was removed');
      },
      error: (subscription, err) => pushLog.warn({ err, subscription }, 'push delivery stopped for a moment'),
    },
    now,
  );
  return {
    settings: new NotifySettings(store, conversations, delivery, now),
    subscriptions: new PushSubscriptions(
      store,
      sender,
      { maxPerUser: maxSubscriptionsPerUser },
      (id) => deliveries.added(id),
      now,
    ),
    deliveries,
    notice(event: FeedEvent): void {
      online.notice(event);
      deliveries.notice(event);
    },
    async start(): Promise<void> {
      const keys = await store.vapidKeys(newVapidKeys);
      sender.use(
        new WebPushSender({
          vapid: { subject: config.vapidSubject, ...keys },
          allowPrivate: config.pushAllowPrivate,
          timeoutMs: pushTimeoutMs,
        }),
      );
      await online.load();
      await deliveries.start();
    },
    async stop(): Promise<void> {
      await deliveries.stop();
      sender.close();
    },
  };
}

/** The sender once the key pair is read; before that (the server is starting), unavailable. */
class KeyedSender implements PushSender {
  private sender: WebPushSender | undefined;

  use(sender: WebPushSender): void {
    this.sender = sender;
  }

  get publicKey(): string {
    return this.ready().publicKey;
  }

  check(target: PushTarget): Promise<void> {
    return this.ready().check(target);
  }

  send(call: PushCall) {
    return this.ready().send(call);
  }

  close(): void {
    this.sender?.close();
  }

  private ready(): WebPushSender {
    if (!this.sender) throw new ChatError('unavailable', 'the server is starting');
    return this.sender;
  }
}
