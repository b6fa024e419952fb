/**
 * A budget of actions per key (a user, an address, an account and address together), counted wherever its
 * backend keeps it: in this process, or in a Redis shared by every process of a deployment, so that a limit
 * holds however the requests are spread. Built by the backend (src/limits/), from the configuration.
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

/**
 * What a budget counts, in rate-limiter-flexible's terms: at most `points` actions per key in a fixed window of
 * `durationSec` seconds that opens with the key's first action. It is not a token bucket: whatever a key spent
 * comes back all at once when its window closes, not one action at a time.
 */
export interface RateWindow {
  readonly points: number;
  readonly durationSec: number;
}

/**
 * The counters a backend keeps budgets in: builds the budget called `name` (unique per limit: `message`,
 * `login-pair`) counting `window`; none: unlimited. One process alone counts in its memory; processes sharing a
 * store count where they all see the same numbers, so that a limit holds however requests are spread.
 */
export type BudgetFactory = (name: string, window: RateWindow | undefined) => RateBudget;
