import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { openSse, type SseReader } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { call, join, problemOf } from './client.js';

let server: RunningServer | undefined;
const streams: SseReader[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const stream of streams.splice(0)) stream.close();
  await server?.close();
  server = undefined;
});

const post = (token: string, path: string, json: unknown) => call(server!.url, 'POST', path, { token, json });

describe('send limits', () => {
  it('lets a user send the default burst of 200 messages at once', async () => {
    server = await startTestServer();
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(alice.token, '/messages', { to: 'bob', text: `m${i}` })),
    );
    expect(answers.every((r) => r.status === 202)).toBe(true);
  });

  it('answers messages past the burst with 429 rate_limited and a Retry-After until the window the burst opened is over', async () => {
    // The limits count by the wall clock; only Date is faked, so sockets and timers run as ever.
    vi.useFakeTimers({ toFake: ['Date'] });
    server = await startTestServer({ messageBurst: 3, messageRate: 60 });
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    for (let i = 0; i < 3; i++)
      expect((await post(alice.token, '/messages', { to: 'bob', text: 'hi' })).status).toBe(202);
    const limited = await post(alice.token, '/messages', { to: 'bob', text: 'one too many' });
    expect(problemOf(limited)).toEqual({
      status: 429,
      type: 'application/problem+json',
      code: 'rate_limited',
      field: undefined,
    });
    // 3 at 60 per minute: 3 messages per window of 3 s, opened by the first.
    expect(limited.headers['retry-after']).toBe('3');
    // The command line is the same executor behind another door: the same budget.
    const line = await call(server.url, 'POST', '/commands', {
      token: alice.token,
      body: 'bob: still too many',
      headers: { 'content-type': 'text/plain' },
    });
    expect(problemOf(line)).toMatchObject({ status: 429, code: 'rate_limited' });
    vi.setSystemTime(Date.now() + 2_000);
    expect((await post(alice.token, '/messages', { to: 'bob', text: 'not yet' })).headers['retry-after']).toBe('1');
    vi.setSystemTime(Date.now() + 1_000);
    for (let i = 0; i < 3; i++)
      expect((await post(alice.token, '/messages', { to: 'bob', text: 'the next window' })).status).toBe(202);
    expect((await post(alice.token, '/messages', { to: 'bob', text: 'one too many again' })).status).toBe(429);
  });

  it('counts each user on their own budget', async () => {
    server = await startTestServer({ messageBurst: 1 });
    const alice = await join(server.url, 'alice');
    const bob = await join(server.url, 'bob');
    expect((await post(alice.token, '/messages', { to: 'bob', text: 'hi' })).status).toBe(202);
    expect((await post(alice.token, '/messages', { to: 'bob', text: 'hi again' })).status).toBe(429);
    expect((await post(bob.token, '/messages', { to: 'alice', text: 'hello' })).status).toBe(202);
  });

  it('limits broadcasts per user with 429 and Retry-After', async () => {
    server = await startTestServer({ broadcastBurst: 2, broadcastRate: 1 });
    const alice = await join(server.url, 'alice');
    for (let i = 0; i < 2; i++) expect((await post(alice.token, '/broadcast', { text: 'hear ye' })).status).toBe(202);
    const limited = await post(alice.token, '/broadcast', { text: 'hear ye again' });
    expect(problemOf(limited)).toMatchObject({ status: 429, code: 'rate_limited' });
    // 2 at 1 per minute: 2 per window of 2 min.
    expect(limited.headers['retry-after']).toBe('120');
  });

  it('limits group creations per user with 429 and Retry-After', async () => {
    server = await startTestServer({ groupBurst: 2, groupRate: 6 });
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    for (const name of ['g1', 'g2'])
      expect((await post(alice.token, '/groups', { name, members: ['bob'] })).status).toBe(201);
    const limited = await post(alice.token, '/groups', { name: 'g3', members: ['bob'] });
    expect(problemOf(limited)).toMatchObject({ status: 429, code: 'rate_limited' });
    // 2 at 6 per minute: 2 per window of 20 s.
    expect(limited.headers['retry-after']).toBe('20');
  });

  it('turns a rate off with 0', async () => {
    server = await startTestServer({ messageRate: 0, messageBurst: 1 });
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(alice.token, '/messages', { to: 'bob', text: 'x' })),
    );
    expect(answers.every((r) => r.status === 202)).toBe(true);
  });
});

