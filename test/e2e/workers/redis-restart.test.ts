import { afterAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { openSse, type SseReader } from '../../support/sse.js';

const back = 'the connection to Redis is back';
const lost = 'lost the connection to Redis; writes fail with 503 until it is back';

let redis: RedisServer | undefined;
let restarted: RedisServer | undefined;
let servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await redis?.stop();
  await restarted?.stop();
});

const ids = (stream: SseReader) => stream.messages<{ id: string }>().map((m) => Number(m.id));

describe('two Parley processes when their Redis restarts (append-only file on)', () => {
  it('answer 503 with Retry-After while it is down, keep their streams open, lose nothing accepted, and catch the streams up', async () => {
    redis = await startRedisServer({ appendfsync: 'always' });
    // Heartbeats (and with them the checks of every stream's session) and the processes' own beats many times
    // during the outage; after it, each takes the other for dead for a moment and both restore their counts.
    const args = ['--store', 'redis', '--redis-url', redis.url, '--heartbeat-ms', '100', '--process-timeout-ms', '500'];
    servers = await Promise.all([spawnServer(args), spawnServer(args)]);
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const sender = await register(a.url, 'sender');
    const readers: [ServerProcess, TestUser][] = [
      [a, await register(a.url, 'ria')],
      [b, await register(b.url, 'rob')],
    ];
    const streams = await Promise.all(
      readers.map(([server, user]) =>
        openSse(`${server.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}` }),
      ),
    );
    const accepted = new Map<string, number[]>(readers.map(([, user]) => [user.name, []]));
    const sendAll = async (label: string) => {
      for (const [i, [, user]] of readers.entries()) {
        for (const server of [a, b]) {
          const res = await api(server.url, 'POST', '/messages', {
            token: sender.token,
            json: { to: user.name, text: `${label} ${i}` },
          });
          expect(res.status).toBe(202);
          accepted.get(user.name)!.push(Number(res.body.id));
        }
      }
    };
    await sendAll('before');

    await redis.stop();
    await Promise.all(servers.map((server) => server.waitForLog((entry) => entry.msg === lost)));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (const server of [a, b]) {
        const refused = await api(server.url, 'POST', '/messages', {
          token: sender.token,
          json: { to: 'rob', text: `while down ${i}` },
        });
        statuses.push(refused.status);
        expect(refused.headers.get('retry-after')).toBe('1');
      }
    }
    expect(new Set(statuses)).toEqual(new Set([503]));
    // The streams stay open through it: heartbeats go on.
    for (const stream of streams) {
      const heartbeats = () => stream.comments.filter((c) => c === 'heartbeat').length;
      const seen = heartbeats();
      await stream.until(() => heartbeats() >= seen + 5);
    }

    // The same port and directory: Redis reads its append-only file back.
    restarted = await startRedisServer({ dir: redis.dir, port: redis.port, appendfsync: 'always' });
    await Promise.all(servers.map((server) => server.waitForLog((entry) => entry.msg === back)));
    await sendAll('after');

    for (const [i, [, user]] of readers.entries()) {
      const want = accepted.get(user.name)!;
      await streams[i]!.until((events) =>
        events.some((e) => e.event === 'message' && Number(e.id) >= Math.max(...want)),
      );
      // The same streams, never cut: every accepted message once, in order.
      expect(ids(streams[i]!)).toEqual(want);
    }
    for (const server of servers) {
      // Forty refusals, and the outage told once each way; the process is still the one that started.
      expect(server.logs.filter((entry) => entry.msg === lost)).toHaveLength(1);
      expect(server.logs.filter((entry) => Number(entry.level) >= 50)).toEqual([]);
      expect(server.child.exitCode).toBeNull();
    }
    for (const stream of streams) stream.close();
  });
});
