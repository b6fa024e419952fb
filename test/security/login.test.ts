import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { startTestServer } from '../support/server.js';
import { call, join, problemOf } from './client.js';

let server: RunningServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

const login = (name: string, password: string, localAddress = '127.0.0.1') =>
  call(server!.url, 'POST', '/sessions', { json: { username: name, password }, localAddress });

describe('failed logins', () => {
  it('limits a thousand wrong passwords from one address with 429 and Retry-After, and the owner still logs in from another address', async () => {
    server = await startTestServer();
    const owner = await join(server.url, 'victim', { localAddress: '127.0.0.5' });
    const statuses = new Map<number, number>();
    let limited;
    for (let i = 0; i < 1_000; i++) {
      const res = await login('victim', `guess-number-${i}`, '127.0.0.2');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) limited ??= res;
    }
    // The default budget: 5 failures per account and address in a window of 5 × --login-backoff-ms (5 min),
    // then every attempt waits for its end.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 5, 429: 995 });
    expect(problemOf(limited!)).toEqual({
      status: 429,
      type: 'application/problem+json',
      code: 'rate_limited',
      field: undefined,
    });
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers['retry-after'])).toBeLessThanOrEqual(300);

    const res = await login('victim', owner.password, '127.0.0.3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'victim', created: false });
  });

  it('refuses even the right password from the limited address until the wait is over', async () => {
    server = await startTestServer({ loginPairFailures: 2 });
    const owner = await join(server.url, 'carol');
    for (let i = 0; i < 2; i++) expect((await login('carol', 'wrong-password', '127.0.0.2')).status).toBe(401);
    expect((await login('carol', owner.password, '127.0.0.2')).status).toBe(429);
    expect((await login('carol', owner.password, '127.0.0.1')).status).toBe(200);
  });

  it('forgives the failures once their window is over (failures × backoff), so a limited client may try again later', async () => {
    // The limits count by the wall clock; only Date is faked, so sockets and timers run as ever.
    vi.useFakeTimers({ toFake: ['Date'] });
    server = await startTestServer({ loginPairFailures: 2, loginBackoffMs: 30_000 });
    await join(server.url, 'dave');
    for (let i = 0; i < 2; i++) expect((await login('dave', 'wrong-password', '127.0.0.2')).status).toBe(401);
    const limited = await login('dave', 'wrong-password', '127.0.0.2');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    // A window, not a bucket: half-way through, nothing has come back yet.
    vi.setSystemTime(Date.now() + 30_000);
    expect((await login('dave', 'wrong-password', '127.0.0.2')).headers['retry-after']).toBe('30');
    vi.setSystemTime(Date.now() + 30_000);
    for (let i = 0; i < 2; i++) expect((await login('dave', 'wrong-password', '127.0.0.2')).status).toBe(401);
    expect((await login('dave', 'wrong-password', '127.0.0.2')).status).toBe(429);
  });

  it('limits one address guessing across many accounts', async () => {
    server = await startTestServer({ loginAddressFailures: 3 });
    for (const name of ['ann', 'ben', 'cat', 'dan']) await join(server.url, name);
    const answers = [];
    for (const name of ['ann', 'ben', 'cat', 'dan'])
      answers.push((await login(name, 'wrong-password', '127.0.0.2')).status);
    expect(answers).toEqual([401, 401, 401, 429]);
    // A limited address cannot register new names either: the answer does not depend on the name.
    expect(problemOf(await login('newcomer', 'any-password', '127.0.0.2'))).toMatchObject({
      status: 429,
      code: 'rate_limited',
    });
    expect((await login('newcomer', 'any-password', '127.0.0.3')).status).toBe(201);
  });

  it('limits guesses at one account spread over many addresses, more loosely than one address', async () => {
    server = await startTestServer({ loginAccountFailures: 4 });
    await join(server.url, 'eve');
    const answers = [];
    for (let i = 2; i <= 6; i++) answers.push((await login('eve', 'wrong-password', `127.0.0.${i}`)).status);
    expect(answers).toEqual([401, 401, 401, 401, 429]);
  });

  it('gives back the attempt of a successful login, so an owner who mistypes now and then is never limited', async () => {
    server = await startTestServer({ loginPairFailures: 2 });
    const owner = await join(server.url, 'fay');
    for (let round = 0; round < 5; round++) {
      expect((await login('fay', 'mistyped-password')).status).toBe(401);
      expect((await login('fay', owner.password)).status).toBe(200);
    }
  });

  it('answers a wrong password with the same problem whatever the account', async () => {
    server = await startTestServer();
    await join(server.url, 'gus');
    await join(server.url, 'hal', { password: 'a-much-longer-password-than-the-other' });
    const a = await login('gus', 'wrong-password');
    const b = await login('hal', 'wrong-password');
    expect(problemOf(a)).toEqual({
      status: 401,
      type: 'application/problem+json',
      code: 'bad_credentials',
      field: 'body.password',
    });
    expect({ ...a.body, detail: a.body.detail.replace('gus', 'NAME') }).toEqual({
      ...b.body,
      detail: b.body.detail.replace('hal', 'NAME'),
    });
  });

  it('holds concurrent guesses to the budget: a thousand at once get no more than five password checks', async () => {
    server = await startTestServer();
    await join(server.url, 'ivy');
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => login('ivy', `concurrent-guess-${i}`, '127.0.0.2').then((r) => r.status)),
    );
    expect(answers.filter((s) => s === 401)).toHaveLength(5);
    expect(answers.filter((s) => s === 429)).toHaveLength(995);
  });
});
