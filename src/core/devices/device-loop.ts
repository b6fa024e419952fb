import type { QueueRow, WebhookAttempt } from '../ports/index.js';
import type { Store } from '../ports/index.js';

export interface DeviceTiming {
  /** How long a lease lasts unless renewed (ms); it is renewed when a third of it has passed. */
  readonly leaseMs: number;
  /** How often a process without the lease tries for it, and an idle holder renews it (ms). */
  readonly idleMs: number;
  /**
   * How often an idle holder reads the queue unwoken (ms; at least `idleMs`). The feed wakes a holder for what
   * arrives, and wakes every loop after a gap, so this is only the last resort; a device kind with many devices
   * (a push subscription per browser) reads rarely, so that idle devices cost the store little.
   */
  readonly pollMs?: number;
  /** The wait after the first failure (ms), doubled after each one up to `maxBackoffMs`. */
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Rows read from the store at a time. */
  readonly pageSize: number;
  /**
   * How long acknowledged positions may wait to be stored together (ms): in a burst one write covers many rows,
   * and a crash hands at most that much to the device again (it may see a row twice, never miss one).
   */
  readonly recordEveryMs: number;
}

/** What a device is, to the loop: whose queue it follows, and from where. */
export interface DeviceState {
  readonly user: string;
  /** The last position the device acknowledged; it resumes after it. */
  readonly ackedId: number;
}

/** The stored lease and position of one device (see WebhookStore: a webhook is one, a push subscription another). */
export interface DeviceRecord<D extends DeviceState> {
  find(): Promise<D | undefined>;
  lease(holder: string, now: number, ttlMs: number): Promise<boolean>;
  record(holder: string, attempt: WebhookAttempt): Promise<boolean>;
  release(holder: string): Promise<void>;
}

/** What came of handing one row (or the news of lost rows) to the device. */
export type Handled =
  /** Done with it (taken, or nothing to do): the position moves past it; `now` stores it at once. */
  | { readonly done: true; readonly now?: boolean }
  /** Not taken: tried again after a back-off (or `retryAfterMs`), from the same position. */
  | { readonly done: false; readonly error: string; readonly retryAfterMs?: number }
  /** The device is gone (deleted, or its service said so): the loop ends. */
  | { readonly gone: true };

/** Retention pruned rows after the device's position, before it had them. */
export interface LostRows {
  readonly after: number;
  readonly through: number;
}

/**
 * One device of a user that is not a stream (a bot's webhook, a phone's push subscription), on one process:
 * while this process holds the device's lease, it hands the device every row of its user's queue after the
 * stored position, in order, one at a time, each until it is done, and moves the position after each. The lease
 * makes it the only process doing so; a device may see a row twice (a crash between taking it and the
 * position's write, shortened by `Handled.now`), never a gap or a row out of order. The position lives in the
 * store with the rows, so a store that goes back in time takes it back too.
 */
export abstract class DeviceLoop<D extends DeviceState> {
  private stopped = false;
  private leasedAt = 0;
  /** Rows not taken in a row, at the row in hand. */
  protected failures = 0;
  /** The last position not stored yet, and when it was reached. */
  private unrecorded: { ackedId: number; at: number } | undefined;
  private recordedAt = 0;
  private wakeUp: (() => void) | undefined;
  private pending = false;
  /** Whether the queue must be read at the next turn (there may be more, or the lease was just taken). */
  private readAgain = true;
  private readAt = 0;
  /** The user whose queue the device follows, once the loop has read the device (it holds the lease then). */
  user: string | undefined;
  /** Told when the loop learns its device's user, or a new one (a subscription that moved to another user). */
  userKnown: ((user: string, before: string | undefined) => void) | undefined;
  /** Set once the loop has run; a subclass's fields are ready by then. */
  done: Promise<void> = Promise.resolve();

  constructor(
    /** Names the device in errors and in the fleet: a bot, a subscription's id. */
    readonly key: string,
    private readonly holder: string,
    protected readonly store: Store,
    private readonly cursor: DeviceRecord<D>,
    protected readonly timing: DeviceTiming,
    protected readonly now: () => number,
  ) {}

  /** Starts the loop; a subclass calls it last in its constructor. */
  protected start(): void {
    this.done = this.run();
  }

