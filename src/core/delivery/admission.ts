import { ChatError } from '../errors.js';
import type { Feed } from '../ports/index.js';
import type { Reader } from './reader.js';

export interface StreamLimits {
  /** Streams one user may have open at once, over every process; past it too_many_streams. @default 16 */
  readonly maxStreamsPerUser?: number;
  /** Streams open in this process; past it unavailable, so the server degrades instead of falling over. @default 10_000 */
  readonly maxStreams?: number;
}

/**
 * Who may open another stream. The per-user limit is counted on the feed, which sees every process; the total
 * is this process's. A stream admitted keeps its place in the total until it opens, so that concurrent opens
 * cannot overshoot while the feed counts.
 */
export class Admission {
  private reserved = 0;

  constructor(
    private readonly feed: Pick<Feed, 'streamOpened' | 'streamClosed'>,
    private readonly limits: StreamLimits,
  ) {}

  private get perUser(): number {
    return this.limits.maxStreamsPerUser ?? Number.MAX_SAFE_INTEGER;
  }

  /** Refuses past either limit, else counts the stream on the feed; `open` is the streams open here now. */
  async admit(r: Reader, open: number): Promise<void> {
    if (r.streams.size >= this.perUser) throw tooManyStreams(this.perUser);
    if (open + this.reserved >= (this.limits.maxStreams ?? Infinity)) {
      throw new ChatError(
        'unavailable',
        'the server has as many open streams as it takes; try again later',
        undefined,
        5_000,
      );
    }
    this.reserved++;
    let counted: boolean;
    try {
      counted = await this.feed.streamOpened(r.name, this.perUser);
    } finally {
      this.reserved--;
    }
    if (!counted) throw tooManyStreams(this.perUser);
    this.reserved++;
    r.admitted++;
  }

  /** Takes the place `admit` kept for a stream of `r` that opens now; false when none was kept. */
  consume(r: Reader): boolean {
    if (r.admitted === 0) return false;
    r.admitted--;
    this.reserved--;
    return true;
  }

  /** Counts a stream opened without `admit` (the core's own callers) on the feed. */
  async count(r: Reader): Promise<void> {
    if (!(await this.feed.streamOpened(r.name, this.perUser))) throw tooManyStreams(this.perUser);
  }
}

function tooManyStreams(perUser: number): ChatError {
  return new ChatError(
    'too_many_streams',
    `a user may have at most ${perUser} streams open; close one first`,
    undefined,
    1_000,
  );
}
