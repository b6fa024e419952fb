import type { Logger } from 'pino';
import { ChatError } from '../../core/errors.js';
import type { RedisLink } from './redis-link.js';
import { asUnavailable, retryAfterMs } from './unreachable.js';

/**
 * Makes sure that what the primary applied is held by `replicas` replicas before anyone is told it was: Redis
 * `WAIT`, batched, so that one round trip serves every write (and every feed event) that was waiting.
 *
 * A round is one tiny write (INCR `P ack`) then `WAIT replicas timeout`, both on a connection of their own
 * (WAIT blocks the connection it runs on). The replication stream is one sequence: once replicas acknowledge the
 * INCR, they hold everything the primary applied before it, which is every write whose reply (or feed event)
 * arrived here before the round was sent. What arrives while a round is in flight waits for the next one.
 */
export class WriteConfirmer {
  /** Resolvers waiting for the next round. */
  private waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private inFlight = false;
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    readonly replicas: number,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * Resolves once a round that began after this call saw `replicas` replicas acknowledge it; rejects with
   * `unavailable` when fewer did within the timeout, or Redis could not be asked.
   */
  confirm(): Promise<void> {
    if (this.closed) return Promise.reject(new ChatError('unavailable', 'the server is shutting down', undefined, retryAfterMs));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.inFlight) this.round();
    });
  }

  private readonly closers: (() => void)[] = [];

  /** Runs `closer` on close (the composition root closes the connection it opened for this). */
  onClose(closer: () => void): void {
    this.closers.push(closer);
  }

  /** Rejects whoever still waits, and runs the closers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const closer of this.closers) closer();
    const left = this.waiting;
    this.waiting = [];
    for (const w of left) w.reject(new ChatError('unavailable', 'the server is shutting down', undefined, retryAfterMs));
  }

  private round(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    const ack = this.link.send(['INCR', `${this.prefix}ack`]);
    const wait = this.link.send(['WAIT', this.replicas, this.timeoutMs]);
    // A primary that stalls without closing its sockets answers neither: give up a little after WAIT would have.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('WAIT was not answered')), this.timeoutMs + 1_000);
    });
    Promise.race([Promise.all([ack, wait]), deadline]).then(
      ([, acknowledged]) => {
        const count = Number(acknowledged);
        if (count >= this.replicas) return this.settle(batch, undefined);
        this.settle(batch, this.refusal(`${count} of the ${this.replicas} replicas`));
      },
      (err: unknown) => {
        const mapped = asUnavailable(err);
        this.settle(batch, mapped instanceof ChatError ? mapped : this.refusal('no replica', err));
      },
    ).finally(() => clearTimeout(timer));
  }

  private refusal(held: string, cause?: unknown): ChatError {
    if (cause !== undefined) this.log.error({ err: cause }, 'confirming writes with WAIT failed');
    return new ChatError(
      'unavailable',
      `${held} confirmed the write within ${this.timeoutMs} ms; it may still be stored: retry with the same Idempotency-Key`,
      undefined,
      retryAfterMs,
    );
  }

  private settle(batch: typeof this.waiting, err: ChatError | undefined): void {
    this.inFlight = false;
    for (const w of batch) {
      if (err) w.reject(err);
      else w.resolve();
    }
    if (this.waiting.length > 0 && !this.closed) this.round();
  }
}
