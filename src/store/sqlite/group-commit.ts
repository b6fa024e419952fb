export interface GroupCommitHooks {
  /** Runs `work` in one transaction and commits it; throws, keeping nothing, when the commit fails. */
  readonly transact: (work: () => void) => void;
  /** Runs one operation inside the open transaction so that its failure undoes its own writes only. */
  readonly isolate: (op: () => unknown) => unknown;
  /** Writes carried by every commit besides the operations (coalesced cursor moves); runs inside it, last. */
  readonly beforeCommit?: () => void;
  /** The commit is durable: what the side writes took is now stored. */
  readonly afterCommit?: () => void;
  /** The commit failed: what `beforeCommit` took must be kept for the next one. */
  readonly afterRollback?: () => void;
  /**
   * Makes every commit so far durable (an fsync of the write-ahead log on libuv's thread pool) and calls `done`.
   * Without it a commit is taken as durable when `transact` returns (`synchronous=FULL`). With it the event loop
   * goes on serving while the disk syncs, and the batches committed meanwhile share the next sync.
   */
  readonly sync?: (done: (err?: Error) => void) => void;
}

export interface GroupCommitOptions {
  /** A batch this large is committed at once instead of at the end of the event-loop turn. @default 1_000 */
  readonly maxBatch: number;
  /** Side writes with no operation to ride on are committed after this long (ms). @default 50 */
  readonly idleDelayMs: number;
  /** Told of every commit: how long it took, fsync included (ms), and how many operations it carried. */
  readonly onCommit?: (durationMs: number, batchSize: number) => void;
}

interface Pending {
  readonly run: () => unknown;
  readonly after: ((result: unknown) => unknown) | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  result?: unknown;
  error?: unknown;
  failed?: boolean;
}

/**
 * Batches concurrent writes into one transaction: every operation submitted during one turn of the event loop
 * (or until `maxBatch` of them wait) is run in order inside one transaction, and once that commit is on disk
 * their promises settle in submission order. One fsync then pays for the whole batch, and with a `sync` hook it
 * runs off the event loop, so that the next batches are taken and committed while the disk syncs.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Batches committed and waiting for a sync to settle, oldest first, with when their commit began. */
  private unsynced: { batch: Pending[]; started: number | undefined }[] = [];
  private syncing: Promise<void> | undefined;
  /** Transactions committed so far. */
  commits = 0;

  constructor(
    private readonly hooks: GroupCommitHooks,
    private readonly options: GroupCommitOptions,
  ) {}

  /**
   * Runs `op` in the next commit; resolves with its result once that commit is durable. With `after`, the
   * promise resolves with what `after` makes of the result, or rejects with what it throws: it runs as the
   * commit settles, in submission order, before any caller resumes (a store tells its feed there), so that every
   * promise of a batch resolves in the same turn and in call order, whatever it does after the commit.
   */
  submit<T, R = T>(op: () => T, after?: (result: T) => R): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<R>((resolve, reject) => {
      this.pending.push({
        run: op,
        after: after as ((result: unknown) => unknown) | undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (this.pending.length >= this.options.maxBatch) this.flush();
      else this.immediate ??= setImmediate(() => this.flush());
    });
  }

  /** Asks for a commit before long even if no operation comes, for the side writes. */
  soon(): void {
    if (this.closed || this.immediate || this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.options.idleDelayMs);
    this.timer.unref();
  }

  /** Commits whatever waits, now. */
  flush(): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    const started = this.options.onCommit && performance.now();
    try {
      this.hooks.transact(() => {
        for (const op of batch) {
          try {
            op.result = this.hooks.isolate(op.run);
          } catch (err) {
            op.failed = true;
            op.error = err;
          }
        }
        this.hooks.beforeCommit?.();
      });
    } catch (err) {
      this.hooks.afterRollback?.();
      for (const op of batch) op.reject(op.failed ? op.error : err);
      return;
    }
    this.commits++;
    this.hooks.afterCommit?.();
    if (!this.hooks.sync) return this.settle(batch, started);
    this.unsynced.push({ batch, started });
    this.syncing ??= this.syncAll();
  }

  /** Commits what waits and refuses anything later; resolves once every commit is durable. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await this.syncing;
  }

  /** Syncs until no commit waits for it; one sync settles every batch committed before it began, in order. */
  private async syncAll(): Promise<void> {
    while (this.unsynced.length > 0) {
      const synced = this.unsynced;
      this.unsynced = [];
      const err = await new Promise<Error | undefined>((resolve) => this.hooks.sync!(resolve));
      for (const { batch, started } of synced) this.settle(batch, started, err);
    }
    this.syncing = undefined;
  }

  private settle(batch: Pending[], started: number | undefined, syncError?: Error): void {
    if (started !== undefined) this.options.onCommit!(performance.now() - started, batch.length);
    for (const op of batch) {
      if (op.failed) op.reject(op.error);
      else if (syncError) op.reject(syncError);
      else if (!op.after) op.resolve(op.result);
      else {
        try {
          op.resolve(op.after(op.result));
        } catch (err) {
          op.reject(err);
        }
      }
    }
  }
}
