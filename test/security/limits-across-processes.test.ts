import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serverFleet, type ServerProcess } from '../support/process.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { call, join, problemOf, type Joined } from './client.js';

// Two real Parley processes on one real Redis: the budgets are counted in Redis, whichever process is asked.
let redis: RedisServer;
let prefixes = 0;
const fleet = serverFleet();
beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  await fleet.stopAll();
});
afterAll(async () => {
  await redis?.stop();
});

/** A Parley process on `on` (the shared Redis unless told), under a prefix `prefix` names. */
const start = (prefix: string, flags: readonly string[], on = redis) =>
  fleet.start(['--store', 'redis', '--redis-url', on.url, '--redis-prefix', prefix, ...flags]);

/** Process A with `names` registered on it, then process B, both with `flags` on a prefix no other test uses. */
async function twoProcesses(
  flags: readonly string[],
  names: readonly string[],
): Promise<{ a: ServerProcess; b: ServerProcess; users: Joined[] }> {
  const prefix = `x${++prefixes}:`;
  const a = await start(prefix, flags);
  const users = [];
  for (const name of names) users.push(await join(a.url, name));
  return { a, b: await start(prefix, flags), users };
}

const login = (server: ServerProcess, name: string, password: string, localAddress: string) =>
  call(server.url, 'POST', '/sessions', { json: { username: name, password }, localAddress });

describe('limits across processes sharing one Redis', () => {
  it('refuses failed logins spread over two processes once they reach the configured count, on either process', async () => {
    const {
      a,
      b,
      users: [owner],
    } = await twoProcesses(['--login-pair-failures', '4'], ['victim']);
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await login(i % 2 === 0 ? a : b, 'victim', `wrong-guess-${i}`, '127.0.0.2')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const limited = await login(a, 'victim', owner!.password, '127.0.0.2');
    expect(problemOf(limited)).toEqual({
      status: 429,
      type: 'application/problem+json',
      code: 'rate_limited',
      field: undefined,
    });
    // 4 × --login-backoff-ms (60 s): a window of 4 min.
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(240);
    // Another address is another pair, on either process.
    expect((await login(b, 'victim', owner!.password, '127.0.0.3')).status).toBe(200);
  });

  it('clears on every process the failures of an account and address once its owner logs in on one', async () => {
    const {
      a,
      b,
      users: [owner],
    } = await twoProcesses(['--login-pair-failures', '3'], ['carol']);
    expect((await login(a, 'carol', 'mistyped-password-1', '127.0.0.2')).status).toBe(401);
    expect((await login(b, 'carol', 'mistyped-password-2', '127.0.0.2')).status).toBe(401);
    expect((await login(b, 'carol', owner!.password, '127.0.0.2')).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(a, 'carol', `wrong-guess-${i}`, '127.0.0.2')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('limits sends spread over two processes at the burst, on either process', async () => {
    const {
      a,
      b,
      users: [alice],
    } = await twoProcesses(['--message-burst', '5', '--message-rate', '1'], ['alice', 'bob']);
    const answers = [];
    for (let i = 0; i < 7; i++) {
      answers.push(
        await call((i % 2 === 0 ? a : b).url, 'POST', '/messages', {
          token: alice!.token,
          json: { to: 'bob', text: `m${i}` },
        }),
      );
    }
    expect(answers.map((res) => res.status)).toEqual([202, 202, 202, 202, 202, 429, 429]);
    const limited = answers[6]!;
    expect(problemOf(limited)).toEqual({
      status: 429,
      type: 'application/problem+json',
      code: 'rate_limited',
      field: undefined,
    });
    // 5 at 1 per minute: a window of 5 min.
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(240);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(300);
    // Each user has a budget of their own, wherever they send from.
    const bob = await join(b.url, 'bob');
    expect(
      (await call(b.url, 'POST', '/messages', { token: bob.token, json: { to: 'alice', text: 'hello' } })).status,
    ).toBe(202);
  });

  it('answers a login with 503 and Retry-After while the Redis that counts the limits is down, never letting it through', async () => {
    const own = await startRedisServer();
    try {
      const a = await start('down:', [], own);
      await join(a.url, 'dave');
      await own.stop();
      const refused = await login(a, 'dave', 'any-guess-at-all', '127.0.0.2');
      expect(problemOf(refused)).toEqual({
        status: 503,
        type: 'application/problem+json',
        code: 'unavailable',
        field: undefined,
      });
      expect(refused.headers['retry-after']).toBe('1');
      // Refused by the login limit itself, the first thing a login asks, and not as a fault (a 500), nor logged
      // once per request: the outage is logged once, by the connection.
      expect(refused.body.detail).toBe('the rate limits are unreachable; try again shortly');
      await a.waitForLog(
        (entry) => entry.msg === 'lost the connection to Redis; writes fail with 503 until it is back',
      );
      expect(a.logs.filter((entry) => entry.msg === 'request failed' || entry.status === 503)).toEqual([]);
    } finally {
      await own.stop();
    }
  });
});