  /** Something arrived for the device's user: an idle loop looks at once. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  /** Ends the loop after the row in hand, and gives the lease up so that another process takes over now. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.done;
    await this.savePosition().catch(() => undefined);
    await this.cursor.release(this.holder).catch(() => undefined);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Hands one row to the device. */
  protected abstract handle(device: D, row: QueueRow): Promise<Handled>;
  /** Tells the device that rows were lost (or not: a push subscription has nothing to say of them). */
  protected abstract handleLost(device: D, lost: LostRows): Promise<Handled>;
  /** The device was found: a subclass may keep what it needs (its user, for waking). */
  protected found(_device: D): void {}
  /** A row was not taken; a subclass may say so. */
  protected failed(_rowId: string, _error: string): void {}
  protected abstract error(err: unknown): void;

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.lease())) {
          await this.sleep(this.timing.idleMs, true);
          continue;
        }
        if (!this.readAgain && !this.pending && this.now() - this.readAt < (this.timing.pollMs ?? 0)) {
          await this.sleep(this.timing.idleMs, true);
          continue;
        }
        const device = await this.cursor.find();
        if (!device) return;
        if (this.user !== device.user) {
          const before = this.user;
          this.user = device.user;
          this.userKnown?.(device.user, before);
        }
        this.found(device);
        this.pending = false;
        this.readAt = this.now();
        const page = await this.store.readQueue(device.user, device.ackedId, this.timing.pageSize);
        if (page.prunedId > device.ackedId) {
          const lost = { after: device.ackedId, through: page.prunedId };
          this.readAgain = true;
          await this.deliver(String(page.prunedId), page.prunedId, () => this.handleLost(device, lost));
          continue;
        }
        this.readAgain = page.rows.length > 0;
        if (!this.readAgain) {
          await this.sleep(this.timing.idleMs, true);
          continue;
        }
        for (const row of page.rows) {
          if (this.stopped || !(await this.deliver(String(row.id), row.id, () => this.handle(device, row)))) break;
        }
        await this.savePosition();
      } catch (err) {
        // The store unreachable, most likely: the position is stored, so trying again later loses nothing.
        this.error(err);
        this.leasedAt = 0;
        await this.sleep(this.timing.idleMs, false);
      }
    }
  }

  /** Hands one row over and records how it went; true when the next one may follow at once. */
  private async deliver(id: string, ackedId: number, handle: () => Promise<Handled>): Promise<boolean> {
    if (!(await this.lease())) return false;
    const handled = await handle();
    const at = this.now();
    if ('gone' in handled) {
      this.stopped = true;
      return false;
    }
    if (!handled.done) {
      // A device interrupted by a stop failed at nothing: the next holder takes the row from the same position.
      if (this.stopped) return false;
      this.failures++;
      await this.savePosition();
      if (!(await this.cursor.record(this.holder, { at, error: handled.error }))) this.leasedAt = 0;
      this.failed(id, handled.error);
      await this.sleep(handled.retryAfterMs ?? this.backoff(), false);
      return false;
    }
    this.failures = 0;
    this.unrecorded = { ackedId: Math.max(ackedId, this.unrecorded?.ackedId ?? 0), at };
    if (handled.now || at - this.recordedAt >= this.timing.recordEveryMs) return this.savePosition();
    return true;
  }

  /**
   * Stores the last position reached, if one waits; false when the lease was lost meanwhile (the new holder
   * starts from the stored position again, and the position is theirs to move).
   */
  private async savePosition(): Promise<boolean> {
    const acked = this.unrecorded;
    if (!acked) return true;
    this.unrecorded = undefined;
    this.recordedAt = acked.at;
    if (await this.cursor.record(this.holder, acked)) return true;
    this.leasedAt = 0;
    return false;
  }

  /** Holds the lease, renewing it once a third of it has passed; false while another process holds it. */
  private async lease(): Promise<boolean> {
    const now = this.now();
    if (this.leasedAt !== 0 && now - this.leasedAt < this.timing.leaseMs / 3) return true;
    const held = await this.cursor.lease(this.holder, now, this.timing.leaseMs);
    // A lease just taken: the last holder may have left rows behind.
    if (held && this.leasedAt === 0) this.readAgain = true;
    this.leasedAt = held ? now : 0;
    return held;
  }

  private backoff(): number {
    return Math.min(this.timing.maxBackoffMs, this.timing.firstBackoffMs * 2 ** Math.min(this.failures - 1, 30));
  }

  /** Waits `ms`, or less when stopped, or (when `wakeable`) when something arrives for the device's user. */
  protected sleep(ms: number, wakeable: boolean): Promise<void> {
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
