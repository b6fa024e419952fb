import type { Accounts } from '../accounts/accounts.js';
import type { Delivery } from './delivery.js';

/** Sessions asked about in one store call: small enough not to hold Redis up for long (a script is atomic). */
const checkBatch = 1_000;

/**
 * Keeps open streams honest: a heartbeat to every stream that can take one, and an end to every stream whose
 * token expired or was revoked (streams do not refresh their token, so they must be checked).
 */
export class StreamUpkeep {
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly delivery: Delivery,
    private readonly accounts: Accounts,
    /** Milliseconds between heartbeats (and session checks). @default 15_000 */
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.delivery.broadcastControl((sink) => sink.heartbeat());
      void this.endDeadSessions();
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * One check at a time: a slow store must not pile checks on top of each other. The sessions go to the store
   * in batches, one round trip each: a process holding tens of thousands of streams checks them all in a few.
   */
  private async endDeadSessions(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const sessions = new Map<string, string>();
      this.delivery.forEachStream((session) => sessions.set(session.sessionId, session.user));
      const ids = [...sessions.keys()];
      for (let start = 0; start < ids.length; start += checkBatch) {
        for (const sessionId of await this.accounts.endedOf(ids.slice(start, start + checkBatch))) {
          this.delivery.endSession(sessions.get(sessionId)!, sessionId);
        }
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.checking = false;
    }
  }
}
