import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ChatError } from '../core/errors.js';
import { unlimited, type RateBudget } from '../core/ports/index.js';
import type { RateWindow } from '../core/ports/index.js';

/** A Redis that every process of a deployment shares: the Redis store's connection and key prefix. */
export interface SharedCounters {
  /** The node-redis client or Sentinel client (RedisLink.client): the library speaks to either the same way. */
  readonly redis: object;
  /** The store's prefix (`parley:`); the budgets' keys go under `${keyPrefix}rl:`. */
  readonly keyPrefix: string;
}

/** Builds the budget called `name` (unique per limit: `message`, `login-pair`) counting `window`; none: unlimited. */
export type BudgetFactory = (name: string, window: RateWindow | undefined) => RateBudget;

/**
 * The one place that picks where budgets are counted (rate-limiter-flexible either way): in `shared`, so that a
 * limit holds across every process using that Redis, with key k of budget `name` at `${keyPrefix}rl:${name}:k`;
 * without it in this process's memory, for a server that runs alone (the memory and SQLite stores).
 */
export function createRateBudgets(shared?: SharedCounters): BudgetFactory {
  return (name, window) => {
    if (!window) return unlimited;
    const counted = { points: window.points, duration: window.durationSec };
    const limiter = shared
      ? // node-redis is told apart from ioredis by this flag: the library cannot recognise its v5 client.
        new RateLimiterRedis({
          ...counted,
          storeClient: shared.redis,
          useRedisPackage: true,
          keyPrefix: `${shared.keyPrefix}rl:${name}`,
        })
      : new RateLimiterMemory({ ...counted, keyPrefix: name });
    return new FlexibleBudget(limiter);
  };
}

/** A RateBudget over a rate-limiter-flexible limiter (its counting: see RateWindow). */
class FlexibleBudget implements RateBudget {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  async wait(key: string): Promise<number> {
    const spent = await guard(this.limiter.get(key));
    // A window whose time is up counts nothing, even before the memory backend's timer has removed it.
    return spent !== null && spent.consumedPoints >= this.limiter.points && spent.msBeforeNext > 0
      ? spent.msBeforeNext
      : 0;
  }

  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw await unavailable(err);
      // The library counted the refused action too: give it back, so that refusals spend nothing a refund
      // would then fail to make room for.
      await this.refund(key);
      return Math.max(1, err.msBeforeNext);
    }
  }

  async refund(key: string): Promise<void> {
    await guard(this.limiter.reward(key));
  }

  async reset(key: string): Promise<void> {
    await guard(this.limiter.delete(key));
  }
}

function guard<T>(pending: Promise<T>): Promise<T> {
  return pending.catch(async (err: unknown) => {
    throw await unavailable(err);
  });
}

/**
 * Redis out of reach becomes `unavailable`, as in the Redis store; anything else is a fault, rethrown as is. The
 * Redis client's error types load here, on a failure: a server without Redis does not load the client at all.
 */
async function unavailable(err: unknown): Promise<unknown> {
  const { retryAfterMs, unreachable } = await import('../store/redis/unreachable.js');
  return unreachable(err)
    ? new ChatError('unavailable', 'the rate limits are unreachable; try again shortly', undefined, retryAfterMs)
    : err;
}
