// Many open streams in one server process: registers N users, opens one SSE stream per user from this process,
// and measures the time to open them, the server's memory per stream, the fan-out of a broadcast to every
// stream, direct-message latency with every stream open, and a second broadcast in steady state. Starts a real
// server process on a free loopback port, prints a Markdown table and stops by itself.
//
//   npm run bench:streams
//   STREAMS=1000,5000,10000 STORES=memory,sqlite PRESENCE_DELAY_MS=250 npx tsx bench/streams.ts
//
// STREAMS: comma-separated stream counts, one fresh server each (default 10000; at most the open-file limit
// less a margin, since this process and the server each hold one socket per stream). STORES: memory and/or
// sqlite (default memory). PRESENCE_DELAY_MS: the server's presence coalescing window (default 250, the
// product default). HEARTBEAT_MS: the server's heartbeat (default 1 h, out of the way); with IDLE_S > 0 the
// server's CPU is measured over that many idle seconds at the end, the cost of heartbeats and session checks
// with every stream open. BENCH_TIMEOUT_S: a guard on the whole run (default 1200).
import { rmSync } from 'node:fs';
import { Agent, get, type ClientRequest } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { serverThroughTsx, spawnServer, tempDir, type ServerProcess } from '../test/support/process.js';
import { guard, pool } from './lib/async.js';
import { cpuMs as cpuOf, openFileLimit, rssBytes as rssOf } from './lib/proc.js';

const openConcurrency = 50;
const registerConcurrency = 50;
const directMessages = 100;
const directConcurrency = 10;
/** Sockets this process and the server keep besides the streams (REST connections, files, stdio). */
const fdMargin = 1_000;

const fdLimit = openFileLimit();
const counts = listOf('STREAMS', '10000').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > fdLimit - fdMargin) {
    throw new Error(
      `STREAMS: ${s} is not a whole number from 1 to ${fdLimit - fdMargin} (the open-file limit is ${fdLimit})`,
    );
  }
  return n;
});
const stores = listOf('STORES', 'memory').map((s) => {
  if (s !== 'memory' && s !== 'sqlite') throw new Error(`STORES: ${s} is neither memory nor sqlite`);
  return s;
});
const presenceDelayMs = Number(process.env.PRESENCE_DELAY_MS ?? 250);
if (!Number.isInteger(presenceDelayMs) || presenceDelayMs < 0 || presenceDelayMs > 60_000) {
  throw new Error('PRESENCE_DELAY_MS: a whole number of milliseconds from 0 to 60000');
}
const heartbeatMs = Number(process.env.HEARTBEAT_MS ?? 3_600_000);
const idleS = Number(process.env.IDLE_S ?? 0);
const timeoutS = Number(process.env.BENCH_TIMEOUT_S ?? 1_200);

function listOf(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

async function post(url: string, path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

const messageMarker = '\nevent: message\n';

/**
 * One user's stream, read cheaply: message events are counted by their `event:` line (the `id:` line always
 * precedes it, so the marker starts with a line break) and time-stamped on arrival. The last few characters of
 * each chunk are kept so that a marker split across chunks still counts once.
 */
class StreamCounter {
  readonly arrivals: number[] = [];
  bytes = 0;
  ended = false;
  request: ClientRequest | undefined;
  private tail = '';
  private waiter: { index: number; resolve: (at: number) => void } | undefined;

  constructor(
    readonly user: string,
    private readonly onMessage: () => void,
  ) {}

  feed(chunk: string): void {
    const now = performance.now();
    this.bytes += chunk.length;
    const text = this.tail + chunk;
    for (let i = text.indexOf(messageMarker); i !== -1; i = text.indexOf(messageMarker, i + messageMarker.length)) {
      this.arrivals.push(now);
      this.onMessage();
    }
    this.tail = text.slice(-(messageMarker.length - 1));
    if (this.waiter && this.arrivals.length > this.waiter.index) {
      this.waiter.resolve(this.arrivals[this.waiter.index]!);
      this.waiter = undefined;
    }
  }

  /** When message event number `index` (from 0) arrived, once it has. */
  arrival(index: number): Promise<number> {
    if (this.arrivals.length > index) return Promise.resolve(this.arrivals[index]!);
    return new Promise((resolve) => (this.waiter = { index, resolve }));
  }
}

/** Counts message events over every stream and wakes whoever waits for a total. */
class Tally {
  received = 0;
  private waiter: { target: number; resolve: () => void } | undefined;

  readonly onMessage = (): void => {
    this.received++;
    if (this.waiter && this.received >= this.waiter.target) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  };

  until(target: number): Promise<void> {
    if (this.received >= target) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { target, resolve }));
  }
}

