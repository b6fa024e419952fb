import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { captureLog, type CapturedLog } from '../support/log-capture.js';
import { tempDir } from '../support/process.js';
import { openRawStream, type RawStream } from '../support/raw-stream.js';
import { messageCount, openSse } from '../support/sse.js';
import { redisForFile } from '../support/redis-server.js';
import { startTestServer } from '../support/server.js';
import { assertSchema } from '../support/spec.js';

// Far more than the socket buffers of a device that stopped reading hold: about 12 MB, in long messages, since
// what fills the buffers is bytes and each message costs a request.
const count = 750;
const text = (i: number) => `${i}:`.padEnd(15_990, 'x');
const root = tempDir('parley-lagging-');

let server: RunningServer | undefined;
let raw: RawStream | undefined;
const redis = redisForFile();
afterEach(async () => {
  raw?.close();
  await server?.close();
  server = raw = undefined;
});

const day = 86_400_000;

async function start(
  store: 'memory' | 'sqlite' | 'redis',
  captured: CapturedLog,
  overrides: Partial<Config> = {},
  now?: () => number,
) {
  const shared = store === 'redis' ? { redisUrl: redis.url, redisPrefix: redis.prefix('lagging') } : {};
  server = await startTestServer(
    {
      store,
      data: mkdtempSync(join(root, 'data-')),
      messageRate: 0,
      maxTextLength: 16_000,
      queueLimit: 100_000,
      ...shared,
      ...overrides,
    },
    { log: captured.log, now },
  );
  return server;
}

/** Total messages retention reports having removed so far. */
const prunedSoFar = (captured: CapturedLog) =>
  captured.entries
    .filter((e) => e.msg === 'pruned delivered messages past the retention window')
    .reduce((sum, e) => sum + Number(e.removed), 0);

/** Sends long messages `from` to `until` (exclusive) from alice to bob, a few requests at a time; their ids in id order. */
async function flood(url: string, alice: TestUser, bob: TestUser, from = 0, until = count): Promise<number[]> {
  const ids: number[] = [];
  let next = from;
  const sender = async () => {
    while (next < until) {
      const i = next++;
      const res = await api(url, 'POST', '/messages', { token: alice.token, json: { to: bob.name, text: text(i) } });
      expect(res.status).toBe(202);
      ids.push(Number(res.body.id));
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  return ids.sort((a, b) => a - b);
}

describe.each(['memory', 'sqlite', 'redis'] as const)(
  'a device that stops reading while messages flow, on %s',
  (store) => {
    it('gets every message in order once it reads again, like the device that kept reading', async () => {
      const captured = captureLog();
      const { url } = await start(store, captured);
      const [alice, bob] = [await register(url, 'alice'), await register(url, 'bob')];
      const laptop = await openSse(url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
      raw = await openRawStream(url, bob, { paused: true });
      const phone = raw;

      const ids = await flood(url, alice, bob);
      await laptop.until(messageCount(count), 60_000);
      expect(laptop.messages().map((m) => Number(m.id))).toEqual(ids);

      phone.resume();
      await phone.until(() => phone.ids().at(-1) === ids.at(-1), 60_000);
      expect(phone.events.filter((e) => e.event === 'lost')).toEqual([]);
      expect(phone.ids()).toEqual(ids);
      laptop.close();
    }, 180_000);

    it('is told what retention removed while it waited, by range, and gets everything after it', async () => {
      const captured = captureLog();
      let clock = Date.UTC(2026, 11, 1);
      const { url } = await start(store, captured, { retainMs: day, pruneIntervalMs: 20 }, () => clock);
      const [alice, bob] = [await register(url, 'alice'), await register(url, 'bob')];
      const laptop = await openSse(url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
      raw = await openRawStream(url, bob, { paused: true });
      const phone = raw;

      // The first half is two days old by the time the second half is sent: retention takes it, and only it,
      // once the laptop has read it, while the phone still waits.
      const old = await flood(url, alice, bob, 0, count / 2);
      clock += 2 * day;
      const fresh = await flood(url, alice, bob, count / 2, count);
      await laptop.until(messageCount(count), 60_000);
      await captured.until(() => prunedSoFar(captured) >= old.length, 60_000);
      expect(prunedSoFar(captured)).toBe(old.length);

      phone.resume();
      const sent = await api(url, 'POST', '/messages', {
        token: alice.token,
        json: { to: bob.name, text: 'after the gap' },
      });
      const marker = Number(sent.body.id);
      await phone.until(() => phone.ids().at(-1) === marker, 60_000);

      const lostAt = phone.events.findIndex((e) => e.event === 'lost');
      expect(lostAt).toBeGreaterThan(-1);
      const lost = JSON.parse(phone.events[lostAt]!.data) as { reason: string; after: string; through: string };
      assertSchema('LostEvent', lost);
      const before = phone.events
        .slice(0, lostAt)
        .filter((e) => e.event === 'message')
        .map((e) => Number(e.id));
      const after = phone.events
        .slice(lostAt + 1)
        .filter((e) => e.event === 'message')
        .map((e) => Number(e.id));
      // What the socket held before the gap is the start of the run; the gap is named; then everything after it.
      expect(before).toEqual(old.slice(0, before.length));
      expect(before.length).toBeLessThan(old.length);
      expect(lost).toEqual({ reason: 'retention', after: String(before.at(-1) ?? 0), through: String(old.at(-1)) });
      expect(after).toEqual([...fresh, marker]);
      expect(phone.events.filter((e) => e.event === 'lost')).toHaveLength(1);
      laptop.close();
    }, 180_000);
  },
);
