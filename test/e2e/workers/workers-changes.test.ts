import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamPath } from '../../support/api.js';
import { connection } from '../../support/connection.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { openSse, type SseEvent } from '../../support/sse.js';

let redis: RedisServer;
let server: ServerProcess;
beforeAll(async () => {
  redis = await startRedisServer();
  server = await spawnServer([
    '--workers',
    '2',
    '--store',
    'redis',
    '--redis-url',
    redis.url,
    '--redis-prefix',
    `changes-${randomUUID()}:`,
  ]);
  const started = server.logs.filter((e) => e.msg === 'worker started').map((e) => Number(e.pid));
  for (const pid of started) await server.waitForLog((e) => e.msg === 'worker is listening' && e.pid === pid);
});
afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

const countOf = (event: string, n: number) => (events: SseEvent[]) =>
  events.filter((e) => e.event === event).length >= n;

describe('--workers 2 on one Redis', () => {
  it('brings a membership change and an edit made through either worker to every stream, on both workers, in order', async () => {
    // A new connection per request and per stream: node:cluster hands connections round the two workers, so
    // the streams sit on both and the changes are made through both.
    const fresh = connection(server.url, 'fresh');
    const join = async (name: string) =>
      (await fresh.api('POST', '/sessions', { json: { username: name, password: `${name}-password` } })).body
        .token as string;
    const [ann, bob, cat] = [await join('ann'), await join('bob'), await join('cat')];
    const streams = await Promise.all(
      Array.from({ length: 4 }, () =>
        openSse(server.url + streamPath({ name: 'bob' }), { authorization: `Bearer ${bob}` }),
      ),
    );
    expect((await fresh.api('POST', '/groups', { token: ann, json: { name: 'crew', members: ['bob'] } })).status).toBe(
      201,
    );
    const added = await fresh.api('POST', '/groups/crew/members', { token: ann, json: { members: ['cat'] } });
    expect(added.body.members).toEqual(['ann', 'bob', 'cat']);
    const sent = await fresh.api('POST', '/messages', { token: cat, json: { to: 'crew', text: 'hi crew' } });
    expect(sent.body.recipients).toBe(2);
    const edited = await fresh.api('PATCH', `/messages/${sent.body.id}`, { token: cat, json: { text: 'hi, crew' } });
    expect(edited.status).toBe(200);
    const removed = await fresh.api('DELETE', '/groups/crew/members/cat', { token: ann });
    expect(removed.status).toBe(204);
    for (const stream of streams) {
      await stream.until(countOf('group', 3));
      await stream.until(countOf('edited', 1));
      const seen = stream.events.filter((e) => e.event !== 'presence');
      expect(seen.map((e) => e.event)).toEqual(['group', 'group', 'message', 'edited', 'group']);
      expect(JSON.parse(seen[1]!.data)).toMatchObject({ change: 'added', users: ['cat'] });
      expect(JSON.parse(seen[3]!.data)).toMatchObject({ of: sent.body.id, text: 'hi, crew' });
      expect(JSON.parse(seen[4]!.data)).toMatchObject({ change: 'removed', users: ['cat'] });
      const ids = seen.map((e) => BigInt(e.id!));
      for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
      stream.close();
    }
  });
});
