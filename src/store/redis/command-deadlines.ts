/** What a command unanswered past its deadline fails with, as node-redis's own timeout would. */
export class CommandTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

interface InFlight {
  readonly sentAt: number;
  readonly reject: (err: Error) => void;
  settled: boolean;
}

/**
 * The deadline of every command in flight on one link: one unanswered after `timeoutMs` (to within `tickMs`)
 * fails. node-redis can do this itself, but with an AbortSignal.timeout, a timer and a listener per command,
 * some 20 µs each and garbage for the collector: a link's commands here share one timer. They are answered in
 * the order they were sent, so only the oldest unsettled one need be looked at.
 */
export class CommandDeadlines {
  private readonly inFlight: InFlight[] = [];
  /** Index of the oldest entry not yet let go. */
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly tickMs = 1_000,
  ) {}

  track<T>(sent: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: InFlight = { sentAt: performance.now(), reject, settled: false };
      this.inFlight.push(entry);
      this.timer ??= setInterval(() => this.expire(), this.tickMs).unref();
      sent.then(
        (value) => {
          entry.settled = true;
          resolve(value);
        },
        (err: unknown) => {
          entry.settled = true;
          reject(err as Error);
        },
      );
    });
  }

  /** Stops the timer (the link is closed; its commands fail by themselves). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    const oldest = performance.now() - this.timeoutMs;
    while (this.head < this.inFlight.length) {
      const entry = this.inFlight[this.head]!;
      if (!entry.settled) {
        if (entry.sentAt > oldest) break;
        entry.settled = true;
        entry.reject(new CommandTimeoutError(this.timeoutMs));
      }
      this.head++;
    }
    // Settled entries are let go in bulk, so that the array neither grows with traffic nor shifts per command.
    if (this.head === this.inFlight.length) {
      this.inFlight.length = 0;
      this.head = 0;
      this.stop();
    } else if (this.head >= 1_024) {
      this.inFlight.splice(0, this.head);
      this.head = 0;
    }
  }
}
