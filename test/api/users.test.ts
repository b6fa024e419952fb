import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  bob = await register(server.url, 'bob');
  alice = await register(server.url, 'alice');
});
afterAll(() => server.close());

describe('GET /users (get_users)', () => {
  it('lists every registered user sorted by name, offline until a stream is open', async () => {
    const res = await api(server.url, 'GET', '/users', { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      users: [
        { name: 'alice', online: false },
        { name: 'bob', online: false },
      ],
    });
  });

  it('shows a user online while a stream of theirs is open and offline once it closes', async () => {
    const watcher = await openSse(`${server.url}${streamPath(alice)}?presence=true`, {
      authorization: `Bearer ${alice.token}`,
    });
    const stream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    const online = await api(server.url, 'GET', '/users', { token: alice.token });
    expect(online.body.users).toContainEqual({ name: 'bob', online: true });
    stream.close();
    // The server announces the change once it has seen the socket close.
    await watcher.until((events) =>
      events.some((e) => e.event === 'presence' && e.data.includes('{"name":"bob","online":false}')),
    );
    const offline = await api(server.url, 'GET', '/users', { token: alice.token });
    expect(offline.body.users).toContainEqual({ name: 'bob', online: false });
    watcher.close();
    await watcher.ended;
  });

  it('prints the original listing with Accept: text/plain: "o name" online, "x name" offline', async () => {
    const stream = await openSse(server.url + streamPath(alice), { authorization: `Bearer ${alice.token}` });
    const res = await api(server.url, 'GET', '/users', { token: alice.token, headers: { accept: 'text/plain' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('o alice\nx bob\n');
    stream.close();
  });
});
