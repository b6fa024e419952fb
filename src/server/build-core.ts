import type { Config } from '../config/schema.js';
import { Accounts } from '../core/accounts/accounts.js';
import { OwnAccount } from '../core/accounts/own-account.js';
import { Bots } from '../core/bots/bots.js';
import { WebhookDeliveries } from '../core/bots/webhook-deliveries.js';
import { Hooks } from '../core/hooks/hooks.js';
import { Chat } from '../core/chat/chat.js';
import { Conversations } from '../core/chat/conversations.js';
import { Directory } from '../core/chat/directory.js';
import { Delivery } from '../core/delivery/delivery.js';
import { followFeed } from '../core/delivery/follow-feed.js';
import { Presence } from '../core/delivery/presence.js';
import { StreamUpkeep } from '../core/delivery/stream-upkeep.js';
import { ChatError } from '../core/errors.js';
import { assignedAt } from '../core/ids.js';
import { Operator } from '../core/operator.js';
import { Retention } from '../core/retention.js';
import { perInterval, perMinute } from '../limits/rate-window.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { HttpWebhookSender } from '../webhooks/http-webhook-sender.js';
import type { Backend } from './open-backend.js';

/** Bots one user may own. */
const maxBotsPerUser = 20;
/** Incoming hooks one user or bot may own. */
const maxHooksPerUser = 100;
/** Refused posts in a row after which a hook's owner is told (and again after as many more). */
const hookFailingAfter = 5;

/** The core, wired to its backend; `start` follows the feed and starts the timers, `stop` ends them. */
export interface Core {
  readonly accounts: Accounts;
  readonly bots: Bots;
  readonly chat: Chat;
  readonly hooks: Hooks;
  readonly webhooks: WebhookDeliveries;
  readonly conversations: Conversations;
  readonly delivery: Delivery;
  readonly ownAccount: OwnAccount;
  readonly operator: Operator;
  start(): Promise<void>;
  /** Stops what writes to streams on its own (heartbeats, presence), before the streams end. */
  quiet(): void;
  stop(): Promise<void>;
}

export interface CoreOptions {
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics?: Metrics;
}

