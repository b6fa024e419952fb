import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { scrape, type Scrape } from '../support/metrics.js';
import { tempDir } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { messageCount, openSse, type SseReader } from '../support/sse.js';

let server: RunningServer;
let metricsUrl: string;
let alice: TestUser;
let bob: TestUser;
let bobStream: SseReader;
beforeAll(async () => {
  // SQLite, so that commits are measured; a small queue limit and one stream per user, so that limits are reached.
  server = await startTestServer({
    store: 'sqlite',
    data: tempDir(),
    metricsPort: 0,
    queueLimit: 2,
    maxStreamsPerUser: 1,
    webhookAllowPrivate: true,
  });
  metricsUrl = server.metricsUrl!;
  alice = await register(server.url, 'alice');
  bob = await register(server.url, 'bob');
  await register(server.url, 'carol');
  bobStream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
});
afterAll(async () => {
  bobStream?.close();
  await server?.close();
});

const send = (to: string, text: string) =>
  api(server.url, 'POST', '/messages', { token: alice.token, json: { to, text } });
const requests = (s: Scrape, method: string, route: string, status: number) =>
  s.histogram('parley_http_request_duration_seconds', { method, route, status: String(status) }).count;

describe('GET /metrics on the metrics listener', () => {
  it('is off unless --metrics-port is given', async () => {
    const plain = await startTestServer();
    expect(plain.metricsUrl).toBeUndefined();
    await plain.close();
  });

  it('listens on its own port on loopback and serves nothing else', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(server.url).port);
    expect((await fetch(new URL('/', metricsUrl))).status).toBe(404);
    expect((await fetch(new URL('/metrics', server.url))).status).toBe(404);
    const res = await fetch(metricsUrl);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('carries the types Prometheus expects and the default process metrics', async () => {
    const s = await scrape(metricsUrl);
    expect(s.types.get('parley_messages_accepted_total')).toBe('counter');
    expect(s.types.get('parley_deliveries_total')).toBe('counter');
    expect(s.types.get('parley_refusals_total')).toBe('counter');
    expect(s.types.get('parley_streams_open')).toBe('gauge');
    expect(s.types.get('parley_users_online')).toBe('gauge');
    expect(s.types.get('parley_queue_pending')).toBe('gauge');
    expect(s.types.get('parley_http_request_duration_seconds')).toBe('histogram');
    expect(s.types.get('parley_store_commit_duration_seconds')).toBe('histogram');
    expect(s.types.get('parley_store_commit_batch_size')).toBe('histogram');
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(s.types.has(name), name).toBe(true);
    }
  });

  it('moves every counter by exactly what was sent, delivered and refused', async () => {
    const before = await scrape(metricsUrl);

    for (let i = 0; i < 3; i++) expect((await send('bob', `direct ${i}`)).status).toBe(202);
    expect(
      (
        await api(server.url, 'POST', '/groups', {
          token: alice.token,
          json: { name: 'team', members: ['bob', 'carol'] },
        })
      ).status,
    ).toBe(201);
    for (let i = 0; i < 2; i++) expect((await send('team', `group ${i}`)).status).toBe(202);
    // carol is offline and her queue (2) is full now.
    expect((await send('carol', 'one too many')).status).toBe(409);
    const broadcast = await api(server.url, 'POST', '/broadcast', {
      token: alice.token,
      json: { text: 'to everyone' },
    });
    expect(broadcast.status).toBe(202);
    // A broadcast takes no place on a queue: carol gets it all the same.
    expect(broadcast.body).toMatchObject({ recipients: 2 });
    // bob may have one stream only.
    expect((await api(server.url, 'GET', streamPath(bob), { token: bob.token })).status).toBe(429);
    await bobStream.until(messageCount(6));

    const after = await scrape(metricsUrl);
    const moved = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(moved('parley_messages_accepted_total', { kind: 'direct' })).toBe(3);
    expect(moved('parley_messages_accepted_total', { kind: 'group' })).toBe(2);
    expect(moved('parley_messages_accepted_total', { kind: 'broadcast' })).toBe(1);
    expect(moved('parley_deliveries_total')).toBe(6);
    expect(moved('parley_refusals_total', { code: 'queue_full' })).toBe(1);
    expect(moved('parley_refusals_total', { code: 'too_many_streams' })).toBe(1);
    expect(moved('parley_refusals_total')).toBe(2);

    expect(after.value('parley_queue_pending')).toBe(2);
    expect(after.value('parley_streams_open')).toBe(1);
    expect(after.value('parley_users_online')).toBe(1);

    expect(requests(after, 'POST', '/messages', 202) - requests(before, 'POST', '/messages', 202)).toBe(5);
    expect(requests(after, 'POST', '/messages', 409) - requests(before, 'POST', '/messages', 409)).toBe(1);
    expect(requests(after, 'POST', '/broadcast', 202) - requests(before, 'POST', '/broadcast', 202)).toBe(1);
    expect(requests(after, 'POST', '/groups', 201) - requests(before, 'POST', '/groups', 201)).toBe(1);
    expect(
      requests(after, 'GET', '/users/:name/stream', 429) - requests(before, 'GET', '/users/:name/stream', 429),
    ).toBe(1);
    // The scrape before was the first request on that label set's path, the stream still open: none observed yet.
    expect(requests(after, 'GET', '/users/:name/stream', 200)).toBe(0);

    // Six messages and one group were written; commits carrying no write (delivered positions alone) add none.
    const batches =
      after.histogram('parley_store_commit_batch_size').sum - before.histogram('parley_store_commit_batch_size').sum;
    expect(batches).toBe(7);
    const commits =
      after.histogram('parley_store_commit_duration_seconds').count -
      before.histogram('parley_store_commit_duration_seconds').count;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(after.histogram('parley_store_commit_duration_seconds').count).toBe(
      after.histogram('parley_store_commit_batch_size').count,
    );
  });

  it('labels requests by route pattern, never by raw path', async () => {
    expect((await fetch(new URL('/no/such/path/12345', server.url))).status).toBe(404);
    expect((await fetch(new URL('/', server.url))).status).toBe(200);
    const s = await scrape(metricsUrl);
    const routes = new Set(
      s.samples.filter((m) => m.name === 'parley_http_request_duration_seconds_count').map((m) => m.labels.route),
    );
    expect(routes).toContain('unmatched');
    expect(routes).toContain('static');
    expect(routes).toContain('/users/:name/stream');
    expect([...routes].filter((r) => r?.includes('12345') || r?.includes('/users/bob'))).toEqual([]);
  });

  it("counts posts to bots' webhooks by outcome", async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      const before = await scrape(metricsUrl);
      await api(server.url, 'POST', '/bots', { token: alice.token, json: { name: 'counted' } });
      const set = await api(server.url, 'PUT', '/bots/counted/webhook', {
        token: alice.token,
        json: { url: receiver.url },
      });
      receiver.secret = set.body.secret;
      let refusals = 1;
      receiver.answer = () => (refusals-- > 0 ? { status: 500 } : { status: 204 });
      expect((await send('counted', 'count me')).status).toBe(202);
      await receiver.until((posts) => posts.length === 2);
      // The acknowledgement is counted once its position is stored, a moment after the receiver answered.
      let after = await scrape(metricsUrl);
      for (let i = 0; i < 100 && after.value('parley_webhook_posts_total', { outcome: 'acknowledged' }) === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = await scrape(metricsUrl);
      }
      expect(after.types.get('parley_webhook_posts_total')).toBe('counter');
      const moved = (outcome: string) =>
        after.value('parley_webhook_posts_total', { outcome }) -
        before.value('parley_webhook_posts_total', { outcome });
      expect(moved('failed')).toBe(1);
      expect(moved('acknowledged')).toBe(1);
    } finally {
      await receiver.stop();
    }
  });
});
