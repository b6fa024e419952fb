import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { redisForFile } from '../support/redis-server.js';
import { openSse } from '../support/sse.js';

// Two real Parley processes on one real redis-server: a session signed out through one must be out on both,
// its streams on the other ended with the reason.
const redis = redisForFile();

const openStream = (server: ServerProcess, user: TestUser) =>
  openSse(`${server.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}` });
const sessionsOf = async (server: ServerProcess, user: TestUser) =>
  (await api(server.url, 'GET', '/sessions', { token: user.token })).body.sessions as {
    id: string;
    current: boolean;
  }[];

async function signIn(server: ServerProcess, user: TestUser, password = user.password): Promise<TestUser> {
  const res = await api(server.url, 'POST', '/sessions', { json: { username: user.name, password } });
  expect(res.status).toBe(200);
  return { ...user, token: res.body.token };
}

describe('signing out, changing the password and deleting the account across two processes on one Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    const args = ['--store', 'redis', '--redis-url', redis.url, '--redis-prefix', redis.prefix('own-account')];
    [a, b] = await Promise.all([spawnServer(args), spawnServer(args)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('revokes a session through one process: its stream on the other ends with end: revoked, its token is refused on both', async () => {
    const laptop = await register(a.url, 'alice');
    const phone = await signIn(b, laptop);
    const phoneStream = await openStream(b, phone);
    const phoneId = (await sessionsOf(b, phone)).find((s) => s.current)!.id;
    // Listed the same by either process.
    expect((await sessionsOf(a, laptop)).map((s) => s.id)).toContain(phoneId);

    // Sends through b, which then knows the phone's session without reading it for the next send.
    const carol = await register(a.url, 'carol');
    const send = (server: ServerProcess, text: string) =>
      api(server.url, 'POST', '/messages', { token: phone.token, json: { to: 'carol', text } });
    expect((await send(b, 'before')).status).toBe(202);

    expect((await api(a.url, 'DELETE', `/sessions/${phoneId}`, { token: laptop.token })).status).toBe(204);
    await phoneStream.ended;
    expect(phoneStream.comments).toContain('end: revoked');
    for (const server of [a, b]) {
      expectProblem(await api(server.url, 'GET', '/users', { token: phone.token }), 401, 'unauthorized');
      expectProblem(await send(server, 'after'), 401, 'unauthorized');
      expectProblem(
        await api(server.url, 'POST', '/broadcast', { token: phone.token, json: { text: 'after' } }),
        401,
        'unauthorized',
      );
    }
    expect((await api(b.url, 'GET', '/users', { token: laptop.token })).status).toBe(200);
    // Nothing sent with the revoked token was stored.
    const history = await api(b.url, 'GET', '/messages?with=alice', { token: carol.token });
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['before']);
    const sent = await api(b.url, 'POST', '/messages', { token: laptop.token, json: { to: 'carol', text: 'laptop' } });
    expect(sent.status).toBe(202);
  });

  it('changes the password through one process: the other sessions end on the other, which refuses the old password', async () => {
    const laptop = await register(a.url, 'bob');
    const phone = await signIn(b, laptop);
    // The second process learns the old password's hash by checking it.
    await signIn(b, laptop);
    const phoneStream = await openStream(b, phone);
    const laptopStream = await openStream(b, laptop);

    const change = await api(a.url, 'PUT', '/account/password', {
      token: laptop.token,
      json: { currentPassword: laptop.password, newPassword: 'bob-secret-2' },
    });
    expect(change.status).toBe(204);
    await phoneStream.ended;
    expect(phoneStream.comments).toContain('end: password_changed');
    expect(await sessionsOf(b, laptop)).toEqual([expect.objectContaining({ current: true })]);
    expectProblem(
      await api(b.url, 'POST', '/sessions', { json: { username: 'bob', password: laptop.password } }),
      401,
      'bad_credentials',
      'body.password',
    );
    await signIn(b, laptop, 'bob-secret-2');
    // The session that made the change streams on, on the other process.
    const carol = await register(b.url, 'carol');
    const sent = await api(a.url, 'POST', '/messages', {
      token: carol.token,
      json: { to: 'bob', text: 'still with you' },
    });
    await laptopStream.until((events) => events.some((e) => e.event === 'message' && e.id === sent.body.id));
    laptopStream.close();
  });

  it('deletes the account through one process: its streams on the other end and the name is free on both', async () => {
    const dave = await register(a.url, 'dave');
    const elsewhere = await signIn(b, dave);
    const stream = await openStream(b, elsewhere);
    expect(
      (await api(a.url, 'DELETE', '/account', { token: dave.token, json: { password: dave.password } })).status,
    ).toBe(204);
    await stream.ended;
    expect(stream.comments).toContain('end: deleted');
    expectProblem(await api(b.url, 'GET', '/users', { token: elsewhere.token }), 401, 'unauthorized');
    expect(
      (await api(b.url, 'POST', '/sessions', { json: { username: 'dave', password: 'a-new-dave-1' } })).status,
    ).toBe(201);
  });
});
