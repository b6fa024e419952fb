import { randomUUID } from 'node:crypto';
import { drainBoundMs } from '../../../src/workers/primary.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamPath } from '../../support/api.js';
import { connection } from '../../support/connection.js';
import { scrape } from '../../support/metrics.js';
import { runCli, spawnServer, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { messageCount, openSse } from '../../support/sse.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

/** `--workers 2` on the file's Redis, with a key prefix of its own. */
function startCluster(extra: readonly string[] = []): Promise<ServerProcess> {
  return spawnServer([
    '--workers',
    '2',
    '--store',
    'redis',
    '--redis-url',
    redis.url,
    '--redis-prefix',
    `workers-${randomUUID()}:`,
    ...extra,
  ]);
}

const byMessage =
  (msg: string, fields: Record<string, unknown> = {}) =>
  (entry: Record<string, unknown>) =>
    entry.msg === msg && Object.entries(fields).every(([key, value]) => entry[key] === value);

/** The pids the primary logged as started, once each of them says it listens. */
async function listeningWorkers(server: ServerProcess, count: number): Promise<number[]> {
  const pids = server.logs.filter(byMessage('worker started')).map((entry) => Number(entry.pid));
  expect(pids).toHaveLength(count);
  for (const pid of pids) await server.waitForLog(byMessage('worker is listening', { pid }));
  return pids;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('--workers 2', () => {
  it('starts two worker processes on one port, says once that parley listens, serves register, send and stream, and passes SIGHUP on', async () => {
    const server = await startCluster();
    const workers = await listeningWorkers(server, 2);
    expect(new Set(workers).size).toBe(2);
    expect(workers).not.toContain(server.child.pid);
    const listening = server.logs.filter(byMessage('parley is listening'));
    expect(listening).toHaveLength(1);
    expect(listening[0]).toMatchObject({ workers: 2, pid: server.child.pid, store: 'redis', url: server.url });

    // A new connection per request: the primary spreads them over both workers, which act as one server.
    const fresh = connection(server.url, 'fresh');
    const ann = await fresh.api('POST', '/sessions', { json: { username: 'ann', password: 'ann-password' } });
    const bob = await fresh.api('POST', '/sessions', { json: { username: 'bob', password: 'bob-password' } });
    expect([ann.status, bob.status]).toEqual([201, 201]);
    const streams = [
      await openSse(server.url + streamPath({ name: 'bob' }), { authorization: `Bearer ${bob.body.token}` }),
      await openSse(server.url + streamPath({ name: 'bob' }), { authorization: `Bearer ${bob.body.token}` }),
    ];
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const sent = await fresh.api('POST', '/messages', {
        token: ann.body.token,
        json: { to: 'bob', text: `across the cluster ${i}` },
      });
      expect(sent.status).toBe(202);
      ids.push(sent.body.id);
    }
    for (const stream of streams) {
      await stream.until(messageCount(10));
      expect(stream.messages().map((m) => m.id)).toEqual(ids);
      stream.close();
    }
    const users = await fresh.api('GET', '/users', { token: ann.body.token });
    expect(users.body.users.map((u: { name: string }) => u.name)).toEqual(['ann', 'bob']);

    // SIGHUP (reread the TLS files) reaches every worker.
    server.child.kill('SIGHUP');
    for (const entry of server.logs.filter(byMessage('worker started'))) {
      await server.waitForLog(byMessage('nothing to reload: not serving TLS', { worker: entry.worker }));
    }
    expect(await server.stop()).toBe(0);
    expect(server.logs.filter(byMessage('parley is listening'))).toHaveLength(1);
  });

  it('replaces a worker killed with SIGKILL, logging the pid and the signal, and keeps answering', async () => {
    const server = await startCluster();
    const [victim, survivor] = await listeningWorkers(server, 2);
    process.kill(victim!, 'SIGKILL');
    const died = await server.waitForLog(byMessage('worker died; a replacement starts', { pid: victim }));
    expect(died).toMatchObject({ signal: 'SIGKILL', code: null });
    expect(typeof died.restartInMs).toBe('number');
    const fresh = connection(server.url, 'fresh');
    expect((await fresh.api('GET', '/healthz')).status).toBe(200);

    const replacement = Number((await server.waitForLog(byMessage('worker started', { replaces: victim }))).pid);
    await server.waitForLog(byMessage('worker is listening', { pid: replacement }));
    expect(isRunning(victim!)).toBe(false);
    for (let i = 0; i < 4; i++) expect((await fresh.api('GET', '/healthz')).status).toBe(200);

    expect(await server.stop()).toBe(0);
    for (const pid of [survivor!, replacement]) expect(isRunning(pid), `worker ${pid}`).toBe(false);
  });

  it('on SIGTERM to the primary drains every worker (streams end with a retry hint) and exits 0', async () => {
    const server = await startCluster();
    const workers = await listeningWorkers(server, 2);
    const one = connection(server.url, 'kept');
    const cat = await one.api('POST', '/sessions', { json: { username: 'cat', password: 'cat-password' } });
    one.close();
    const headers = { authorization: `Bearer ${cat.body.token}` };
    // Two streams on two new connections: node:cluster hands them to the two workers in turn.
    const streams = [
      await openSse(server.url + streamPath({ name: 'cat' }), headers),
      await openSse(server.url + streamPath({ name: 'cat' }), headers),
    ];

    expect(await server.stop()).toBe(0);
    for (const stream of streams) {
      await stream.ended;
      expect(stream.comments).toContain('end: shutdown');
    }
    for (const pid of workers) expect(isRunning(pid), `worker ${pid}`).toBe(false);
    expect(server.logs.filter(byMessage('shutting down', { signal: 'SIGTERM' }))).toHaveLength(2);
  });

  it(
    `kills a worker that has not drained ${drainBoundMs / 1000} s after SIGTERM, and exits 1 for it`,
    { timeout: drainBoundMs + 15_000 },
    async () => {
      const server = await startCluster();
      const [stuck, other] = await listeningWorkers(server, 2);
      // A stopped process does not run its SIGTERM handler; SIGKILL still ends it.
      process.kill(stuck!, 'SIGSTOP');
      expect(await server.stop()).toBe(1);
      expect(server.logs.find(byMessage('worker did not stop in time: killed', { pid: stuck }))).toBeDefined();
      expect(server.logs.find(byMessage('worker did not stop in time: killed', { pid: other }))).toBeUndefined();
      for (const pid of [stuck!, other!]) expect(isRunning(pid), `worker ${pid}`).toBe(false);
    },
  );

  it('serves the metrics of every worker, summed, on the one --metrics-port', async () => {
    const server = await startCluster(['--metrics-port', '0']);
    const workers = await listeningWorkers(server, 2);
    const url = String(server.logs.find(byMessage('metrics are served', { summedOver: 2 }))?.url);
    const fresh = connection(server.url, 'fresh');
    for (const name of ['dan', 'eve', 'fay', 'gus'])
      expect(
        (await fresh.api('POST', '/sessions', { json: { username: name, password: `${name}-password` } })).status,
      ).toBe(201);
    const registrations = async () =>
      (await scrape(url)).histogram('parley_http_request_duration_seconds', { route: '/sessions', status: '201' })
        .count;
    expect(await registrations()).toBe(4);

    // The connections went round both workers: without one of them the sum keeps only the other's share.
    process.kill(workers[0]!, 'SIGKILL');
    await server.waitForLog(byMessage('worker died; a replacement starts', { pid: workers[0] }));
    const left = await registrations();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(4);
    expect(await server.stop()).toBe(0);
  });

  it('exits 1 when the workers cannot start, with the reason and without restarting them', async () => {
    const missing = '/nonexistent/parley-cert.pem';
    const { code, stdout, stderr } = await runCli([
      '--workers',
      '2',
      '--store',
      'redis',
      '--redis-url',
      redis.url,
      '--port',
      '0',
      '--tls-cert',
      missing,
      '--tls-key',
      missing,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('parley: could not start: TLS certificate not loaded');
    expect(stderr).toMatch(/parley: could not start: worker \d+ exited \(code 1\) before listening/);
    expect(stdout).not.toContain('a replacement starts');
  });

  it.each(['sqlite', 'memory'])(
    'refuses to start with --store %s, saying which store all workers can share (exit 2)',
    async (store) => {
      const { code, stderr } = await runCli(['--workers', '2', '--store', store, '--port', '0']);
      expect(code).toBe(2);
      expect(stderr.trim()).toBe(
        `parley: --workers 2 (PARLEY_WORKERS) needs a store all processes share: use --store redis --redis-url redis://HOST:PORT (--store is ${store}; sqlite and memory belong to one process)`,
      );
    },
  );
});
