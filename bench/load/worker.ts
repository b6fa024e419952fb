// A load-generator process, started by the benchmark with child_process.fork and driven over IPC
// (bench/load/protocol.ts): it holds many SSE streams (raw sockets, bench/load/sse-socket.ts), records every message id
// per stream and, on request, the send-to-receipt latency; it also runs autocannon for request load. It only
// ever connects to the loopback URLs it is given, and exits when the benchmark goes away.
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { guard, pool, sleep } from '../lib/async.js';
import { postJson } from '../lib/http.js';
import {
  wallMs,
  type Command,
  type Integrity,
  type Loaded,
  type LoadSpec,
  type Opened,
  type Progress,
  type Reopened,
  type Reply,
  type Request,
  type StreamSpec,
  type Usage,
  type Heartbeats,
} from './protocol.js';
import { openSseSocket } from './sse-socket.js';
import { sentAtOf, stampedText } from './text.js';

const progressEveryMs = 20;
/** A probe is one request now and then: a connection of its own, never one the server may be closing. */
const probeAgent = new Agent({ keepAlive: false });

function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

let received = 0;
let bytes = 0;
let lastAt = 0;
let latencyOn = false;
let latency = newHistogram();
let progressTimer: NodeJS.Timeout | undefined;

function reportProgress(): void {
  progressTimer ??= setTimeout(() => {
    progressTimer = undefined;
    const progress: Progress = { op: 'progress', received, bytes, lastAt };
    process.send?.(progress);
  }, progressEveryMs);
}

function assertLoopback(url: string): URL {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== '[::1]' && parsed.hostname !== 'localhost') {
    throw new Error(`load goes to loopback only, not ${parsed.hostname}`);
  }
  return parsed;
}

/** One SSE stream: the ids of its message events since the last verify. */
class Stream {
  ids: number[] = [];
  lost = 0;
  ended = false;
  /** Heartbeat comments since the last `heartbeats` command. */
  heartbeats = 0;
  socket: Socket | undefined;
  /** Receipt time of the chunk being parsed. */
  private now = 0;
  private readonly parser = createParser({
    onEvent: (e) => this.event(e),
    onComment: (comment) => {
      if (comment.trim() === 'heartbeat') this.heartbeats++;
    },
  });
  onMessage: ((id: number) => void) | undefined;

  constructor(readonly spec: StreamSpec) {}

  feed(chunk: string): void {
    this.now = wallMs();
    bytes += chunk.length;
    this.parser.feed(chunk);
  }

  private event(e: EventSourceMessage): void {
    if (e.event === 'lost') this.lost++;
    if (e.event !== 'message' || e.id === undefined) return;
    const id = Number(e.id);
    this.ids.push(id);
    received++;
    lastAt = this.now;
    if (latencyOn) {
      const sentAt = sentAtOf(e.data);
      if (!Number.isNaN(sentAt)) latency.recordValue(Math.max(1, Math.round((this.now - sentAt) * 1000)));
    }
    this.onMessage?.(id);
    reportProgress();
  }
}

let streams: Stream[] = [];

