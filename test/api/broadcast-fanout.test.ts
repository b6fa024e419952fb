import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, type TestUser } from '../support/api.js';
import { tempDir } from '../support/process.js';
import { openSse } from '../support/sse.js';
import { redisForFile } from '../support/redis-server.js';
import { startTestServer } from '../support/server.js';
import { openLightStream } from '../support/light-stream.js';
import { Watched } from '../support/watched.js';

const streams = 2_000;
const root = tempDir('parley-fanout-');
const redis = redisForFile();

/** A stream that keeps only the message ids it receives: thousands of these fit in one test process. */
interface LightStream {
  readonly ids: number[];
  close(): void;
}

async function openLight(url: string, user: TestUser, watched: Watched): Promise<LightStream> {
  const ids: number[] = [];
  const { close } = await openLightStream(url, user, watched, (id) => ids.push(id));
  return { ids, close };
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return out;
}

describe.each(['memory', 'sqlite', 'redis'] as const)('a broadcast to thousands of online streams, on %s', (store) => {
  let server: RunningServer;
  let herald: TestUser;
  let users: TestUser[];
  let open: LightStream[];
  const watched = new Watched();

  beforeAll(async () => {
    server = await startTestServer({
      store,
      data: mkdtempSync(join(root, 'data-')),
      maxStreams: 10_000,
      redisUrl: redis.url,
      redisPrefix: 'fanout:',
    });
    herald = await register(server.url, 'herald');
    users = await inBatches(
      Array.from({ length: streams }, (_, i) => `u${i}`),
      50,
      (name) => register(server.url, name),
    );
    open = await inBatches(users, 100, (user) => openLight(server.url, user, watched));
  }, 120_000);
  afterAll(async () => {
    for (const stream of open ?? []) stream.close();
    await server?.close();
  });

  it('reaches every stream exactly once, in order with the direct messages sent between', async () => {
    const expected = new Map<string, number[]>(users.map((u) => [u.name, []]));
    for (let round = 0; round < 5; round++) {
      const b = await api(server.url, 'POST', '/broadcast', { token: herald.token, json: { text: `round ${round}` } });
      expect(b.status).toBe(202);
      expect(b.body.recipients).toBe(streams);
      for (const list of expected.values()) list.push(Number(b.body.id));
      const target = users[(round * 397) % streams]!;
      const d = await api(server.url, 'POST', '/messages', {
        token: herald.token,
        json: { to: target.name, text: `for ${target.name}` },
      });
      expect(d.status).toBe(202);
      expected.get(target.name)!.push(Number(d.body.id));
    }
    const last = Math.max(...[...expected.values()].map((ids) => ids.at(-1)!));
    const done = () => open.every((s, i) => s.ids.at(-1) === expected.get(users[i]!.name)!.at(-1));
    await watched.until(
      () => (done() ? true : undefined),
      60_000,
      () => `not every stream got up to ${last}`,
    );
    users.forEach((user, i) => expect(open[i]!.ids).toEqual(expected.get(user.name)));
  });

  it('resumes after Last-Event-ID in the middle of a run of broadcasts with exactly what follows', async () => {
    const run: number[] = [];
    for (let i = 0; i < 10; i++)
      run.push(
        Number(
          (await api(server.url, 'POST', '/broadcast', { token: herald.token, json: { text: `run ${i}` } })).body.id,
        ),
      );
    const reader = users[1_234]!;
    const resumed = await openSse(`${server.url}/users/${reader.name}/stream`, {
      authorization: `Bearer ${reader.token}`,
      'last-event-id': String(run[4]),
    });
    await resumed.until((events) => events.some((e) => Number(e.id) === run[9]));
    expect(resumed.events.filter((e) => e.event === 'message').map((e) => Number(e.id))).toEqual(run.slice(5));
    resumed.close();
  });
});
