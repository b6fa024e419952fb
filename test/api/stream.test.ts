import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { captureLog } from '../support/log-capture.js';
import { expectProblem } from '../support/problems.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { assertSchema } from '../support/spec.js';

let server: RunningServer;
let alice: TestUser;
beforeAll(async () => {
  server = await startTestServer({ heartbeatMs: 50, retryMs: 1234 });
  alice = await register(server.url, 'alice');
});
afterAll(() => server.close());
afterEach(async () => {
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

const sendMany = async (from: TestUser, to: TestUser, texts: string[]) => {
  const ids: string[] = [];
  for (const text of texts)
    ids.push((await api(server.url, 'POST', '/messages', { token: from.token, json: { to: to.name, text } })).body.id);
  return ids;
};
const open = (user: TestUser, headers: Record<string, string> = {}, query = '') =>
  openSse(server.url + streamPath(user) + query, { authorization: `Bearer ${user.token}`, ...headers });

describe('GET /users/{name}/stream', () => {
  it('is an event stream with a retry hint and heartbeat comments', async () => {
    const user = await register(server.url);
    const stream = await open(user);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-store');
    await stream.until(() => stream.comments.includes('heartbeat'));
    expect(stream.retries).toEqual([1234]);
    stream.close();
  });

  it('sends what waited, oldest first, then live messages', async () => {
    const user = await register(server.url);
    const waiting = await sendMany(alice, user, ['one', 'two']);
    const stream = await open(user);
    await stream.until(messageCount(2));
    const live = await sendMany(alice, user, ['three']);
    await stream.until(messageCount(3));
    const events = stream.events.filter((e) => e.event === 'message');
    expect(events.map((e) => e.id)).toEqual([...waiting, ...live]);
    expect(stream.messages<any>().map((m) => m.text)).toEqual(['one', 'two', 'three']);
    for (const m of stream.messages()) assertSchema('Msgform', m);
    stream.close();
  });

  it('gives ids that increase strictly per recipient', async () => {
    const user = await register(server.url);
    const ids = await sendMany(alice, user, ['a', 'b', 'c', 'd']);
    const numeric = ids.map(Number);
    expect([...numeric].sort((x, y) => x - y)).toEqual(numeric);
    expect(new Set(numeric).size).toBe(4);
  });

  it('does not repeat, on a stream opened without Last-Event-ID, what an earlier stream was sent', async () => {
    const user = await register(server.url);
    await sendMany(alice, user, ['first', 'second']);
    const first = await open(user);
    await first.until(messageCount(2));
    // Ended by the server (exit), so no message can be written to it after this point.
    expect((await api(server.url, 'DELETE', '/sessions/current', { token: user.token })).status).toBe(204);
    await first.ended;
    await sendMany(alice, user, ['third']);
    const again = await register(server.url, user.name);
    const second = await open(again);
    await second.until(messageCount(1));
    const fourth = await sendMany(alice, user, ['fourth']);
    await second.until(messageCount(2));
    expect(second.messages<any>().map((m) => m.text)).toEqual(['third', 'fourth']);
    expect(second.events.filter((e) => e.event === 'message').at(-1)!.id).toBe(fourth[0]);
    second.close();
  });

  it('resumes after Last-Event-ID with exactly the messages after it, by header or query', async () => {
    const user = await register(server.url);
    const ids = await sendMany(alice, user, ['m1', 'm2', 'm3', 'm4', 'm5']);
    const cut = await open(user);
    await cut.until(messageCount(5));
    cut.close();
    const byHeader = await open(user, { 'last-event-id': ids[1]! });
    await byHeader.until(messageCount(3));
    const more = await sendMany(alice, user, ['m6']);
    await byHeader.until(messageCount(4));
    expect(byHeader.events.filter((e) => e.event === 'message').map((e) => e.id)).toEqual([...ids.slice(2), ...more]);
    byHeader.close();
    const byQuery = await open(user, {}, `?lastEventId=${ids[3]}`);
    await byQuery.until(messageCount(2));
    expect(byQuery.messages<any>().map((m) => m.text)).toEqual(['m5', 'm6']);
    byQuery.close();
  });

  it("delivers every message to each of a user's open streams", async () => {
    const user = await register(server.url);
    const [laptop, phone] = [await open(user), await open(user)];
    await sendMany(alice, user, ['to both']);
    await laptop.until(messageCount(1));
    await phone.until(messageCount(1));
    expect(laptop.messages()).toEqual(phone.messages());
    laptop.close();
    phone.close();
  });

  it('says explicitly what was lost when Last-Event-ID is older than the retention window', async () => {
    const captured = captureLog();
    const small = await startTestServer({ retainMs: 0, pruneIntervalMs: 20 }, { log: captured.log });
    try {
      const [a, b] = [await register(small.url, 'a'), await register(small.url, 'b')];
      const ids: string[] = [];
      for (let i = 0; i < 70; i++)
        ids.push(
          (await api(small.url, 'POST', '/messages', { token: a.token, json: { to: 'b', text: `n${i}` } })).body.id,
        );
      const reader = await openSse(`${small.url}/users/b/stream`, { authorization: `Bearer ${b.token}` });
      await reader.until(messageCount(70));
      reader.close();
      // All 70 were delivered, and with a retention of 0 every pass takes what is delivered: wait until they went.
      const pruned = () =>
        captured.entries
          .filter((e) => e.msg === 'pruned delivered messages past the retention window')
          .reduce((sum, e) => sum + Number(e.removed), 0);
      await captured.until(() => pruned() >= 70);
      const late = await openSse(`${small.url}/users/b/stream`, {
        authorization: `Bearer ${b.token}`,
        'last-event-id': ids[0]!,
      });
      await late.until((events) => events.some((e) => e.event === 'lost'));
      const lost = JSON.parse(late.events.find((e) => e.event === 'lost')!.data);
      assertSchema('LostEvent', lost);
      expect(lost).toMatchObject({ reason: 'retention', after: ids[0] });
      expect(Number(lost.through)).toBeGreaterThan(Number(ids[0]));
      late.close();
    } finally {
      await small.close();
    }
  });

  it('sends no presence event to a stream that did not ask for them while others come and go', async () => {
    const quiet = await register(server.url);
    const [quietStream, watcher] = [await open(quiet), await open(alice, {}, '?presence=true')];
    const visitor = await register(server.url);
    const visit = await open(visitor);
    const online = `{"name":"${visitor.name}","online":true}`;
    await watcher.until((events) => events.some((e) => e.event === 'presence' && e.data.includes(online)));
    visit.close();
    await watcher.until((events) =>
      events.some((e) => e.event === 'presence' && e.data.includes(`{"name":"${visitor.name}","online":false}`)),
    );
    // A message sent after the last presence event arrives after anything that event could have put on the quiet stream.
    const [marker] = await sendMany(alice, quiet, ['after the visit']);
    await quietStream.until((events) => events.some((e) => e.id === marker));
    expect(quietStream.events.map((e) => e.event)).toEqual(['message']);
    expectProblem(
      await api(server.url, 'GET', `${streamPath(quiet)}?presence=yes`, { token: quiet.token }),
      400,
      'invalid_request',
      'query.presence',
    );
    quietStream.close();
    watcher.close();
  });

  it('says the store does not hold a Last-Event-ID it never gave the user, then delivers what follows', async () => {
    const user = await register(server.url);
    const [before] = await sendMany(alice, user, ['before']);
    // A position beyond every id: the store cannot have issued it.
    const stream = await open(user, { 'last-event-id': '9007199254740991' });
    await stream.until((events) => events.some((e) => e.event === 'lost'));
    expect(JSON.parse(stream.events[0]!.data)).toEqual({ reason: 'store', after: '9007199254740991' });
    assertSchema('LostEvent', JSON.parse(stream.events[0]!.data));
    const [after] = await sendMany(alice, user, ['after']);
    await stream.until((events) => events.some((e) => e.id === after));
    expect(stream.events.map((e) => e.id ?? e.event)).toEqual(['lost', after]);
    expect(BigInt(after!)).toBeGreaterThan(BigInt(before!));
    stream.close();
  });

  it('says the store does not hold a position between the ids it gave the user, and resumes after it', async () => {
    const user = await register(server.url);
    const [first, second] = await sendMany(alice, user, ['one', 'two']);
    const between = String(Number(first) + 1);
    expect(between).not.toBe(second);
    const stream = await open(user, { 'last-event-id': between });
    await stream.until((events) => events.some((e) => e.id === second));
    expect(stream.events.map((e) => e.event)).toEqual(['lost', 'message']);
    expect(JSON.parse(stream.events[0]!.data)).toEqual({ reason: 'store', after: between });
    stream.close();
  });

  it('resumes without a lost event from a position the store gave the user', async () => {
    const user = await register(server.url);
    const [first, second] = await sendMany(alice, user, ['one', 'two']);
    const stream = await open(user, { 'last-event-id': first! });
    await stream.until((events) => events.some((e) => e.id === second));
    expect(stream.events.map((e) => e.id)).toEqual([second]);
    stream.close();
  });

  it('announces presence changes to every stream that asks for them', async () => {
    const watcher = await open(alice, {}, '?presence=true');
    const user = await register(server.url);
    await watcher.until((events) => events.some((e) => e.event === 'presence' && e.data.includes(`"${user.name}"`)));
    const other = await open(user);
    await watcher.until((events) =>
      events.some((e) => e.event === 'presence' && e.data.includes(`{"name":"${user.name}","online":true}`)),
    );
    for (const e of watcher.events.filter((x) => x.event === 'presence'))
      assertSchema('PresenceEvent', JSON.parse(e.data));
    other.close();
    watcher.close();
  });

  it('announces a user online once when two of their streams open at the same moment', async () => {
    const watcher = await open(alice, {}, '?presence=true');
    const user = await register(server.url);
    const [one, two] = await Promise.all([open(user), open(user)]);
    const online = `{"name":"${user.name}","online":true}`;
    await watcher.until((events) => events.some((e) => e.event === 'presence' && e.data.includes(online)));
    one.close();
    two.close();
    const offline = `{"name":"${user.name}","online":false}`;
    const wentOffline = (events: typeof watcher.events) => {
      const on = events.findIndex((e) => e.event === 'presence' && e.data.includes(online));
      return on >= 0 && events.slice(on + 1).some((e) => e.event === 'presence' && e.data.includes(offline));
    };
    await watcher.until(wentOffline);
    watcher.close();
  });

  it('ends the streams of a session on exit', async () => {
    const user = await register(server.url);
    const stream = await open(user);
    expect((await api(server.url, 'DELETE', '/sessions/current', { token: user.token })).status).toBe(204);
    await stream.ended;
    expect(stream.comments).toContain('end: exit');
  });

  it("refuses another user's stream with 403, no token with 401, a bad Last-Event-ID with 400", async () => {
    const user = await register(server.url);
    expectProblem(
      await api(server.url, 'GET', streamPath(user), { token: alice.token }),
      403,
      'forbidden',
      'path.name',
    );
    expectProblem(await api(server.url, 'GET', streamPath(user)), 401, 'unauthorized');
    expectProblem(
      await api(server.url, 'GET', streamPath(user), { token: user.token, headers: { 'last-event-id': 'abc' } }),
      400,
      'invalid_request',
      'header.last-event-id',
    );
    expectProblem(
      await api(server.url, 'GET', `${streamPath(user)}?lastEventId=-1`, { token: user.token }),
      400,
      'invalid_request',
      'query.lastEventId',
    );
  });
});
