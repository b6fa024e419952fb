/**
 * Delivered positions waiting to be written, coalesced per user (see QueueStore.markDelivered). A stream marks
 * every message it writes, and a broadcast to thousands of online users moves thousands of positions at once:
 * writing each with its message would cost a write per recipient again. So the positions are gathered for a
 * round (`delayMs`, armed by the first position of the round, not by every call) and written together; a crash
 * loses at most a round of them, and streams opened without a resume position then repeat those messages, never
 * fewer.
 *
 * How a batch is written is the backend's: once positions are due (the round ended, or `flush`) it takes them
 * (`take`), writes them, and says how that went (`written`, or `restore` to keep them for the next write). Until
 * then they still count: `newest` is the newest position coalesced or being written, and the backend takes the
 * larger of it and what it has on disk.
 */
export class DeliveredMarks {
  private coalesced = new Map<string, number>();
  /** Positions taken by writes that have not finished, the newest per user. */
  private readonly writing = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** The round ended or a flush asked for them: the next `take` takes positions. */
  private due = false;
  /** The next `take` takes every coalesced position, not a slice (after a flush). */
  private allDue = false;
  private closed = false;

  /** `roundEnded` is told each time a round's positions become due, for the backend to write them soon. */
  constructor(
    private readonly delayMs: number,
    private readonly roundEnded: () => void,
  ) {}

  /** Records that `recipient` had every message up to `id` delivered. Never moves backwards. */
  mark(recipient: string, id: number): void {
    if (id <= (this.coalesced.get(recipient) ?? 0)) return;
    this.coalesced.set(recipient, id);
    this.nextRound();
  }

  /** The newest position of `recipient` not yet written: coalesced or being written (0: none). */
  newest(recipient: string): number {
    return Math.max(this.coalesced.get(recipient) ?? 0, this.writing.get(recipient) ?? 0);
  }

  /** Positions coalesced and not yet taken. */
  get size(): number {
    return this.coalesced.size;
  }

  /** Positions are due and some may be left to take (a backend that writes a slice at a time goes on). */
  get isDue(): boolean {
    return this.due;
  }

  /** Arms the round's timer, unless it is armed already or the marks are closed. */
  nextRound(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.due = true;
      this.roundEnded();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Makes every coalesced position due now, for the next `take` to take all of them (prune, close, a full queue). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = true;
    this.allDue = true;
  }

  /** Flushes, and arms no more rounds: what is marked later waits for a flush. */
  close(): void {
    this.closed = true;
    this.flush();
  }

  /**
   * The positions to write now, at most `limit` of them (all after a flush), or undefined when none are due.
   * They count as being written until `written` or `restore` is told of them.
   */
  take(limit = Infinity): ReadonlyMap<string, number> | undefined {
    if (!this.due) return undefined;
    const most = this.allDue ? Infinity : limit;
    this.allDue = false;
    let batch: Map<string, number>;
    if (this.coalesced.size <= most) {
      this.due = false;
      batch = this.coalesced;
      this.coalesced = new Map();
    } else {
      batch = new Map();
      for (const [name, id] of this.coalesced) {
        if (batch.size >= most) break;
        batch.set(name, id);
      }
      for (const name of batch.keys()) this.coalesced.delete(name);
    }
    for (const [name, id] of batch) this.writing.set(name, Math.max(this.writing.get(name) ?? 0, id));
    return batch;
  }

  /** These positions, taken before, are written. */
  written(batch: Iterable<readonly [string, number]>): void {
    for (const [name, id] of batch) if (this.writing.get(name) === id) this.writing.delete(name);
  }

  /**
   * Writing these positions failed: they wait again with those coalesced since (never moving one back), due for
   * the next write.
   */
  restore(batch: Iterable<readonly [string, number]>): void {
    let any = false;
    for (const [name, id] of batch) {
      any = true;
      if (this.writing.get(name) === id) this.writing.delete(name);
      if (id > (this.coalesced.get(name) ?? 0)) this.coalesced.set(name, id);
    }
    if (any) this.due = true;
  }

  /** Forgets a deleted user's position, which would otherwise bring back the cursor of the user deleted. */
  forget(name: string): void {
    this.coalesced.delete(name);
    this.writing.delete(name);
  }
}
