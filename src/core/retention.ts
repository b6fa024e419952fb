import type { RetentionPolicy, Store } from './ports/index.js';

export interface RetentionOptions {
  /** Delivered messages older than this are pruned; resume and history reach this far back. @default 2_592_000_000 (30 days) */
  readonly retainMs: number;
  /** How often the pruner runs. @default 60_000 (1 min) */
  readonly intervalMs: number;
  /** Messages removed per step; steps repeat, yielding between them, until the store is within the policy. */
  readonly batch: number;
  readonly now: () => number;
  /** Told how many messages a pass removed, when it removed any. */
  readonly onPruned?: (removed: number) => void;
  /** Told of a pass that failed (the store unreachable, say); the next interval tries again. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Prunes delivered messages past the window in the background, in bounded batches, yielding between them.
 * Streams learn of it from the store itself (each page says how far it pruned), so nothing here tells them.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: RetentionOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.run().catch((err: unknown) => this.options.onError?.(err));
    }, this.options.intervalMs);
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
    const { retainMs, batch, now, onPruned } = this.options;
    const policy: RetentionPolicy = { olderThan: now() - retainMs, batch };
    let removed = 0;
    for (;;) {
      const result = await this.store.prune(policy);
      removed += result.removed;
      if (result.removed < batch) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (removed > 0) onPruned?.(removed);
  }
}
