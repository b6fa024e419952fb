import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { scrape } from '../support/metrics.js';
import { openRawStream } from '../support/raw-stream.js';
import { messageCount, openSse, type SseReader } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { call, join, type Joined } from './client.js';

const peers = 50;
const bigToSlow = 20; // per peer, 10 kB each: 10 MB in all, well past what the kernel buffers for a stalled reader
const chatPerPeer = 20;
const bigText = (from: string, i: number) => `${from}:${i}:`.padEnd(10_000, 'x');

let server: RunningServer;
let others: Joined[];
let slow: Joined;
let streams: SseReader[];
beforeAll(async () => {
  server = await startTestServer({ slowConsumerMs: 500, maxTextLength: 10_000, metricsPort: 0 });
  slow = await join(server.url, 'slow');
  others = [];
  for (let i = 0; i < peers; i++) others.push(await join(server.url, `peer${i}`));
  // The first peer watches presence; the others only chat.
  streams = await Promise.all(
    others.map((p, i) =>
      openSse(`${server.url}/users/${p.name}/stream${i === 0 ? '?presence=true' : ''}`, {
        authorization: `Bearer ${p.token}`,
      }),
    ),
  );
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await server.close();
});

describe('a client that stops reading its stream', () => {
  it('does not hold up the others, is closed past the bound with memory bounded, and resumes with nothing lost', async () => {
    const stalled = await openRawStream(server.url, slow, { paused: true });
    const watcher = streams[0]!;
    await watcher.until((events) =>
      events.some((e) => e.event === 'presence' && e.data.includes('{"name":"slow","online":true}')),
    );
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

    const sentToSlow: string[] = [];
    await Promise.all(
      others.map(async (peer, n) => {
        const next = others[(n + 1) % peers]!;
        for (let i = 0; i < Math.max(bigToSlow, chatPerPeer); i++) {
          if (i < chatPerPeer) {
            const res = await call(server.url, 'POST', '/messages', {
              token: peer.token,
              json: { to: next.name, text: `${peer.name} -> ${next.name} #${i}` },
            });
            expect(res.status).toBe(202);
          }
          if (i < bigToSlow) {
            const res = await call(server.url, 'POST', '/messages', {
              token: peer.token,
              json: { to: 'slow', text: bigText(peer.name, i) },
            });
            expect(res.status).toBe(202);
            sentToSlow.push(res.body.id);
          }
        }
      }),
    );

    // Every other client received all that was sent to it, in order.
    await Promise.all(streams.map((stream) => stream.until(messageCount(chatPerPeer), 30_000)));
    others.forEach((peer, n) => {
      const prev = others[(n + peers - 1) % peers]!;
      expect(streams[n]!.messages().map((m) => m.text)).toEqual(
        Array.from({ length: chatPerPeer }, (_, i) => `${prev.name} -> ${peer.name} #${i}`),
      );
    });

    // The stalled stream is closed by the server, which announces slow offline.
    await watcher.until(
      (events) => events.some((e) => e.event === 'presence' && e.data.includes('{"name":"slow","online":false}')),
      30_000,
    );
    clearInterval(sampler);
    const growthMb = (peak - baseline) / 1e6;
    // 10 MB went to the slow client; its queue keeps them for the resume, and nothing is buffered past the bound.
    expect(growthMb).toBeLessThan(200);

    // Everything the socket holds and received until the server closed it.
    stalled.resume();
    await stalled.ended;
    const seen = stalled.ids().map(String);
    expect(seen.length).toBeLessThan(sentToSlow.length);
    expect(seen).toEqual(sentToSlow.sort((a, b) => Number(a) - Number(b)).slice(0, seen.length));

    const resumed = await openSse(`${server.url}/users/slow/stream`, {
      authorization: `Bearer ${slow.token}`,
      'last-event-id': seen.at(-1) ?? '0',
    });
    await resumed.until(messageCount(sentToSlow.length - seen.length), 30_000);
    resumed.close();
    expect([...seen, ...resumed.events.filter((e) => e.event === 'message').map((e) => e.id)]).toEqual(sentToSlow);
    expect(resumed.events.some((e) => e.event === 'lost')).toBe(false);
    expect((await scrape(server.metricsUrl!)).value('parley_refusals_total', { code: 'slow_consumer' })).toBe(1);
  });
});
