// What a client that stops reading costs everyone else: N peers exchange messages at full speed over a real
// in-process server, once with and once without a stalled stream taking big messages, and print the peers'
// message rate and delivery latency (send -> received on the recipient's stream).
//
//   npx tsx bench/slow-consumer.ts [peers=50] [messagesPerPeer=200]
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import { configFrom } from '../src/config/load.js';
import { createLogger } from '../src/log/logger.js';
import { startServer } from '../src/server/start-server.js';

const peers = Number(process.argv[2] ?? 50);
const perPeer = Number(process.argv[3] ?? 200);

interface Peer {
  name: string;
  token: string;
}

async function post(url: string, path: string, body: unknown, token?: string): Promise<{ id: string; token: string }> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; token: string };
}

/** Reads one user's stream and records, per message id, when it arrived. */
async function listen(
  url: string,
  peer: Peer,
  arrived: Map<string, number>,
  controller: AbortController,
): Promise<void> {
  const res = await fetch(`${url}/users/${peer.name}/stream`, {
    headers: { authorization: `Bearer ${peer.token}` },
    signal: controller.signal,
  });
  const parser = createParser({
    onEvent: (e) => e.event === 'message' && e.id && arrived.set(e.id, performance.now()),
  });
  const decoder = new TextDecoder();
  void (async () => {
    try {
      const reader = res.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read())
        parser.feed(decoder.decode(r.value, { stream: true }));
    } catch {
      // aborted
    }
  })();
}

function stall(url: string, peer: Peer): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET /users/${peer.name}/stream HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer ${peer.token}\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.pause();
  });
}

async function run(withSlow: boolean): Promise<{ rate: number; p50: number; p99: number; rssMb: number }> {
  const config = configFrom({
    port: 0,
    store: 'memory',
    scryptCost: 1024,
    logLevel: 'silent',
    messageRate: 0,
    maxTextLength: 10_000,
  });
  const server = await startServer(config, { log: createLogger('silent') });
  const url = server.url;
  const join = async (name: string): Promise<Peer> => ({
    name,
    token: (await post(url, '/sessions', { username: name, password: `${name}-password` })).token,
  });
  const all: Peer[] = [];
  for (let i = 0; i < peers; i++) all.push(await join(`peer${i}`));
  const slow = await join('slow');
  const arrived = new Map<string, number>();
  const controller = new AbortController();
  await Promise.all(all.map((p) => listen(url, p, arrived, controller)));
  const socket = withSlow ? await stall(url, slow) : undefined;

  const sentAt = new Map<string, number>();
  const big = 'x'.repeat(10_000);
  const start = performance.now();
  await Promise.all(
    all.map(async (peer, n) => {
      const next = all[(n + 1) % peers]!;
      for (let i = 0; i < perPeer; i++) {
        const t = performance.now();
        const { id } = await post(url, '/messages', { to: next.name, text: `#${i}` }, peer.token);
        sentAt.set(id, t);
        if (withSlow && i % 2 === 0) await post(url, '/messages', { to: 'slow', text: big }, peer.token);
      }
    }),
  );
  while ([...sentAt.keys()].some((id) => !arrived.has(id))) await new Promise((r) => setTimeout(r, 5));
  const elapsed = (performance.now() - start) / 1000;
  const latencies = [...sentAt].map(([id, t]) => arrived.get(id)! - t).sort((a, b) => a - b);
  const rssMb = process.memoryUsage().rss / 1e6;
  controller.abort();
  socket?.destroy();
  await server.close();
  return {
    rate: Math.round(sentAt.size / elapsed),
    p50: Number(latencies[Math.floor(latencies.length * 0.5)]!.toFixed(1)),
    p99: Number(latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)),
    rssMb: Math.round(rssMb),
  };
}

console.log(`${peers} peers, ${perPeer} messages each (peer-to-peer rate and latency)`);
await run(false); // warm-up: JIT and sockets, so that the two measured runs start alike
for (const withSlow of [false, true]) {
  const r = await run(withSlow);
  console.log(
    `${withSlow ? 'with a stalled reader taking 10 kB messages' : 'without a stalled reader'}: ` +
      `${r.rate} msg/s, p50 ${r.p50} ms, p99 ${r.p99} ms, rss ${r.rssMb} MB`,
  );
}
