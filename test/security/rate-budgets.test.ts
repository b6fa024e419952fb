import { createClient } from '@redis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RateBudget } from '../../src/core/ports/index.js';
import { createRateBudgets, type BudgetFactory } from '../../src/limits/rate-budgets.js';
import { createLogger } from '../../src/log/logger.js';
import { connectRedis } from '../../src/store/redis/connect-redis.js';
import type { RedisLink } from '../../src/store/redis/redis-link.js';
import { captureLog } from '../support/log-capture.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const minute = { points: 3, durationSec: 60 };

/** Takes `n` actions of `key` one after the other; resolves with what each take answered. */
async function takeMany(budget: RateBudget, key: string, n: number): Promise<number[]> {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await budget.take(key));
  return answers;
}

/** The behaviour every backend shares; `make` builds a factory on counters no other test uses. */
function describeBudgets(name: string, make: () => Promise<BudgetFactory>): void {
  describe(`rate budgets (${name})`, () => {
    it('allows the burst at once, then refuses with the time left in the window', async () => {
      const budget = (await make())('message', minute);
      expect(await takeMany(budget, 'alice', 3)).toEqual([0, 0, 0]);
      const waitMs = await budget.take('alice');
      expect(waitMs).toBeGreaterThan(59_000);
      expect(waitMs).toBeLessThanOrEqual(60_000);
      expect(await budget.wait('alice')).toBeGreaterThan(59_000);
    });

    it('spends nothing on a refused take, so that one refund makes room again however many were refused', async () => {
      const budget = (await make())('message', minute);
      await takeMany(budget, 'alice', 3);
      for (const waitMs of await takeMany(budget, 'alice', 10)) expect(waitMs).toBeGreaterThan(0);
      await budget.refund('alice');
      expect(await budget.take('alice')).toBe(0);
      expect(await budget.take('alice')).toBeGreaterThan(0);
    });

    it('tells the wait without spending', async () => {
      const budget = (await make())('message', minute);
      expect(await budget.wait('alice')).toBe(0);
      expect(await budget.wait('alice')).toBe(0);
      expect(await takeMany(budget, 'alice', 3)).toEqual([0, 0, 0]);
    });

    it('forgets everything a key spent on reset', async () => {
      const budget = (await make())('message', minute);
      await takeMany(budget, 'alice', 3);
      await budget.reset('alice');
      expect(await budget.wait('alice')).toBe(0);
      expect(await takeMany(budget, 'alice', 3)).toEqual([0, 0, 0]);
    });

    it('counts each key and each budget on its own', async () => {
      const budgets = await make();
      const messages = budgets('message', minute);
      await takeMany(messages, 'alice', 3);
      expect(await messages.take('bob')).toBe(0);
      expect(await budgets('broadcast', minute).take('alice')).toBe(0);
    });

    it('never limits a budget without a window', async () => {
      const budget = (await make())('message', undefined);
      expect(await takeMany(budget, 'alice', 100)).toEqual(Array.from({ length: 100 }, () => 0));
    });
  });
}

describeBudgets('memory', () => Promise.resolve(createRateBudgets()));

describe('rate budgets (memory) over time', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the whole burst back when the window ends, and nothing before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const budget = createRateBudgets()('message', minute);
    await takeMany(budget, 'alice', 3);
    vi.setSystemTime(Date.now() + 59_000);
    expect(await budget.take('alice')).toBe(1_000);
    vi.setSystemTime(Date.now() + 1_000);
    expect(await budget.wait('alice')).toBe(0);
    expect(await takeMany(budget, 'alice', 4)).toEqual([0, 0, 0, 60_000]);
  });
});

let redis: RedisServer;
const connections: RedisLink[] = [];
let prefixes = 0;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await redis?.stop();
});

async function connect(url = redis.url, log = createLogger('silent')): Promise<object> {
  const connection = await connectRedis(url, log);
  connections.push(connection);
  return connection.client;
}

describeBudgets('redis', async () => createRateBudgets({ redis: await connect(), keyPrefix: `b${++prefixes}:` }));

describe('rate budgets (redis) shared', () => {
  it('counts in one Redis for every connection, as for processes sharing it, under <prefix>rl: with the window as expiry', async () => {
    const keyPrefix = `b${++prefixes}:`;
    const one = createRateBudgets({ redis: await connect(), keyPrefix })('message', minute);
    const other = createRateBudgets({ redis: await connect(), keyPrefix })('message', minute);
    expect(await one.take('alice')).toBe(0);
    expect(await other.take('alice')).toBe(0);
    expect(await one.take('alice')).toBe(0);
    expect(await other.take('alice')).toBeGreaterThan(0);
    expect(await one.take('alice')).toBeGreaterThan(0);

    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      expect(await client.keys(`${keyPrefix}*`)).toEqual([`${keyPrefix}rl:message:alice`]);
      const ttl = await client.pTTL(`${keyPrefix}rl:message:alice`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await client.close();
    }
  });

  it('refuses every operation as unavailable while Redis is down, never granting, and counts again once it is back', async () => {
    const own = await startRedisServer();
    let restarted: RedisServer | undefined;
    try {
      const captured = captureLog();
      const budget = createRateBudgets({ redis: await connect(own.url, captured.log), keyPrefix: 'down:' })(
        'message',
        minute,
      );
      expect(await budget.take('alice')).toBe(0);
      await own.stop();
      const unavailable = { code: 'unavailable', retryAfterMs: 1_000 };
      await expect(budget.take('alice')).rejects.toMatchObject(unavailable);
      await expect(budget.wait('alice')).rejects.toMatchObject(unavailable);
      await expect(budget.refund('alice')).rejects.toMatchObject(unavailable);
      await expect(budget.reset('alice')).rejects.toMatchObject(unavailable);

      // The same port and directory: Redis reads its append-only file back, and the action taken before with it.
      restarted = await startRedisServer({ dir: own.dir, port: own.port });
      await captured.until((entry) => entry.msg === 'the connection to Redis is back');
      const answers = await takeMany(budget, 'alice', 3);
      expect(answers.slice(0, 2)).toEqual([0, 0]);
      expect(answers[2]).toBeGreaterThan(0);
    } finally {
      await own.stop();
      await restarted?.stop();
    }
  });
});