/** Builds the core from the configuration and the backend's ports; nothing runs until `start`. */
export function buildCore(config: Config, backend: Backend, { log, now, metrics }: CoreOptions): Core {
  const { store, feed, budgets } = backend;
  const directory = new Directory(store);
  const accounts = new Accounts(store, directory, {
    scrypt: { N: config.scryptCost, r: 8, p: 1 },
    sessionTtlMs: config.sessionTtlMs,
    now,
    sessionCache: backend.sessionCache,
    login: {
      perPair: budgets('login-pair', perInterval(config.loginPairFailures, config.loginBackoffMs)),
      perAddress: budgets('login-address', perInterval(config.loginAddressFailures, config.loginBackoffMs)),
      perAccount: budgets('login-account', perInterval(config.loginAccountFailures, config.loginBackoffMs)),
    },
  });
  const deliveryLog = log.child({ module: 'delivery' });
  const delivery = new Delivery(
    store,
    feed,
    {
      queueLimit: config.queueLimit,
      maxStreamsPerUser: config.maxStreamsPerUser,
      maxStreams: config.maxStreams,
      slowConsumerMs: config.slowConsumerMs,
    },
    {
      onError: (err, user) => deliveryLog.error({ err, user }, 'delivery failed'),
      onWentBack: (lastId, seenId) =>
        deliveryLog.warn(
          wentBack(lastId, seenId),
          'the store went back in time: the messages after its last id are lost; devices that saw them are ' +
            'told so when they resume',
        ),
    },
  );
  const presence = new Presence(config.presenceDelayMs, (event) =>
    delivery.broadcastControl((sink) => sink.presence(event), true),
  );
  const chat = new Chat(
    store,
    directory,
    accounts,
    delivery,
    {
      maxTextLength: config.maxTextLength,
      maxGroupsPerUser: config.maxGroupsPerUser,
      editWindowMs: config.editWindowMs,
      rates: {
        message: budgets('message', perMinute(config.messageRate, config.messageBurst)),
        broadcast: budgets('broadcast', perMinute(config.broadcastRate, config.broadcastBurst)),
        group: budgets('group', perMinute(config.groupRate, config.groupBurst)),
      },
    },
    now,
    metrics?.chat,
  );
  const sender = new HttpWebhookSender({
    allowPrivate: config.webhookAllowPrivate,
    timeoutMs: config.webhookTimeoutMs,
    userAgent: 'Parley-Webhooks/1',
  });
  const hookLog = log.child({ module: 'hooks' });
  const hooks = new Hooks(
    store,
    chat,
    accounts,
    directory,
    {
      maxPerOwner: maxHooksPerUser,
      maxTextLength: config.maxTextLength,
      rate: budgets('hook', perMinute(config.hookRate, config.hookRate)),
      failingAfter: hookFailingAfter,
    },
    now,
    async (hook, failures) => {
      hookLog.warn({ hook: hook.id, owner: hook.owner, failures, lastError: hook.lastError }, 'a hook keeps failing');
      // Told as a message to its owner, from the owner's own hook, so that every device of theirs shows it.
      await delivery.send(
        {
          from: hook.owner,
          bot: true,
          displayName: `hook ${hook.name ?? hook.id}`,
          kind: 'direct',
          text: `Your hook ${hook.name ?? hook.id} (to ${hook.to}) refused its last ${failures} posts. The last error: ${hook.lastError ?? 'unknown'}`,
          sentAt: now(),
        },
        [hook.owner],
      );
    },
  );
  const webhookLog = log.child({ module: 'webhooks' });
  const webhooks = new WebhookDeliveries(
    store,
    sender,
    {
      // A post never outlives the lease it started under: the lease is renewed when a third of it has passed.
      leaseMs: 3 * config.webhookTimeoutMs + 5_000,
      idleMs: 2_000,
      firstBackoffMs: 1_000,
      maxBackoffMs: 300_000,
      pageSize: 100,
    },
    {
      async reply(bot, to, text, inReplyTo) {
        const actor = { name: bot, sessionId: 'webhook', bot: true as const };
        const cutText = text.length > config.maxTextLength ? text.slice(0, config.maxTextLength) : text;
        // Keyed by the event, so that a post answered twice (a retry after a lost acknowledgement) replies once.
        await chat.execute(
          actor,
          { kind: 'send', to, text: cutText },
          { idempotencyKey: `webhook-reply:${inReplyTo}` },
        );
      },
      failed: (bot, id, error) => webhookLog.info({ bot, id, error }, 'a webhook post failed; it will be tried again'),
      error: (err, bot) => webhookLog.warn({ err, bot }, 'webhook delivery stopped for a moment'),
    },
    now,
  );
  const operator = new Operator(accounts, directory, delivery, chat.groups);
  const bots = new Bots(
    store,
    accounts,
    sender,
    { maxPerOwner: maxBotsPerUser },
    (name) => operator.deleteUser(name),
    now,
    (bot) => webhooks.webhookSet(bot),
  );
  const retention = new Retention(store, {
    retainMs: config.retainMs,
    intervalMs: config.pruneIntervalMs,
    batch: 5_000,
    now,
    onPruned: (removed) =>
      log.info(
        { module: 'retention', removed, retainMs: config.retainMs },
        'pruned delivered messages past the retention window',
      ),
    onError: (err) => log.error({ module: 'retention', err }, 'a retention pass failed'),
  });
  const upkeep = new StreamUpkeep(delivery, accounts, config.heartbeatMs, (err) => {
    // An unreachable store is logged once by its connection; the check runs again at the next heartbeat.
    if (err instanceof ChatError && err.code === 'unavailable') log.debug({ err }, 'session expiry check postponed');
    else log.error({ err }, 'session expiry check failed');
  });
  const feedLog = log.child({ module: 'feed' });

  return {
    accounts,
    bots,
    chat,
    hooks,
    webhooks,
    conversations: new Conversations(store, directory, delivery, now),
    delivery,
    ownAccount: new OwnAccount(accounts, delivery, operator),
    operator,
    async start() {
      for (const user of await store.loadUsers()) {
        accounts.remember(user.name, user.passwordHash, user.createdAt, user.owner);
      }
      for (const group of await store.loadGroups()) directory.addGroup(group);
      // The feed first, then the last id: every id above it reaches this process through the feed.
      const follow = followFeed({
        accounts,
        directory,
        delivery,
        presence,
        onError: (err) => feedLog.error({ err }, 'following the feed failed'),
      });
      await feed.start((event) => {
        follow(event);
        webhooks.notice(event);
      });
      delivery.restore(await store.lastMessageId());
      await webhooks.start();
      upkeep.start();
      retention.start();
    },
    quiet() {
      upkeep.stop();
      presence.stop();
    },
    async stop() {
      upkeep.stop();
      presence.stop();
      await retention.stop();
      await webhooks.stop();
      sender.close();
      await feed.stop();
    },
  };
}

/** What a store that went back lost, for the log: the ids, and when they were assigned. */
function wentBack(lastId: number, seenId: number): Record<string, unknown> {
  return {
    lastId,
    seenId,
    lostFrom: new Date(assignedAt(lastId)).toISOString(),
    lostThrough: new Date(assignedAt(seenId)).toISOString(),
  };
}
