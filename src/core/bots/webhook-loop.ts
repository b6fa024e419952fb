import type { QueueRow, Store, StoredWebhook, WebhookSender } from '../ports/index.js';
import { lostBody, webhookBody } from './webhook-event.js';

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
  /**
   * How long acknowledged positions may wait to be stored together (ms): in a burst one write covers many posts,
   * and a crash re-posts at most that much (a receiver may see an event twice, never miss one).
   */
  readonly recordEveryMs: number;
}

export interface WebhookLoopHooks {
  /** A row was acknowledged; `reply` is what the receiver answered with, if anything. */
  delivered(bot: string, row: QueueRow, reply: string | undefined): void;
  failed(bot: string, id: string, error: string): void;
  error(bot: string, err: unknown): void;
}

/** One post to make: a row of the queue, or the news that rows were lost, and the position it acknowledges. */
interface Post {
  readonly id: string;
  readonly body: string;
  readonly ackedId: number;
  readonly row?: QueueRow;
}

/**
 * The device that is a bot's webhook, on one process: while this process holds the bot's lease, it posts every
 * row after the stored position, in order, one at a time, each until a 2xx, and moves the position after each.
 * The lease (see WebhookStore) makes it the only process posting for the bot; a receiver may see a row twice
 * (a crash between its 2xx and the position's write), never a gap or a row out of order. Rows retention pruned
 * before the webhook had them are announced as a stream announces them: a `lost` event. (The position lives in
 * the store with the rows, so a store that goes back in time takes it back too: unlike a device's Last-Event-ID,
 * it is never ahead of what the store holds.)
 */
export class WebhookLoop {
  private stopped = false;
  private leasedAt = 0;
  private failures = 0;
  /** The last acknowledgement not stored yet, and when the last one was. */
  private unrecorded: { ackedId: number; at: number } | undefined;
  private recordedAt = 0;
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
    await this.record().catch(() => undefined);
    await this.store.releaseWebhook(this.bot, this.holder).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.lease())) {
          await this.sleep(this.timing.idleMs, true);
          continue;
        }
        const webhook = await this.store.findWebhook(this.bot);
        if (!webhook) return;
        this.pending = false;
        const page = await this.store.readQueue(this.bot, webhook.ackedId, this.timing.pageSize);
        if (page.prunedId > webhook.ackedId) {
          const [after, through] = [String(webhook.ackedId), String(page.prunedId)];
          const data = { reason: 'retention', after, through };
          await this.deliver(webhook, { id: `lost:${through}`, body: lostBody(through, data), ackedId: page.prunedId });
          continue;
        }
        if (page.rows.length === 0) {
          await this.sleep(this.timing.idleMs, true);
          continue;
        }
        for (const row of page.rows) {
          const post = { id: String(row.id), body: webhookBody(row), ackedId: row.id, row };
          if (this.stopped || !(await this.deliver(webhook, post))) break;
        }
        await this.record();
      } catch (err) {
        // The store unreachable, most likely: the position is stored, so trying again later loses nothing.
        this.hooks.error(this.bot, err);
        this.leasedAt = 0;
        await this.sleep(this.timing.idleMs, false);
      }
    }
  }

  /** Posts once, and records how it went; true when the next one may follow at once. */
  private async deliver(webhook: StoredWebhook, post: Post): Promise<boolean> {
    if (!(await this.lease())) return false;
    const outcome = await this.sender.post({ url: webhook.url, secret: webhook.secret, id: post.id, body: post.body });
    const at = this.now();
    if (!outcome.ok) {
      this.failures++;
      await this.record();
      if (!(await this.store.recordWebhookAttempt(this.bot, this.holder, { at, error: outcome.error })))
        this.leasedAt = 0;
      this.hooks.failed(this.bot, post.id, outcome.error);
      await this.sleep(this.backoff(), false);
      return false;
    }
    this.failures = 0;
    this.unrecorded = { ackedId: Math.max(post.ackedId, this.unrecorded?.ackedId ?? 0), at };
    if ((post.row === undefined || at - this.recordedAt >= this.timing.recordEveryMs) && !(await this.record())) {
      return false;
    }
    if (post.row) {
      // The webhook is one of the bot's devices: what it acknowledged counts as delivered, for queue limits and
      // retention alike.
      this.store.markDelivered(this.bot, post.row.id);
      this.hooks.delivered(this.bot, post.row, outcome.reply);
    }
    return true;
  }

  /**
   * Stores the last acknowledgement, if one waits; false when the lease was lost meanwhile (the new holder posts
   * from the stored position again, and the position is theirs to move).
   */
  private async record(): Promise<boolean> {
    const acked = this.unrecorded;
    if (!acked) return true;
    this.unrecorded = undefined;
    this.recordedAt = acked.at;
    if (await this.store.recordWebhookAttempt(this.bot, this.holder, acked)) return true;
    this.leasedAt = 0;
    return false;
  }

  /** Holds the lease, renewing it once a third of it has passed; false while another process holds it. */
  private async lease(): Promise<boolean> {
    const now = this.now();
    if (this.leasedAt !== 0 && now - this.leasedAt < this.timing.leaseMs / 3) return true;
    const held = await this.store.leaseWebhook(this.bot, this.holder, now, this.timing.leaseMs);
    this.leasedAt = held ? now : 0;
    return held;
  }

  private backoff(): number {
    return Math.min(this.timing.maxBackoffMs, this.timing.firstBackoffMs * 2 ** Math.min(this.failures - 1, 30));
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
