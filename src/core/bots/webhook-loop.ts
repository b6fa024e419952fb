import { DeviceLoop, type DeviceTiming, type Handled, type LostRows } from '../devices/device-loop.js';
import type { QueueRow, Store, StoredWebhook, WebhookSender } from '../ports/index.js';
import { lostBody, webhookBody } from './webhook-event.js';

export type WebhookTiming = DeviceTiming;

export interface WebhookLoopHooks {
  /** A row was acknowledged; `reply` is what the receiver answered with, if anything. */
  delivered(bot: string, row: QueueRow, reply: string | undefined): void;
  failed(bot: string, id: string, error: string): void;
  error(bot: string, err: unknown): void;
}

/** A webhook, as a device: its bot's queue, from its stored position. */
type WebhookDevice = StoredWebhook & { readonly user: string };

/**
 * The device that is a bot's webhook, on one process (see DeviceLoop): every row after the stored position is
 * posted, in order, one at a time, each until a 2xx. Rows retention pruned before the webhook had them are
 * announced as a stream announces them: a `lost` event.
 */
export class WebhookLoop extends DeviceLoop<WebhookDevice> {
  constructor(
    readonly bot: string,
    holder: string,
    store: Store,
    private readonly sender: WebhookSender,
    timing: WebhookTiming,
    private readonly hooks: WebhookLoopHooks,
    now: () => number,
  ) {
    super(
      bot,
      holder,
      store,
      {
        find: async () => {
          const webhook = await store.findWebhook(bot);
          return webhook && { ...webhook, user: bot };
        },
        lease: (holder, at, ttlMs) => store.leaseWebhook(bot, holder, at, ttlMs),
        record: (holder, attempt) => store.recordWebhookAttempt(bot, holder, attempt),
        release: (holder) => store.releaseWebhook(bot, holder),
      },
      timing,
      now,
    );
    this.start();
  }

  protected async handle(webhook: WebhookDevice, row: QueueRow): Promise<Handled> {
    const outcome = await this.post(webhook, String(row.id), webhookBody(row));
    if (!outcome.ok) return { done: false, error: outcome.error };
    // The webhook is one of the bot's devices: what it acknowledged counts as delivered, for queue limits and
    // retention alike.
    this.store.markDelivered(this.bot, row.id);
    this.hooks.delivered(this.bot, row, outcome.reply);
    return { done: true };
  }

  protected async handleLost(webhook: WebhookDevice, { after, through }: LostRows): Promise<Handled> {
    const data = { reason: 'retention', after: String(after), through: String(through) };
    const outcome = await this.post(webhook, `lost:${through}`, lostBody(String(through), data));
    return outcome.ok ? { done: true, now: true } : { done: false, error: outcome.error };
  }

  protected override failed(id: string, error: string): void {
    this.hooks.failed(this.bot, id, error);
  }

  protected error(err: unknown): void {
    this.hooks.error(this.bot, err);
  }

  private post(webhook: StoredWebhook, id: string, body: string) {
    return this.sender.post({ url: webhook.url, secret: webhook.secret, id, body });
  }
}
