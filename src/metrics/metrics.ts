import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChatObserver } from '../core/chat/chat.js';
import type { Delivery } from '../core/delivery/delivery.js';
import type { MessageKind } from '../core/msgform.js';

/** What the gauges read at scrape time. */
export type DeliveryStats = () => ReturnType<Delivery['stats']>;
/** Messages waiting for a stream, over all users: the store's count. */
export type PendingCount = () => Promise<number>;

export interface Metrics {
  readonly registry: Registry;
  readonly chat: ChatObserver;
  /** Requests and refusals, in the shape the HTTP layer tells them (its HttpObserver). */
  readonly http: {
    request(method: string, route: string, status: number, seconds: number): void;
    refused(code: string): void;
  };
  /** For the store's group commit. */
  readonly storeCommit: (durationMs: number, batchSize: number) => void;
  /** One post to a bot's webhook: acknowledged (2xx) or failed (to be tried again). */
  readonly webhookPost: (outcome: 'acknowledged' | 'failed') => void;
  /** One push to a device: accepted by its push service, failed (tried again within its TTL), or gone (removed). */
  readonly push: (outcome: 'accepted' | 'failed' | 'gone') => void;
}

const kinds: readonly MessageKind[] = ['direct', 'group', 'broadcast'];

/**
 * Parley's metrics in a registry of their own, with Node's default process metrics. The hot path only adds to
 * counters and histograms; everything the core already counts is read when Prometheus scrapes.
 */
export function createMetrics(stats: DeliveryStats, pending: PendingCount): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new Gauge({
    name: 'parley_streams_open',
    help: 'Event streams open now',
    registers,
    collect() {
      this.set(stats().streamsOpen);
    },
  });
  new Gauge({
    name: 'parley_users_online',
    help: 'Users with at least one stream open now',
    registers,
    collect() {
      this.set(stats().usersOnline);
    },
  });
  new Gauge({
    name: 'parley_queue_pending',
    help: 'Messages waiting to be written to a stream, over all users',
    registers,
    async collect() {
      this.set(await pending());
    },
  });
  new Counter({
    name: 'parley_deliveries_total',
    help: 'Messages written to streams since start (one per recipient stream)',
    registers,
    collect() {
      this.reset();
      this.inc(stats().deliveries);
    },
  });

  const accepted = new Counter({
    name: 'parley_messages_accepted_total',
    help: 'Messages stored and answered 202, by kind',
    labelNames: ['kind'] as const,
    registers,
  });
  const acceptedBy = Object.fromEntries(kinds.map((kind) => [kind, accepted.labels(kind)])) as Record<
    MessageKind,
    { inc(): void }
  >;

  const refusals = new Counter({
    name: 'parley_refusals_total',
    help: 'Requests refused by a limit, by problem code, and streams closed as slow consumers (code slow_consumer)',
    labelNames: ['code'] as const,
    registers,
  });

  const requests = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help:
      'Time from a request to the end of its response, by route pattern and status; for a stream, how ' +
      'long it was open',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  // One child per label set, looked up by one string: cheaper than prom-client hashing a label object each time.
  const requestsBy = new Map<string, { observe(value: number): void }>();

  const commitSeconds = new Histogram({
    name: 'parley_store_commit_duration_seconds',
    help: 'Duration of a store commit, fsync included',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers,
  });
  const commitBatch = new Histogram({
    name: 'parley_store_commit_batch_size',
    help: 'Writes carried by one store commit (group commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers,
  });

  const webhookPosts = new Counter({
    name: 'parley_webhook_posts_total',
    help: "Posts to bots' outgoing webhooks, by outcome: acknowledged (a 2xx) or failed (tried again later)",
    labelNames: ['outcome'] as const,
    registers,
  });
  const postsBy = { acknowledged: webhookPosts.labels('acknowledged'), failed: webhookPosts.labels('failed') };

  const pushes = new Counter({
    name: 'parley_pushes_total',
    help: 'Web Push requests, by outcome: accepted (a 2xx), failed (tried again within its TTL) or gone (the subscription was removed)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const pushesBy = {
    accepted: pushes.labels('accepted'),
    failed: pushes.labels('failed'),
    gone: pushes.labels('gone'),
  };

  return {
    registry,
    webhookPost: (outcome) => postsBy[outcome].inc(),
    push: (outcome) => pushesBy[outcome].inc(),
    chat: { accepted: (kind) => acceptedBy[kind].inc() },
    http: {
      request(method, route, status, seconds) {
        const key = `${method} ${route} ${status}`;
        let child = requestsBy.get(key);
        if (!child) {
          child = requests.labels(method, route, String(status));
          requestsBy.set(key, child);
        }
        child.observe(seconds);
      },
      refused: (code) => refusals.labels(code).inc(),
    },
    storeCommit(durationMs, batchSize) {
      commitSeconds.observe(durationMs / 1000);
      commitBatch.observe(batchSize);
    },
  };
}
