import type { Store, WebhookSender } from '../ports/index.js';
import { webhookBody } from './webhook-event.js';
import type { QueueRow } from '../ports/index.js';

export interface WebhookTiming {
  /** How long a lease lasts unless renewed (ms); it is renewed when a third of it has passed. */
  readonly leaseMs: number;
  /** How often a process without the lease tries for it, and an idle holder looks at the queue (ms). */
  readonly idleMs: number;
  /** The wait after the first failure (ms), doubled after each one up to `maxBackoffMs`. */
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Rows read from the store at a time. */
  readonly pageSize: number;
}

export interface WebhookLoopHooks {
  /** A row was acknowledged; `reply` is what the receiver answered with, if anything. */
  delivered(bot: string, row: QueueRow, reply: string | undefined): void;
  failed(bot: string, id: number, error: string): void;
  error(bot: string, err: unknown): void;
}

/**
 * The device that is a bot's webhook, on one process: while this process holds the bot's lease, it posts every
 * row after the stored position, in order, one at a time, each until a 2xx, and moves the position after each.
 * The lease (see WebhookStore) makes it the only process posting for the bot; a receiver may see a row twice
 * (a crash between its 2xx and the position's write), never a gap or a row out of order.
 */
export class WebhookLoop {
  private stopped = false;
  private leasedAt = 0;
  private wakeUp: (() => void) | undefined;
  private pending = false;
  readonly done: Promise<void>;

  constructor(
    readonly bot: string,
    private readonly holder: string,
    private readonly store: Store,
    private readonly sender: WebhookSender,
    private readonly timing: WebhookTiming,
    private readonly hooks: WebhookLoopHooks,
    private readonly now: () => number,
  ) {
    this.done = this.run();
  }

  /** Something arrived for the bot: an idle loop looks at once. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  /** Ends the loop after the attempt in flight, and gives the lease up so that another process takes over now. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.done;
    await this.store.releaseWebhook(this.bot, this.holder).catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.lease())) {
          await this.sleep(this.timing.idleMs, true);
          continue;
        }
        const webhook = await this.store.findWebhook(this.bot);
        if (!webhook) return;
        this.pending = false;
        const { rows } = await this.store.readQueue(this.bot, webhook.ackedId, this.timing.pageSize);
        if (rows.length === 0) {
          await this.sleep(this.timing.idleMs, true);
          continue;
        }
        for (const row of rows) {
          if (this.stopped || !(await this.lease())) break;
          const body = webhookBody(row);
          const outcome = await this.sender.post({
            url: webhook.url,
            secret: webhook.secret,
            id: String(row.id),
            body,
          });
          const at = this.now();
          if (!outcome.ok) {
            failures++;
            await this.store.recordWebhookAttempt(this.bot, this.holder, { at, error: outcome.error });
            this.hooks.failed(this.bot, row.id, outcome.error);
            await this.sleep(this.backoff(failures), false);
            break;
          }
          failures = 0;
          // A lease lost during the post: the new holder posts this row again, and the position is theirs to move.
          if (!(await this.store.recordWebhookAttempt(this.bot, this.holder, { at, ackedId: row.id }))) break;
          // The webhook is one of the bot's devices: what it acknowledged counts as delivered, for queue limits
          // and retention alike.
          this.store.markDelivered(this.bot, row.id);
          this.hooks.delivered(this.bot, row, outcome.reply);
        }
      } catch (err) {
        // The store unreachable, most likely: the position is stored, so trying again later loses nothing.
        this.hooks.error(this.bot, err);
        this.leasedAt = 0;
        await this.sleep(this.timing.idleMs, false);
      }
    }
  }

  /** Holds the lease, renewing it once a third of it has passed; false while another process holds it. */
  private async lease(): Promise<boolean> {
    const now = this.now();
    if (this.leasedAt !== 0 && now - this.leasedAt < this.timing.leaseMs / 3) return true;
    const held = await this.store.leaseWebhook(this.bot, this.holder, now, this.timing.leaseMs);
    this.leasedAt = held ? now : 0;
    return held;
  }

  private backoff(failures: number): number {
    return Math.min(this.timing.maxBackoffMs, this.timing.firstBackoffMs * 2 ** Math.min(failures - 1, 30));
  }

  /** Waits `ms`, or less when stopped, or (when `wakeable`) when something arrives for the bot. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.pending)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        if (this.stopped || wakeable) done();
      };
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = wake;
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }
}
