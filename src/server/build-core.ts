import type { Config } from '../config/schema.js';
import { Accounts } from '../core/accounts/accounts.js';
import { OwnAccount } from '../core/accounts/own-account.js';
import { Admin } from '../core/admin/admin.js';
import { Invites } from '../core/admin/invites.js';
import { Blocks } from '../core/chat/blocks.js';
import type { Bots } from '../core/bots/bots.js';
import type { WebhookDeliveries } from '../core/bots/webhook-deliveries.js';
import type { Hooks } from '../core/hooks/hooks.js';
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
import { Search } from '../core/search/search.js';
import { perInterval, perMinute } from '../limits/rate-window.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { buildIntegrations } from './build-integrations.js';
import { buildPush } from './build-push.js';
import type { NotifySettings } from '../core/notify/notify-settings.js';
import type { PushSubscriptions } from '../core/notify/push-subscriptions.js';
import type { PushDeliveries } from '../core/notify/push-deliveries.js';
import type { Backend } from './open-backend.js';
import type { FeedEvent } from '../core/ports/index.js';

/** The core, wired to its backend; `start` follows the feed and starts the timers, `stop` ends them. */
export interface Core {
  readonly accounts: Accounts;
  readonly admin: Admin;
  readonly blocks: Blocks;
  readonly invites: Invites;
  readonly bots: Bots;
  readonly chat: Chat;
  readonly hooks: Hooks;
  readonly webhooks: WebhookDeliveries;
  readonly conversations: Conversations;
  readonly search: Search;
  readonly notifySettings: NotifySettings;
  readonly pushSubscriptions: PushSubscriptions;
  readonly pushDeliveries: PushDeliveries;
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
    registration: config.registration,
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
  const blocks = new Blocks(store, accounts, delivery, now);
  const conversations = new Conversations(store, directory, delivery, now);
  const push = buildPush(config, {
    store,
    feed,
    blocks,
    conversations,
    delivery,
    log,
    now,
    ...(metrics ? { metrics } : {}),
  });
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
        // Each reaches every phone of a group: three at once, then one per ten minutes.
        everyone: budgets('everyone', perInterval(3, 600_000)),
      },
    },
    now,
    metrics?.chat,
    blocks,
    push.settings,
  );
  const operator = new Operator(accounts, directory, delivery, chat.groups, store, now);
  const admin = new Admin(store, accounts, chat, delivery, now);
  chat.suspension = (actor, name, suspended) => admin.setSuspended(actor, name, suspended);
  const invites = new Invites(store, config.membersInvite, now);
  const { bots, hooks, webhooks, sender } = buildIntegrations(config, {
    store,
    budgets,
    accounts,
    directory,
    chat,
    delivery,
    operator,
    log,
    now,
    ...(metrics ? { metrics } : {}),
  });
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
    admin,
    blocks,
    invites,
    bots,
    chat,
    hooks,
    webhooks,
    conversations,
    search: new Search(store, conversations),
    notifySettings: push.settings,
    pushSubscriptions: push.subscriptions,
    pushDeliveries: push.deliveries,
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
      await blocks.load();
      await feed.start((event) => {
        follow(event);
        webhooks.notice(event);
        push.notice(event);
        followBlocks(blocks, event, feedLog);
      });
      delivery.restore(await store.lastMessageId());
      await webhooks.start();
      await push.start();
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
      await push.stop();
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

/** Keeps the blocks in memory as the feed tells of them; after a gap, they are read again from the store. */
function followBlocks(blocks: Blocks, event: FeedEvent, log: Logger): void {
  if (event.kind === 'event') blocks.heard(event.event, event.recipients);
  else if (event.kind === 'deleted') blocks.forget(event.name);
  else if (event.kind === 'gap') rereadBlocks(blocks, log, 30);
}

/** Reads the blocks again after a gap; while the store is still away (its usual cause), again a second later. */
function rereadBlocks(blocks: Blocks, log: Logger, triesLeft: number): void {
  blocks.reload().catch((err: unknown) => {
    if (!(err instanceof ChatError && err.code === 'unavailable') || triesLeft <= 1) {
      log.error({ err }, 'reading blocks again failed');
      return;
    }
    log.debug({ err }, 'blocks not read again yet: the store is away');
    setTimeout(() => rereadBlocks(blocks, log, triesLeft - 1), 1_000).unref();
  });
}