/** Opens the stream; resolves with the response status once its head arrived (the socket stays open on 200). */
function openStream(url: URL, stream: Stream, lastEventId?: number, localAddress?: string): Promise<number> {
  const headers: Record<string, string> = { Authorization: `Bearer ${stream.spec.token}`, Accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  return new Promise((resolve, reject) => {
    let answered = false;
    stream.socket = openSseSocket(
      {
        host: url.hostname,
        port: Number(url.port),
        ...(localAddress !== undefined ? { localAddress } : {}),
        path: `/users/${stream.spec.user}/stream`,
        headers,
      },
      {
        onHead: (status) => {
          answered = true;
          if (status !== 200) stream.socket?.destroy();
          resolve(status);
        },
        onText: (text) => stream.feed(text),
        onClose: (error) => {
          stream.ended = true;
          if (!answered) reject(error ?? new Error('the connection closed before an answer'));
        },
      },
    );
  });
}

async function open(command: Extract<Command, { op: 'open' }>): Promise<Opened> {
  const urls = command.urls.map(assertLoopback);
  const from = command.localAddress;
  if (from !== undefined && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(from))
    throw new Error(`streams open from a loopback address only, not ${from}`);
  let failed = 0;
  let firstError: string | undefined;
  const startedAt = wallMs();
  await pool(command.streams, command.concurrency, async (spec, i) => {
    const stream = new Stream(spec);
    try {
      const status = await openStream(urls[i % urls.length]!, stream, undefined, from);
      if (status === 200) {
        streams.push(stream);
        return;
      }
      firstError ??= `stream of ${spec.user}: ${status}`;
    } catch (err) {
      firstError ??= `stream of ${spec.user}: ${(err as Error).message}`;
    }
    failed++;
  });
  return { startedAt, endedAt: wallMs(), failed, ...(firstError ? { firstError } : {}) };
}

function verify(command: Extract<Command, { op: 'verify' }>): Integrity {
  let missing = 0;
  let duplicate = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  let lost = 0;
  let ended = 0;
  let count = 0;
  for (const stream of streams) {
    const expected = command.all ?? command.byUser?.[stream.spec.user] ?? [];
    const got = stream.ids;
    count += got.length;
    lost += stream.lost;
    if (stream.ended) ended++;
    stream.ids = [];
    stream.lost = 0;
    if (got.length === expected.length && got.every((id, i) => id === expected[i])) continue;
    const seen = new Set<number>();
    let highest = -Infinity;
    for (const id of got) {
      if (seen.has(id)) {
        duplicate++;
        continue;
      }
      seen.add(id);
      if (id < highest) outOfOrder++;
      else highest = id;
    }
    const wanted = new Set(expected);
    for (const id of expected) if (!seen.has(id)) missing++;
    for (const id of seen) if (!wanted.has(id)) unexpected++;
  }
  const result: Integrity = {
    streams: streams.length,
    received: count,
    missing,
    duplicate,
    outOfOrder,
    unexpected,
    lost,
    ended,
    ...(latency.totalCount > 0 ? { latency: encodeIntoCompressedBase64(latency) } : {}),
  };
  latency = newHistogram();
  return result;
}

function close(): void {
  for (const stream of streams) stream.socket?.destroy();
  streams = [];
}

async function reopen(command: Extract<Command, { op: 'reopen' }>): Promise<Reopened> {
  const url = assertLoopback(command.url);
  const stream = new Stream(command.stream);
  let highest: number | undefined;
  const arrivals = new Map<number, number>();
  let waiter: { id: number; resolve: (at: number) => void } | undefined;
  stream.onMessage = (id) => {
    const at = performance.now();
    highest = Math.max(highest ?? id, id);
    arrivals.set(id, at);
    if (waiter?.id === id) waiter.resolve(at);
  };
  const t0 = performance.now();
  try {
    const status = await openStream(url, stream, command.lastEventId);
    const ttfbMs = performance.now() - t0;
    if (status !== 200 || command.probeToken === undefined) {
      return { status, ttfbMs, messages: stream.ids.length, ...(highest !== undefined ? { lastId: highest } : {}) };
    }
    const answer = await postJson(
      probeAgent,
      url,
      '/messages',
      { to: command.stream.user, text: stampedText(wallMs(), 64) },
      command.probeToken,
    );
    if (answer.status !== 202) throw new Error(`probe message: ${answer.status} ${JSON.stringify(answer.body)}`);
    const probeId = Number(answer.body.id);
    const arrived = await guard(
      arrivals.has(probeId)
        ? Promise.resolve(arrivals.get(probeId)!)
        : new Promise<number>((resolve) => (waiter = { id: probeId, resolve })),
      60_000,
      () => `probe message ${probeId} on the stream of ${command.stream.user}`,
    );
    return { status: 200, ttfbMs, readyMs: arrived - t0, messages: stream.ids.length, lastId: highest ?? probeId };
  } finally {
    stream.socket?.destroy();
  }
}

/**
 * Requests on a steady schedule, one every 1/rate s from the start whatever the answers (open loop), over at
 * most `connections` keep-alive sockets; autocannon's own rate limit sends each second's requests in a burst.
 */
async function paced(spec: LoadSpec, rate: number): Promise<Loaded> {
  const url = assertLoopback(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const recipients = spec.recipients ?? [];
  const sent: Record<string, number[]> = {};
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const answers: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < spec.amount; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait >= 1) await sleep(wait);
    const to = recipients[Math.floor(Math.random() * recipients.length)] ?? '';
    const body = { to, text: stampedText(wallMs(), spec.textBytes ?? 64) };
    answers.push(
      postJson(agent, url, spec.path, body, spec.token).then(
        (answer) => {
          latencies.push(answer.ms);
          if (answer.status === 202) (sent[to] ??= []).push(Number(answer.body.id));
          else non2xx++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(answers);
  const durationS = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN;
  for (const ids of Object.values(sent)) ids.sort((a, b) => a - b);
  return { ok: latencies.length - non2xx, non2xx, errors, durationS, p50Ms: at(0.5), p99Ms: at(0.99), sent };
}

async function load(spec: LoadSpec): Promise<Loaded> {
  assertLoopback(spec.url);
  if (spec.rate !== undefined) return paced(spec, spec.rate);
  const sent: Record<string, number[]> = {};
  const headers: Record<string, string> = spec.token ? { authorization: `Bearer ${spec.token}` } : {};
  const recipients = spec.recipients ?? [];
  const textBytes = spec.textBytes ?? 64;
  type Context = { to?: string };
  // autocannon ends a run of `amount` requests at its next once-a-second tick and reports that as the duration:
  // the run is timed here instead, from the start to the last answer.
  const t0 = performance.now();
  let lastAnswerAt = t0;
  const answered = () => void (lastAnswerAt = performance.now());
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    amount: spec.amount,
    requests: [
      spec.method === 'GET'
        ? { method: 'GET', path: spec.path, headers, onResponse: answered }
        : {
            method: 'POST',
            path: spec.path,
            setupRequest: (req, context: Context) => {
              const to = recipients[Math.floor(Math.random() * recipients.length)] ?? '';
              context.to = to;
              return {
                ...req,
                headers: { ...headers, 'content-type': 'application/json' },
                body: JSON.stringify({ to, text: stampedText(wallMs(), textBytes) }),
              };
            },
            onResponse: (status: number, body: string, context: Context) => {
              answered();
              if (status !== 202 || context.to === undefined) return;
              (sent[context.to] ??= []).push(Number((JSON.parse(body) as { id: string }).id));
            },
          },
    ],
  });
  for (const ids of Object.values(sent)) ids.sort((a, b) => a - b);
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationS: (lastAnswerAt - t0) / 1000,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    sent,
  };
}

/** The heartbeats of the open streams since the last call: the fewest any one had, and all of them. */
function heartbeats(): Heartbeats {
  let least = Infinity;
  let total = 0;
  let open = 0;
  for (const stream of streams) {
    if (stream.ended) continue;
    open++;
    least = Math.min(least, stream.heartbeats);
    total += stream.heartbeats;
    stream.heartbeats = 0;
  }
  return { streams: open, least: open === 0 ? 0 : least, total };
}

function usage(): Usage {
  const { user, system } = process.cpuUsage();
  return { cpuMs: (user + system) / 1000, rss: process.memoryUsage().rss };
}

async function handle(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'open':
      return open(command);
    case 'latency':
      latencyOn = command.on;
      latency = newHistogram();
      return null;
    case 'verify':
      return verify(command);
    case 'close':
      close();
      return null;
    case 'reopen':
      return reopen(command);
    case 'load':
      return load(command.spec);
    case 'usage':
      return usage();
    case 'heartbeats':
      return heartbeats();
  }
}

process.on('message', (message: Request) => {
  handle(message).then(
    (result) => process.send?.({ seq: message.seq, ok: true, result } satisfies Reply),
    (err: unknown) =>
      process.send?.({
        seq: message.seq,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      } satisfies Reply),
  );
});
// The benchmark went away: nothing here is worth finishing.
process.on('disconnect', () => process.exit(0));
process.send?.({ op: 'ready' });
