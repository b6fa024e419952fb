import { randomUUID } from 'node:crypto';
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

/**
 * Every bot's webhook, as seen from this process: a loop per webhook in the store, of which the ones whose lease
 * this process holds post. Loops start as webhooks appear (looked for every `idleMs`) and end when theirs is
 * deleted; the feed wakes them when something arrives for their bot.
 */
export class WebhookDeliveries {
  /** This process, as a lease holder: unique, so that a restarted process never inherits a lease. */
  private readonly holder = randomUUID();
  private readonly loops = new Map<string, WebhookLoop>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly sender: WebhookSender,
    private readonly timing: WebhookTiming,
    private readonly events: WebhookDeliveryEvents,
    private readonly now: () => number,
  ) {}

  async start(): Promise<void> {
    await this.scan();
    this.timer = setInterval(() => void this.scan(), this.timing.idleMs);
    this.timer.unref();
  }

  /** A feed event: wakes the loops of the bots it reaches (a broadcast reaches them all). */
  notice(event: FeedEvent): void {
    if (this.loops.size === 0) return;
    if (event.kind === 'message' && event.message.kind === 'broadcast') {
      for (const loop of this.loops.values()) loop.wake();
    } else if (event.kind === 'message' || event.kind === 'event') {
      for (const name of event.recipients) this.loops.get(name)?.wake();
    } else if (event.kind === 'gap') {
      for (const loop of this.loops.values()) loop.wake();
    }
  }

  /** Looks for a webhook now (one was just set here), instead of at the next scan. */
  webhookSet(bot: string): void {
    if (this.loops.has(bot)) this.loops.get(bot)!.wake();
    else void this.scan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.scanning;
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
    this.loops.clear();
  }

  private scan(): Promise<void> {
    this.scanning ??= this.startLoops().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async startLoops(): Promise<void> {
    let bots: string[];
    try {
      bots = await this.store.webhookBots();
    } catch (err) {
      this.events.error(err);
      return;
    }
    for (const bot of bots) {
      if (this.stopped || this.loops.has(bot)) continue;
      const loop = new WebhookLoop(bot, this.holder, this.store, this.sender, this.timing, this.loopHooks, this.now);
      this.loops.set(bot, loop);
      void loop.done.finally(() => {
        if (this.loops.get(bot) === loop) this.loops.delete(bot);
      });
    }
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