function openStream(agent: Agent, port: number, user: string, token: string, tally: Tally): Promise<StreamCounter> {
  const counter = new StreamCounter(user, tally.onMessage);
  return new Promise((resolve, reject) => {
    const req = get(
      {
        host: '127.0.0.1',
        port,
        path: `/users/${user}/stream`,
        agent,
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`stream of ${user}: ${res.statusCode}`));
          return;
        }
        // Everything counted is ASCII; latin1 decodes without UTF-8 bookkeeping.
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => counter.feed(chunk));
        res.on('close', () => (counter.ended = true));
        res.on('error', () => (counter.ended = true));
        resolve(counter);
      },
    );
    counter.request = req;
    req.on('error', (err) => {
      counter.ended = true;
      reject(err);
    });
  });
}

/**
 * Resolves once no stream has received a byte for `quietMs` (the presence events of the opening are through),
 * with the time the last byte arrived.
 */
async function quiet(streams: readonly StreamCounter[], quietMs: number): Promise<number> {
  const total = () => streams.reduce((sum, s) => sum + s.bytes, 0);
  let last = total();
  let since = performance.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = total();
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) return since;
  }
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Spread {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

interface Fanout {
  /** Send to 202. */
  readonly accepted: number;
  /** Send to arrival on each stream. */
  readonly latency: Spread;
  /** Server CPU from the send until the last stream had it (ms). */
  readonly cpu: number;
}

interface Result {
  readonly store: string;
  readonly streams: number;
  readonly registerS: number;
  readonly openS: number;
  /** Opening plus the presence events it caused, until the streams fell quiet (s). */
  readonly settledS: number;
  readonly openCpuS: number;
  readonly presenceBytesPerStream: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly rssPeak: number;
  readonly clientRss: number;
  readonly first: Fanout;
  readonly direct: Spread;
  readonly second: Fanout;
  readonly ended: number;
  /** Share of one CPU the server used while idle (heartbeats, session checks); NaN when not measured. */
  readonly idleCpu: number;
}

const running = new Set<ServerProcess>();

async function broadcast(
  url: string,
  token: string,
  pid: number,
  streams: readonly StreamCounter[],
  tally: Tally,
  text: string,
): Promise<Fanout> {
  const index = streams.map((s) => s.arrivals.length);
  const target = tally.received + streams.length;
  const cpu0 = cpuOf(pid);
  const t0 = performance.now();
  await post(url, '/broadcast', { text }, token);
  const accepted = performance.now() - t0;
  await guard(
    tally.until(target),
    120_000,
    () => `${target - tally.received} of ${streams.length} streams still wait for "${text}"`,
  );
  const cpu = cpuOf(pid) - cpu0;
  return { accepted, latency: spread(streams.map((s, i) => s.arrivals[index[i]!]! - t0)), cpu };
}

async function run(store: 'memory' | 'sqlite', n: number): Promise<Result> {
  const data = tempDir('parley-streams-');
  const args = [
    '--store',
    store,
    '--data',
    data,
    // A registration is set-up here, not what is measured: the cheapest password hash.
    '--scrypt-cost',
    '16',
    '--max-streams',
    String(n + 100),
    '--queue-limit',
    '1000000',
    '--message-rate',
    '0',
    '--broadcast-rate',
    '0',
    '--heartbeat-ms',
    String(heartbeatMs),
    '--presence-delay-ms',
    String(presenceDelayMs),
  ];
  const server = await spawnServer(args, {}, { command: serverThroughTsx });
  running.add(server);
  const pid = server.child.pid!;
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const streams: StreamCounter[] = [];
  try {
    const url = server.url;
    const log = (line: string) => process.stderr.write(`[${store} ${n}] ${line}\n`);
    const tally = new Tally();

    let t = performance.now();
    const sender = String((await post(url, '/sessions', { username: 'sender', password: 'sender-password' })).token);
    const users = Array.from({ length: n }, (_, i) => `user${String(i).padStart(5, '0')}`);
    const tokens = await pool(users, registerConcurrency, async (user) =>
      String((await post(url, '/sessions', { username: user, password: `${user}-password` })).token),
    );
    const registerS = (performance.now() - t) / 1000;
    log(`registered ${n} users in ${registerS.toFixed(1)} s`);
    const rssBefore = rssOf(pid);

    // Peak memory while streams open: presence events are written to every stream whether or not it keeps up.
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 100).unref();
    const cpu0 = cpuOf(pid);
    t = performance.now();
    await guard(
      pool(users, openConcurrency, async (user, i) => {
        streams.push(await openStream(agent, server.port, user, tokens[i]!, tally));
      }),
      600_000,
      () => `${streams.length} of ${n} streams open`,
    );
    const openS = (performance.now() - t) / 1000;
    log(`opened ${n} streams in ${openS.toFixed(1)} s`);
    const lastByte = await guard(
      quiet(streams, presenceDelayMs + 1_000),
      600_000,
      () => 'presence events still arriving',
    );
    const settledS = (lastByte - t) / 1000;
    // The quiet wait is idle time for the server, so its CPU counts the opening and its presence events only.
    const openCpuS = (cpuOf(pid) - cpu0) / 1000;
    const presenceBytesPerStream = streams.reduce((sum, s) => sum + s.bytes, 0) / n;
    clearInterval(sampler);
    const rssAfter = rssOf(pid);
    log(`quiet after ${settledS.toFixed(1)} s; server RSS ${(rssAfter / 1e6).toFixed(0)} MB`);

    const first = await broadcast(url, sender, pid, streams, tally, 'first broadcast');
    log(`first broadcast: last stream after ${first.latency.max.toFixed(0)} ms`);

    // Distinct recipients, so that each one's next message event is the one sent to it.
    const picks = shuffled(streams).slice(0, Math.min(directMessages, n));
    const latencies = await pool(picks, directConcurrency, async (stream, i) => {
      const arrived = stream.arrival(stream.arrivals.length);
      const t0 = performance.now();
      await post(url, '/messages', { to: stream.user, text: `direct ${i}` }, sender);
      return (await guard(arrived, 30_000, () => `direct message to ${stream.user}`)) - t0;
    });
    const direct = spread(latencies);
    log(`direct messages: p99 ${direct.p99.toFixed(1)} ms`);

    const second = await broadcast(url, sender, pid, streams, tally, 'second broadcast');
    log(`second broadcast: last stream after ${second.latency.max.toFixed(0)} ms`);

    let idleCpu = NaN;
    if (idleS > 0) {
      const before = cpuOf(pid);
      await new Promise((r) => setTimeout(r, idleS * 1000));
      idleCpu = (cpuOf(pid) - before) / (idleS * 1000);
      log(`idle: server CPU ${(idleCpu * 100).toFixed(1)} %`);
    }

    return {
      idleCpu,
      store,
      streams: n,
      registerS,
      openS,
      settledS,
      openCpuS,
      presenceBytesPerStream,
      rssBefore,
      rssAfter,
      rssPeak: Math.max(rssPeak, rssAfter),
      clientRss: process.memoryUsage().rss,
      first,
      direct,
      second,
      ended: streams.filter((s) => s.ended).length,
    };
  } finally {
    // The server ends every stream on SIGTERM; whatever is left is cut here.
    await guard(server.stop(), 30_000, () => 'server stop').catch(() => server.kill());
    running.delete(server);
    rmSync(data, { recursive: true, force: true });
    for (const s of streams) s.request?.destroy();
    agent.destroy();
  }
}

