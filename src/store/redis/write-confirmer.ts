import type { Logger } from 'pino';
import { ChatError } from '../../core/errors.js';
import type { RedisLink } from './redis-link.js';
import { asUnavailable, retryAfterMs } from './unreachable.js';

/**
 * How many replicas must hold a write: a fixed number, or `all`, every replica the primary has in sync at the
 * time (and at least one).
 */
export type ReplicasToWait = number | 'all';

/**
 * Makes sure that what the primary applied is held by replicas before anyone is told it was: Redis `WAIT`,
 * batched, so that one round trip serves every write (and every feed event) that was waiting.
 *
 * A round is one tiny write (INCR `P ack`) then `WAIT n timeout`, both on a connection of their own (WAIT blocks
 * the connection it runs on). The replication stream is one sequence: once replicas acknowledge the INCR, they
 * hold everything the primary applied before it, which is every write whose reply (or feed event) arrived here
 * before the round was sent. What arrives while a round is in flight waits for the next one.
 *
 * With `all`, the round first asks the primary (ROLE) which replicas are in sync, and waits for each of them.
 * That is what makes a 202 survive a failover: Sentinel promotes the replica whose offset it last read as the
 * highest, and that reading can be seconds old, so a write held by some replicas only can be promoted away.
 * A replica that goes away closes its connection and is no longer waited for; one that hangs with it open
 * holds writes back (503) until the primary's `repl-timeout` drops it.
 */
export class WriteConfirmer {
  /** Resolvers waiting for the next round. */
  private waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private inFlight = false;
  private closed = false;
  /** With `all`: the replicas the last round waited for; unknown at first, after a failure or a reconnect. */
  private wanted: number | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    readonly replicas: ReplicasToWait,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    link.onReady(() => {
      this.wanted = undefined;
    });
  }

  /**
   * Resolves once a round that began after this call saw `replicas` replicas acknowledge it; rejects with
   * `unavailable` when fewer did within the timeout, or Redis could not be asked.
   */
  confirm(): Promise<void> {
    if (this.closed)
      return Promise.reject(new ChatError('unavailable', 'the server is shutting down', undefined, retryAfterMs));
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
    for (const w of left)
      w.reject(new ChatError('unavailable', 'the server is shutting down', undefined, retryAfterMs));
  }

  private round(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    // A primary that stalls without closing its sockets answers nothing: give up a little after WAIT would have
    // (twice, with `all`: see acknowledgedBy).
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('WAIT was not answered')),
        (this.replicas === 'all' ? 2 : 1) * this.timeoutMs + 1_000,
      );
    });
    Promise.race([this.acknowledgedBy(), deadline])
      .then(
        ({ acknowledged, wanted }) => {
          if (acknowledged >= wanted) return this.settle(batch, undefined);
          this.settle(batch, this.refusal(`${acknowledged} of the ${wanted} replicas`));
        },
        (err: unknown) => {
          const mapped = asUnavailable(err);
          this.settle(batch, mapped instanceof ChatError ? mapped : this.refusal('no replica', err));
        },
      )
      .finally(() => clearTimeout(timer));
  }

  /**
   * How many replicas acknowledged a round, of how many were wanted. With `all`, ROLE goes out in the same
   * round trip as the INCR and a WAIT for as many replicas as the last round found: one round trip while the
   * replicas stay as they were. A replica come in sync since is waited for in a second WAIT; one gone since
   * makes this round wait out the timeout, then counts no more. Unknown (at first, after a failure or a
   * reconnect), ROLE is asked first.
   */
  private async acknowledgedBy(): Promise<{ acknowledged: number; wanted: number }> {
    if (this.replicas !== 'all') return { acknowledged: await this.waitFor(this.replicas), wanted: this.replicas };
    const known = this.wanted;
    this.wanted = undefined;
    let wanted: number;
    let acknowledged: number;
    if (known === undefined) {
      wanted = await this.replicasToWaitFor();
      acknowledged = await this.waitFor(wanted);
    } else {
      [wanted, acknowledged] = await Promise.all([this.replicasToWaitFor(), this.waitFor(known)]);
      if (acknowledged < wanted && known < wanted) acknowledged = await this.waitFor(wanted);
    }
    this.wanted = wanted;
    return { acknowledged, wanted };
  }

  /** One INCR and a WAIT for `replicas` replicas: how many acknowledged it within the timeout. */
  private async waitFor(replicas: number): Promise<number> {
    const ack = this.link.send(['INCR', `${this.prefix}ack`]);
    const wait = this.link.send(['WAIT', replicas, this.timeoutMs]);
    const [, acknowledged] = await Promise.all([ack, wait]);
    return Number(acknowledged);
  }

  /** With `all`: the replicas the primary has in sync now (ROLE lists only those, state online), at least one. */
  private async replicasToWaitFor(): Promise<number> {
    const role = (await this.link.send(['ROLE'])) as [string, number, unknown[]?];
    return Math.max(1, role[0] === 'master' ? (role[2]?.length ?? 0) : 0);
  }

  private refusal(held: string, cause?: unknown): ChatError {
    if (cause !== undefined) this.log.error({ err: cause }, 'confirming writes with WAIT failed');
    return new ChatError(
      'unavailable',
      `${held} confirmed the write within ${this.timeoutMs} ms; it may still be stored: retry with the same ` +
        `Idempotency-Key`,
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
