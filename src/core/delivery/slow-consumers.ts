import type { StreamSession } from './stream-session.js';

/**
 * The close timer of every stream whose transport is full: a client that reads nothing while messages wait is
 * closed after `limitMs`. Nothing is lost: a reconnect with Last-Event-ID reads on from the store.
 */
export class SlowConsumers {
  private readonly timers = new Map<StreamSession, NodeJS.Timeout>();

  constructor(
    private readonly limitMs: number | undefined,
    private readonly close: (session: StreamSession) => void,
  ) {}

  /** The transport is full: stop writing, read on from the store at drain, and start the clock. */
  fill(session: StreamSession): void {
    session.full = true;
    session.live = false;
    if (this.limitMs === undefined || this.timers.has(session)) return;
    const timer = setTimeout(() => {
      this.timers.delete(session);
      if (!session.closed && session.full) this.close(session);
    }, this.limitMs);
    timer.unref();
    this.timers.set(session, timer);
  }

  /** The transport drained, or the stream closed. */
  drained(session: StreamSession): void {
    const timer = this.timers.get(session);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(session);
  }
}
