import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { openSse, messageCount } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { call, join, problemOf, type Joined } from './client.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every authenticated endpoint, with a body it would accept. */
const endpoints = (user: Joined, peer: string) =>
  [
    ['GET', '/users', {}],
    ['GET', '/groups', {}],
    ['POST', '/groups', { json: { name: `g${Math.random().toString(36).slice(2, 8)}`, members: [peer] } }],
    ['POST', '/messages', { json: { to: peer, text: 'hi' } }],
    ['POST', '/broadcast', { json: { text: 'hi all' } }],
    ['POST', '/commands', { body: 'get_users', headers: { 'content-type': 'text/plain' } }],
    ['GET', `/users/${user.name}/stream`, {}],
    ['DELETE', '/sessions/current', {}],
  ] as const;

async function expectRefusedEverywhere(user: Joined, peer: string): Promise<void> {
  for (const [method, path, options] of endpoints(user, peer)) {
    const res = await call(server!.url, method, path, { ...options, token: user.token });
    expect({ method, path, ...problemOf(res) }).toEqual({
      method,
      path,
      status: 401,
      type: 'application/problem+json',
      code: 'unauthorized',
      field: undefined,
    });
  }
}

describe('tokens', () => {
  it('answers 401 on every endpoint once a token has outlived its lifetime', async () => {
    let clock = 1_000_000;
    server = await startTestServer({ sessionTtlMs: 60_000 }, { now: () => clock });
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    expect((await call(server.url, 'GET', '/users', { token: alice.token })).status).toBe(200);
    clock += 60_000;
    await expectRefusedEverywhere(alice, 'bob');
  });

  it('keeps a token alive while it is used: each use past half its lifetime extends it', async () => {
    let clock = 1_000_000;
    server = await startTestServer({ sessionTtlMs: 60_000 }, { now: () => clock });
    const alice = await join(server.url, 'alice');
    for (let i = 0; i < 5; i++) {
      clock += 40_000;
      expect((await call(server.url, 'GET', '/users', { token: alice.token })).status).toBe(200);
    }
    clock += 60_000;
    expect((await call(server.url, 'GET', '/users', { token: alice.token })).status).toBe(401);
  });

  it('revokes the token on exit: 401 everywhere after, and the streams it opened end', async () => {
    server = await startTestServer();
    const alice = await join(server.url, 'alice');
    await join(server.url, 'bob');
    const stream = await openSse(`${server.url}/users/alice/stream`, { authorization: `Bearer ${alice.token}` });
    expect((await call(server.url, 'DELETE', '/sessions/current', { token: alice.token })).status).toBe(204);
    await stream.ended;
    expect(stream.comments).toContain('end: exit');
    await expectRefusedEverywhere(alice, 'bob');
  });

  it('ends a stream whose token expires while it is open, and leaves the streams of other tokens running', async () => {
    let clock = 1_000_000;
    server = await startTestServer({ sessionTtlMs: 60_000, heartbeatMs: 20 }, { now: () => clock });
    const first = await join(server.url, 'alice');
    const doomed = await openSse(`${server.url}/users/alice/stream`, { authorization: `Bearer ${first.token}` });
    clock += 50_000;
    const second = await join(server.url, 'alice', { password: first.password });
    const survivor = await openSse(`${server.url}/users/alice/stream`, { authorization: `Bearer ${second.token}` });
    clock += 10_000;
    await doomed.ended;
    expect(doomed.comments).toContain('end: exit');
    const bob = await join(server.url, 'bob');
    expect(
      (await call(server.url, 'POST', '/messages', { token: bob.token, json: { to: 'alice', text: 'still there?' } }))
        .status,
    ).toBe(202);
    await survivor.until(messageCount(1));
    expect(survivor.messages()).toMatchObject([{ text: 'still there?' }]);
    survivor.close();
  });
});
