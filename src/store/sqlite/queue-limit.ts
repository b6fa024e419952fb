import type { NewMessage } from '../../core/ports/index.js';

/** What the count needs of the store: a count on disk, and the newest delivered position it knows. */
export interface QueueLimitDeps {
  /** Undelivered direct and group messages of `recipient` with an id above `through`, as the database has them. */
  readonly countPending: (recipient: string, through: number) => number;
  /** The newest delivered position of `recipient`: coalesced, being written, or on disk. */
  readonly deliveredPosition: (recipient: string) => number;
}

/**
 * The queue limit's count (see NewMessage.queueLimit): undelivered direct and group messages per recipient, exact
 * as of `countedThrough` (their delivered position when last counted), plus what was appended since. Absent: not
 * counted yet. Counting on disk costs a query; the estimate spares it for every send below the limit.
 */
export class QueueLimit {
  private readonly pending = new Map<string, number>();
  private readonly countedThrough = new Map<string, number>();

  constructor(private readonly deps: QueueLimitDeps) {}

  /**
   * Whether the recipient's queue holds `limit` undelivered messages. The estimate is an upper bound: below the
   * limit, it is not full. Otherwise they are counted again (inside the caller's transaction, so that writes
   * earlier in the batch count), only when delivery moved since the last count.
   */
  isFull(recipient: string, limit: number): boolean {
    const estimate = this.pending.get(recipient);
    return !(estimate !== undefined && estimate < limit) && this.pendingOf(recipient) >= limit;
  }

  /** Recipients known to be full without a transaction: a send to them is refused before it costs a commit. */
  knownFull(message: NewMessage): string[] | undefined {
    const limit = message.queueLimit;
    if (limit === undefined || message.kind === 'broadcast') return undefined;
    const full = message.recipients.filter((to) => (this.pending.get(to) ?? 0) >= limit && this.pendingOf(to) >= limit);
    return full.length > 0 ? full : undefined;
  }

  /** A direct or group message was written to the recipient's queue (inside the transaction). */
  appended(recipient: string): void {
    const counted = this.pending.get(recipient);
    if (counted !== undefined) this.pending.set(recipient, counted + 1);
  }

  /** The user is deleted: a later user of the name is counted afresh. */
  forget(name: string): void {
    this.pending.delete(name);
    this.countedThrough.delete(name);
  }

  /** The batch rolled back, its messages are not stored: every count is taken again when next needed. */
  clear(): void {
    this.pending.clear();
    this.countedThrough.clear();
  }

  private pendingOf(recipient: string): number {
    const through = this.deps.deliveredPosition(recipient);
    const known = this.pending.get(recipient);
    if (known !== undefined && this.countedThrough.get(recipient) === through) return known;
    const counted = this.deps.countPending(recipient, through);
    this.pending.set(recipient, counted);
    this.countedThrough.set(recipient, through);
    return counted;
  }
}
