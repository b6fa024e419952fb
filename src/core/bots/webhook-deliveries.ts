import { DeviceFleet } from '../devices/device-fleet.js';
import type { FeedEvent, QueueRow, Store, WebhookSender } from '../ports/index.js';
import { replyTarget } from './webhook-event.js';
import { WebhookLoop, type WebhookTiming } from './webhook-loop.js';

export interface WebhookDeliveryEvents {
  /** A receiver answered a message with text: post it as the bot's reply to `to`. */
  reply(bot: string, to: string, text: string, inReplyTo: number): Promise<void>;
  delivered?(bot: string, id: number): void;
  failed?(bot: string, id: string, error: string): void;
  error(err: unknown, bot?: string): void;
}

/** Every bot's webhook, as seen from this process: a fleet of devices (see DeviceFleet), one per bot. */
export class WebhookDeliveries {
  private readonly fleet: DeviceFleet<WebhookLoop>;

  constructor(
    store: Store,
    sender: WebhookSender,
    timing: WebhookTiming,
    private readonly events: WebhookDeliveryEvents,
    now: () => number,
  ) {
    this.fleet = new DeviceFleet(
      {
        keys: () => store.webhookBots(),
        loop: (bot, holder) => new WebhookLoop(bot, holder, store, sender, timing, this.loopHooks, now),
        error: (err) => events.error(err),
      },
      timing.idleMs,
    );
  }

  start(): Promise<void> {
    return this.fleet.start();
  }

  /** A feed event: wakes the loops of the bots it reaches (a broadcast reaches them all). */
  notice(event: FeedEvent): void {
    this.fleet.notice(event);
  }

  /** Looks for a webhook now (one was just set here), instead of at the next scan. */
  webhookSet(bot: string): void {
    this.fleet.added(bot);
  }

  stop(): Promise<void> {
    return this.fleet.stop();
  }

  private readonly loopHooks = {
    delivered: (bot: string, row: QueueRow, reply: string | undefined) => {
      this.events.delivered?.(bot, row.id);
      const to = replyTarget(row);
      if (reply === undefined || reply.trim() === '' || to === undefined) return;
      this.events.reply(bot, to, reply, row.id).catch((err: unknown) => this.events.error(err, bot));
    },
    failed: (bot: string, id: string, error: string) => this.events.failed?.(bot, id, error),
    error: (bot: string, err: unknown) => this.events.error(err, bot),
  };
}
