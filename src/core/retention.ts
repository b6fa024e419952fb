import type { RetentionPolicy, Store } from '../store/store.js';
import type { Delivery } from './delivery.js';

export interface RetentionOptions {
  /** Delivered messages kept per user for resume. @default 1_000 */
  readonly keepDelivered: number;
  /** Delivered messages older than this are pruned. @default 86_400_000 (24 h) */
  readonly retainMs: number;
  /** How often the pruner runs. @default 60_000 (1 min) */
  readonly intervalMs: number;
  /** Queue rows removed per step; steps repeat, yielding between them, until the store is within the policy. */
  readonly batch: number;
  readonly now: () => number;
}

/** Prunes delivered messages past the window in the background, in bounded batches, yielding between them. */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly delivery: Delivery,
    private readonly options: RetentionOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.run(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One full pass; concurrent calls share it. */
  run(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const { keepDelivered, retainMs, batch, now } = this.options;
    const policy: RetentionPolicy = { keepDelivered, olderThan: now() - retainMs, batch };
    for (;;) {
      const result = await this.store.prune(policy);
      this.delivery.pruned(result.cursors);
      if (result.removed < batch) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
