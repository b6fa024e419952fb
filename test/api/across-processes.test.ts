import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { redisForFile } from '../support/redis-server.js';
import { openSse, type SseEvent, type SseReader } from '../support/sse.js';

// Two real Parley processes on one real redis-server: requests and streams spread over both must behave as
// one server.
const redis = redisForFile();

/** Two processes on one Redis, under a key prefix of their own. */
async function twoProcesses(extra: readonly string[] = []): Promise<[ServerProcess, ServerProcess]> {
  const args = ['--store', 'redis', '--redis-url', redis.url, '--redis-prefix', redis.prefix('across'), ...extra];
  return Promise.all([spawnServer(args), spawnServer(args)]);
}

const bearer = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });
const openStream = (server: ServerProcess, user: TestUser, query = '', headers: Record<string, string> = {}) =>
  openSse(`${server.url}${streamPath(user)}${query}`, { ...bearer(user), ...headers });
const send = (server: ServerProcess, from: TestUser, to: string, text: string) =>
  api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
const messageIds = (stream: SseReader) => stream.messages<{ id: string }>().map((m) => m.id);
const presenceOf = (name: string, online: boolean) => (events: SseEvent[]) =>
  events.some((e) => e.event === 'presence' && e.data.includes(JSON.stringify({ name, online })));