const overall = setTimeout(() => {
  process.stderr.write(`the benchmark ran longer than ${timeoutS} s; stopping\n`);
  for (const server of running) server.child.kill('SIGKILL');
  process.exit(1);
}, timeoutS * 1000);
overall.unref();

const results: Result[] = [];
for (const store of stores) for (const n of counts) results.push(await run(store, n));

const ms = (x: number) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const mb = (bytes: number) => Math.round(bytes / 1e6).toLocaleString('en-US');
const fan = (f: Fanout) =>
  `${ms(f.accepted)} | ${ms(f.latency.p50)} / ${ms(f.latency.p99)} / ${ms(f.latency.max)} | ${ms(f.cpu)}`;
const lines = [
  `Open streams in one server process: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
    `presence delay ${presenceDelayMs} ms, open-file limit ${fdLimit}, loopback, client in one process`,
  '',
  '| store | streams | open all (s) | opened + presence quiet (s) | server CPU opening (s) | presence kB per stream | server RSS before → after (MB) | RSS per stream (kB) | server RSS peak while opening (MB) | client RSS (MB) |',
  '|-------|--------:|-------------:|----------------------------:|-----------------------:|-----------------------:|-------------------------------:|--------------------:|-----------------------------------:|----------------:|',
  ...results.map(
    (r) =>
      `| ${r.store} | ${r.streams.toLocaleString('en-US')} | ${r.openS.toFixed(1)} | ${r.settledS.toFixed(1)} | ${r.openCpuS.toFixed(1)} | ` +
      `${(r.presenceBytesPerStream / 1e3).toFixed(0)} | ${mb(r.rssBefore)} → ${mb(r.rssAfter)} | ${((r.rssAfter - r.rssBefore) / r.streams / 1e3).toFixed(1)} | ${mb(r.rssPeak)} | ${mb(r.clientRss)} |`,
  ),
  '',
  '| store | streams | broadcast 1: 202 (ms) | broadcast 1 arrival p50 / p99 / last (ms) | server CPU (ms) | direct p50 / p99 (ms) | broadcast 2: 202 (ms) | broadcast 2 arrival p50 / p99 / last (ms) | server CPU (ms) |',
  '|-------|--------:|----------------------:|------------------------------------------:|----------------:|----------------------:|----------------------:|------------------------------------------:|----------------:|',
  ...results.map(
    (r) =>
      `| ${r.store} | ${r.streams.toLocaleString('en-US')} | ${fan(r.first)} | ${ms(r.direct.p50)} / ${ms(r.direct.p99)} | ${fan(r.second)} |`,
  ),
  '',
  `Direct: ${directMessages} messages to distinct online users, ${directConcurrency} at a time, send → arrival on the stream. ` +
    `Arrival times are measured from the send of the POST.`,
  ...results
    .filter((r) => !Number.isNaN(r.idleCpu))
    .map(
      (r) =>
        `${r.store} ${r.streams}: idle for ${idleS} s with a heartbeat every ${heartbeatMs} ms, the server used ${(r.idleCpu * 100).toFixed(1)} % of a CPU.`,
    ),
  ...results
    .filter((r) => r.ended > 0)
    .map((r) => `${r.store} ${r.streams}: ${r.ended} streams ended before the server stopped.`),
];
process.stdout.write(`${lines.join('\n')}\n`);
