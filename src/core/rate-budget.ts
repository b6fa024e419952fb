/**
 * A budget of actions per key (a user, an address, an account and address together), counted wherever its
 * backend keeps it: in this process, or in a Redis shared by every process of a deployment, so that a limit
 * holds however the requests are spread. Built outside the core (src/limits/), from the configuration.
 *
 * Every operation is atomic on its key. One that cannot reach the backend rejects with the `unavailable`
 * ChatError (503 with Retry-After), never passes silently and never grants.
 */
export interface RateBudget {
  /** Milliseconds until `key` may act: 0 when it may act now. Spends nothing. */
  wait(key: string): Promise<number>;
  /**
   * Spends one action of `key`: resolves with 0 when it was allowed, else with the milliseconds to wait (more
   * than 0), having spent nothing.
   */
  take(key: string): Promise<number>;
  /** Gives back one action that `take` spent (an attempt that turned out not to count). */
  refund(key: string): Promise<void>;
  /** Forgets everything `key` spent. */
  reset(key: string): Promise<void>;
}

/** The budget of a limit turned off: every key may always act. */
export const unlimited: RateBudget = {
  wait: () => Promise.resolve(0),
  take: () => Promise.resolve(0),
  refund: () => Promise.resolve(),
  reset: () => Promise.resolve(),
};