describe('resource limits', () => {
  it('refuses a group past the number a user may create with 422 too_many_groups', async () => {
    server = await startTestServer({ maxGroupsPerUser: 2 });
    const alice = await join(server.url, 'alice');
    const bob = await join(server.url, 'bob');
    for (const name of ['g1', 'g2'])
      expect((await post(alice.token, '/groups', { name, members: ['bob'] })).status).toBe(201);
    expect(problemOf(await post(alice.token, '/groups', { name: 'g3', members: ['bob'] }))).toEqual({
      status: 422,
      type: 'application/problem+json',
      code: 'too_many_groups',
      field: 'body.name',
    });
    // Being a member of groups others made does not count.
    expect((await post(bob.token, '/groups', { name: 'g4', members: ['alice'] })).status).toBe(201);
  });

  it('refuses a stream past the per-user limit with 429 too_many_streams, and takes one again once streams close', async () => {
    const running = (server = await startTestServer({ maxStreamsPerUser: 2 }));
    const alice = await join(running.url, 'alice');
    const bob = await join(running.url, 'bob');
    const watcher = await openSse(`${running.url}/users/bob/stream?presence=true`, {
      authorization: `Bearer ${bob.token}`,
    });
    streams.push(watcher);
    const open = () => openSse(`${running.url}/users/alice/stream`, { authorization: `Bearer ${alice.token}` });
    const [first, second] = [await open(), await open()];
    const refused = await call(running.url, 'GET', '/users/alice/stream', { token: alice.token });
    expect(problemOf(refused)).toEqual({
      status: 429,
      type: 'application/problem+json',
      code: 'too_many_streams',
      field: undefined,
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    first!.close();
    second!.close();
    // Once the server has seen both go, alice is announced offline, and she may open streams again.
    await watcher.until((events) =>
      events.some((e) => e.event === 'presence' && e.data.includes('{"name":"alice","online":false}')),
    );
    const again = await open();
    streams.push(again);
    expect(again.status).toBe(200);
  });

  it('refuses a stream past the server-wide limit with 503 and Retry-After, and keeps serving everything else', async () => {
    server = await startTestServer({ maxStreams: 2 });
    const users = [await join(server.url, 'ann'), await join(server.url, 'ben'), await join(server.url, 'cid')];
    for (const user of users.slice(0, 2)) {
      streams.push(await openSse(`${server.url}/users/${user.name}/stream`, { authorization: `Bearer ${user.token}` }));
    }
    const refused = await call(server.url, 'GET', '/users/cid/stream', { token: users[2]!.token });
    expect(problemOf(refused)).toEqual({
      status: 503,
      type: 'application/problem+json',
      code: 'unavailable',
      field: undefined,
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await post(users[2]!.token, '/messages', { to: 'ann', text: 'the server still answers' })).status).toBe(
      202,
    );
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('refuses a body over the size limit with 413 and a text over the length limit with 400 naming body.text', async () => {
    server = await startTestServer({ maxBodyBytes: 1_024, maxTextLength: 100 });
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    expect(problemOf(await post(alice.token, '/messages', { to: 'bob', text: 'x'.repeat(2_000) }))).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
    expect(problemOf(await post(alice.token, '/messages', { to: 'bob', text: 'x'.repeat(101) }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
      field: 'body.text',
    });
  });

  it('refuses a message to a user whose pending queue is full with 409 queue_full', async () => {
    server = await startTestServer({ queueLimit: 2 });
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    for (let i = 0; i < 2; i++)
      expect((await post(alice.token, '/messages', { to: 'bob', text: 'hi' })).status).toBe(202);
    expect(problemOf(await post(alice.token, '/messages', { to: 'bob', text: 'hi' }))).toMatchObject({
      status: 409,
      code: 'queue_full',
    });
  });
});
