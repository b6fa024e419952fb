import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { RunningServer } from '../../src/server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { captureLog, type CapturedLog } from '../support/log-capture.js';
import { tempDir } from '../support/process.js';
import { openRawStream, type RawStream } from '../support/raw-stream.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { assertSchema } from '../support/spec.js';

// Far more than the socket buffers of a device that stopped reading hold: about 12 MB.
const count = 3_000;
const text = (i: number) => `${i}:`.padEnd(3_990, 'x');
const root = tempDir('parley-lagging-');

let server: RunningServer | undefined;
let raw: RawStream | undefined;
afterEach(async () => {
  raw?.close();
  await server?.close();
  server = raw = undefined;
});

async function start(store: 'memory' | 'sqlite', captured: CapturedLog, overrides: Partial<Config> = {}) {
  server = await startTestServer(
    { store, data: mkdtempSync(join(root, 'data-')), messageRate: 0, maxTextLength: 4_000, queueLimit: 100_000, ...overrides },
    { log: captured.log },
  );
  return server;
}

/** Sends `count` long messages from alice to bob, a few requests at a time, and returns their ids in id order. */
async function flood(url: string, alice: TestUser, bob: TestUser): Promise<number[]> {
  const ids: number[] = [];
  let next = 0;
  const sender = async () => {
    while (next < count) {
      const i = next++;
      const res = await api(url, 'POST', '/messages', { token: alice.token, json: { to: bob.name, text: text(i) } });
      expect(res.status).toBe(202);
      ids.push(Number(res.body.id));
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  return ids.sort((a, b) => a - b);
}

describe.each(['memory', 'sqlite'] as const)('a device that stops reading while messages flow, on %s', (store) => {
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
  });

  it('is told what retention removed while it waited, by range, and gets everything after it', async () => {
    const captured = captureLog();
    // Retention of 0: whatever the laptop has read goes at the next pass, so it overtakes the phone.
    const { url } = await start(store, captured, { retainMs: 0, pruneIntervalMs: 20 });
    const [alice, bob] = [await register(url, 'alice'), await register(url, 'bob')];
    const laptop = await openSse(url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    raw = await openRawStream(url, bob, { paused: true });
    const phone = raw;

    const ids = await flood(url, alice, bob);
    await laptop.until(messageCount(count), 60_000);
    const passes = captured.entries.length;
    await captured.until((e) => e.msg === 'pruned delivered messages past the retention window' && captured.entries.indexOf(e) >= passes);

    phone.resume();
    await phone.until((events) => events.some((e) => e.event === 'lost'), 60_000);
    const lostAt = phone.events.findIndex((e) => e.event === 'lost');
    const lost = JSON.parse(phone.events[lostAt]!.data) as { reason: string; after: string; through: string };
    assertSchema('LostEvent', lost);
    const before = phone.events.slice(0, lostAt).filter((e) => e.event === 'message').map((e) => Number(e.id));
    // What the socket held before the gap is the start of the run, with nothing skipped.
    expect(before).toEqual(ids.slice(0, before.length));
    expect(lost.reason).toBe('retention');
    expect(Number(lost.after)).toBe(before.at(-1) ?? 0);
    const through = Number(lost.through);
    expect(through).toBeGreaterThan(Number(lost.after));

    // Then everything after the range that is still there, in order, up to the last message sent.
    const last = ids.at(-1)!;
    const sent = await api(url, 'POST', '/messages', { token: alice.token, json: { to: bob.name, text: 'after the gap' } });
    const marker = Number(sent.body.id);
    await phone.until(() => phone.ids().at(-1) === marker, 60_000);
    const after = phone.events.slice(lostAt + 1).filter((e) => e.event === 'message').map((e) => Number(e.id));
    expect(after).toEqual([...ids.filter((id) => id > through), marker]);
    expect(through).toBeLessThanOrEqual(last);
    laptop.close();
  });
});
