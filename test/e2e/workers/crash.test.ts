import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { openSse, type SseEvent, type SseReader } from '../../support/sse.js';

// Two Parley processes on one Redis, streams on both, a burst of sends through both, and one of them killed
// with SIGKILL in the middle of it.
let redis: RedisServer;
let a: ServerProcess;
let b: ServerProcess;
beforeAll(async () => {
  redis = await startRedisServer();
  // The default --process-timeout-ms (10 s): the test holds the default to its promise.
  const args = ['--store', 'redis', '--redis-url', redis.url];
  [a, b] = await Promise.all([spawnServer(args), spawnServer(args)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

const open = (server: ServerProcess, user: TestUser, headers: Record<string, string> = {}) =>
  openSse(`${server.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}`, ...headers });
const ids = (stream: SseReader) => stream.messages<{ id: string }>().map((m) => Number(m.id));
const offline = (name: string) => (events: SseEvent[]) =>
  events.some((e) => e.event === 'presence' && e.data.includes(JSON.stringify({ name, online: false })));

describe('a process of two killed with SIGKILL', () => {
  it('loses nothing that got a 202: the streams that reconnect to the survivor get every message once, and its users go offline within 10 s', async () => {
    const sender = await register(b.url, 'sender');
    const watcherUser = await register(b.url, 'watcher');
    const onA = [await register(a.url, 'ann'), await register(a.url, 'abe')];
    const onB = [await register(b.url, 'bea'), await register(b.url, 'ben')];
    const watcher = await openSse(`${b.url}${streamPath(watcherUser)}?presence=true`, {
      authorization: `Bearer ${watcherUser.token}`,
    });
    const streams = new Map<string, SseReader>();
    for (const user of onA) streams.set(user.name, await open(a, user));
    for (const user of onB) streams.set(user.name, await open(b, user));

    // Four senders at once, through both processes in turn; A dies once 120 sends were accepted.
    const recipients = [...onA, ...onB];
    const accepted = new Map<string, number[]>(recipients.map((u) => [u.name, []]));
    let total = 0;
    let killedAt = 0;
    const killing: Promise<void>[] = [];
    const lane = async (lane: number) => {
      for (let i = 0; i < 60; i++) {
        const to = recipients[(lane + i) % recipients.length]!;
        const via = i % 2 === 0 ? a : b;
        try {
          const res = await api(via.url, 'POST', '/messages', {
            token: sender.token,
            json: { to: to.name, text: `burst ${lane}.${i}` },
          });
          if (res.status !== 202) continue;
          accepted.get(to.name)!.push(Number(res.body.id));
          if (++total === 120) {
            killedAt = Date.now();
            killing.push(a.kill());
          }
        } catch {
          // The killed process refused the connection or cut it: no 202, nothing promised.
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(lane));
    await Promise.all(killing);
    expect(killedAt).toBeGreaterThan(0);

    // The survivor notices the dead process and shows its users offline.
    for (const user of onA) await watcher.until(offline(user.name), Math.max(1, 10_000 - (Date.now() - killedAt)));

    // Every stream on A was cut; each resumes on B from the last id it got. Those on B just carry on.
    const received = new Map<string, number[]>();
    const caughtUp = (stream: SseReader, name: string) => {
      const newest = Math.max(0, ...accepted.get(name)!);
      return stream.until((events) => events.some((e) => e.event === 'message' && Number(e.id) >= newest));
    };
    for (const user of onA) {
      const first = streams.get(user.name)!;
      await first.ended.catch(() => {});
      const last = ids(first).at(-1);
      const resumed = await open(b, user, last === undefined ? {} : { 'last-event-id': String(last) });
      await caughtUp(resumed, user.name);
      received.set(user.name, [...ids(first), ...ids(resumed)]);
      streams.set(user.name, resumed);
    }
    for (const user of onB) {
      await caughtUp(streams.get(user.name)!, user.name);
      received.set(user.name, ids(streams.get(user.name)!));
    }
    for (const user of recipients) {
      const got = received.get(user.name)!;
      // In order, no repeats, and every 202 among them (a send cut by the kill may or may not be there).
      expect(got).toEqual([...new Set(got)].sort((x, y) => x - y));
      expect(got).toEqual(expect.arrayContaining(accepted.get(user.name)!));
    }
    for (const stream of streams.values()) stream.close();
    watcher.close();
  });
});