describe('two Parley processes on one Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    [a, b] = await twoProcesses();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('delivers direct, group and broadcast messages accepted by either to the streams on both, once each, in order', async () => {
    const alice = await register(a.url, 'alice');
    const bob = await register(b.url, 'bob');
    const carol = await register(a.url, 'carol');
    const onA = await openStream(a, bob);
    const onB = await openStream(b, bob);
    expect(
      (await api(b.url, 'POST', '/groups', { token: carol.token, json: { name: 'pair', members: ['bob'] } })).status,
    ).toBe(201);

    const accepted: string[] = [];
    for (let i = 0; i < 30; i++) {
      const via = i % 2 === 0 ? a : b;
      const res =
        i % 10 === 5
          ? await api(via.url, 'POST', '/broadcast', { token: alice.token, json: { text: `all ${i}` } })
          : await send(via, i % 3 === 0 ? carol : alice, i % 3 === 0 ? 'pair' : 'bob', `m ${i}`);
      expect(res.status).toBe(202);
      accepted.push(res.body.id);
    }
    for (const stream of [onA, onB]) {
      await stream.until((events) => events.filter((e) => e.event === 'message').length >= accepted.length);
      expect(messageIds(stream)).toEqual(accepted);
    }
    onA.close();
    onB.close();
  });

  it('sees a registration and a new group made on the other at once', async () => {
    const dave = await register(a.url, 'dave');
    // No wait between: the other process looks up what it does not know yet.
    const listed = await api(b.url, 'GET', '/users', { token: dave.token });
    expect(listed.body.users).toContainEqual({ name: 'dave', online: false });
    const erin = await register(a.url, 'erin');
    const again = await api(b.url, 'POST', '/sessions', { json: { username: 'erin', password: erin.password } });
    expect(again.status).toBe(200);
    expect((await send(b, dave, 'erin', 'hello from the other process')).status).toBe(202);
    expect(
      (await api(a.url, 'POST', '/groups', { token: dave.token, json: { name: 'duo', members: ['erin'] } })).status,
    ).toBe(201);
    expect((await send(b, erin, 'duo', 'to the new group')).status).toBe(202);
    const users = await api(b.url, 'GET', '/users', { token: erin.token });
    expect(users.body.users.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['dave', 'erin']));
    // Taken is taken, whichever process is asked.
    expect(
      (await api(b.url, 'POST', '/groups', { token: erin.token, json: { name: 'duo', members: ['dave'] } })).status,
    ).toBe(409);
  });

  it('shows presence and get_users from the streams of both processes', async () => {
    const frank = await register(a.url, 'frank');
    const grace = await register(b.url, 'grace');
    const watcher = await openStream(b, grace, '?presence=true');
    const first = await openStream(a, frank);
    await watcher.until(presenceOf('frank', true));
    expect((await api(b.url, 'GET', '/users', { token: grace.token })).body.users).toContainEqual({
      name: 'frank',
      online: true,
    });
    // A second stream on the other process: still one user online, and closing one of the two changes nothing.
    const second = await openStream(b, frank);
    first.close();
    const text = await api(a.url, 'GET', '/users', { token: grace.token, headers: { accept: 'text/plain' } });
    expect(text.text).toContain('o frank');
    second.close();
    await watcher.until(presenceOf('frank', false));
    expect((await api(a.url, 'GET', '/users', { token: grace.token })).body.users).toContainEqual({
      name: 'frank',
      online: false,
    });
    watcher.close();
  });

  it('ends a session everywhere on exit: its streams on the other process end and its token stops working there', async () => {
    const heidi = await register(a.url, 'heidi');
    const stream = await openStream(b, heidi);
    expect((await api(a.url, 'DELETE', '/sessions/current', { token: heidi.token })).status).toBe(204);
    await stream.ended;
    expect(stream.comments).toContain('end: exit');
    expect((await api(b.url, 'GET', '/users', { token: heidi.token })).status).toBe(401);
  });

  it('resumes a stream cut on one process on the other with Last-Event-ID, with exactly what follows', async () => {
    const ivan = await register(a.url, 'ivan');
    const judy = await register(b.url, 'judy');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await send(i % 2 === 0 ? a : b, ivan, 'judy', `r ${i}`)).body.id);
    const first = await openStream(a, judy);
    await first.until((events) => events.filter((e) => e.event === 'message').length >= 3);
    first.close();
    const cut = messageIds(first)[2]!;
    for (let i = 6; i < 9; i++) ids.push((await send(i % 2 === 0 ? a : b, ivan, 'judy', `r ${i}`)).body.id);
    const resumed = await openStream(b, judy, '', { 'last-event-id': cut });
    await resumed.until((events) => events.filter((e) => e.event === 'message').length >= 6);
    expect(messageIds(resumed)).toEqual(ids.slice(3));
    // And a stream opened with no position starts after what the first process wrote (recorded within a second).
    resumed.close();
  });

  it("refuses a bot's old token on the other process at once when its owner rotates it, and ends its stream there", async () => {
    const owner = await register(a.url, 'owner');
    const made = await api(a.url, 'POST', '/bots', { token: owner.token, json: { name: 'rotor' } });
    expect(made.status).toBe(201);
    const old = { name: 'rotor', password: '', token: made.body.token as string };
    expect((await api(b.url, 'GET', '/users', { token: old.token })).status).toBe(200);
    const stream = await openStream(b, old);
    expect(stream.status).toBe(200);
    const login = await api(b.url, 'POST', '/sessions', { json: { username: 'rotor', password: 'anything-at-all' } });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('bot_account');

    const rotated = await api(a.url, 'POST', '/bots/rotor/token', { token: owner.token });
    expect(rotated.status).toBe(201);
    await stream.ended;
    expect((await api(b.url, 'GET', '/users', { token: old.token })).status).toBe(401);
    const users = await api(b.url, 'GET', '/users', { token: rotated.body.token });
    expect(users.status).toBe(200);
    expect(users.body.users).toContainEqual({ name: 'rotor', online: false, bot: true });
  });
});

describe('the limits of two processes on one Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    [a, b] = await twoProcesses(['--max-streams-per-user', '2', '--queue-limit', '3']);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('holds the streams per user over both processes', async () => {
    const kim = await register(a.url, 'kim');
    const watcher = await openStream(b, await register(b.url, 'lea'), '?presence=true');
    const opened = [await openStream(a, kim), await openStream(b, kim)];
    for (const server of [a, b]) {
      const refused = await api(server.url, 'GET', streamPath(kim), { token: kim.token });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).not.toBeNull();
    }
    for (const stream of opened) stream.close();
    // Their places are free again once both processes have seen them close: kim is offline then.
    await watcher.until(presenceOf('kim', false));
    const again = [await openStream(b, kim), await openStream(a, kim)];
    expect(again.map((stream) => stream.status)).toEqual([200, 200]);
    for (const stream of [...again, watcher]) stream.close();
  });

  it('holds the queue limit of a recipient over the sends of both processes', async () => {
    const leo = await register(a.url, 'leo');
    await register(b.url, 'mia');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(i % 2 === 0 ? a : b, leo, 'mia', `q ${i}`)).status);
    expect(statuses).toEqual([202, 202, 202, 409, 409]);
  });
});
