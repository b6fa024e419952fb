import type { Config } from '../config/schema.js';
import type { Accounts } from '../core/accounts/accounts.js';
import { Bots } from '../core/bots/bots.js';
import { WebhookDeliveries } from '../core/bots/webhook-deliveries.js';
import type { Chat } from '../core/chat/chat.js';
import type { Directory } from '../core/chat/directory.js';
import type { Delivery } from '../core/delivery/delivery.js';
import { Hooks } from '../core/hooks/hooks.js';
import type { Operator } from '../core/operator.js';
import type { BudgetFactory, Store } from '../core/ports/index.js';
import { perMinute } from '../limits/rate-window.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { HttpWebhookSender } from '../webhooks/http-webhook-sender.js';

/** Bots one user may own. */
const maxBotsPerUser = 20;
/** Incoming hooks one user or bot may own. */
const maxHooksPerUser = 100;
/** Refused posts in a row after which a hook's owner is told (and again after as many more). */
const hookFailingAfter = 5;

export interface IntegrationParts {
  readonly store: Store;
  readonly budgets: BudgetFactory;
  readonly accounts: Accounts;
  readonly directory: Directory;
  readonly chat: Chat;
  readonly delivery: Delivery;
  readonly operator: Operator;
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics?: Metrics;
}

/** What programs use: bots and their webhooks' deliveries, incoming hooks, and the sender that posts to bots. */
export function buildIntegrations(config: Config, parts: IntegrationParts) {
  const { store, budgets, accounts, directory, chat, delivery, operator, log, now, metrics } = parts;
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
    async (hook, failures, error) => {
      hookLog.warn({ hook: hook.id, owner: hook.owner, failures, lastError: error }, 'a hook keeps failing');
      // Told as a message to its owner, from the owner's own hook, so that every device of theirs shows it.
      await delivery.send(
        {
          from: hook.owner,
          bot: true,
          displayName: `hook ${hook.name ?? hook.id}`,
          kind: 'direct',
          text: `Your hook ${hook.name ?? hook.id} (to ${hook.to}) refused its last ${failures} posts. The last error: ${error}`,
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
      recordEveryMs: 250,
    },
    {
      async reply(bot, to, text, inReplyTo) {
        const actor = { name: bot, sessionId: 'webhook', bot: true as const };
        const cutText = cutTo(text, config.maxTextLength);
        // Keyed by the event, so that a post answered twice (a retry after a lost acknowledgement) replies once.
        await chat.execute(
          actor,
          { kind: 'send', to, text: cutText },
          { idempotencyKey: `webhook-reply:${inReplyTo}` },
        );
      },
      delivered: () => metrics?.webhookPost('acknowledged'),
      failed: (bot, id, error) => {
        metrics?.webhookPost('failed');
        webhookLog.info({ bot, id, error }, 'a webhook post failed; it will be tried again');
      },
      error: (err, bot) => webhookLog.warn({ err, bot }, 'webhook delivery stopped for a moment'),
    },
    now,
  );
  const bots = new Bots(
    store,
    accounts,
    sender,
    { maxPerOwner: maxBotsPerUser },
    (name) => operator.deleteUser(name),
    now,
    (bot) => webhooks.webhookSet(bot),
  );
  return { bots, hooks, webhooks, sender };
}

/** At most `max` UTF-16 code units of `text`, never half of a surrogate pair. */
function cutTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}
