// What the scenarios share: settings, a fresh server around each measurement, registered users with open
// streams, broadcasts under flow control, and the conversions from targets to table columns.
import { Agent } from 'node:http';
import { pool, sleep } from '../lib/async.js';
import { expectJson } from '../lib/http.js';
import { Readers, type IntegritySum } from '../lib/load-workers.js';
import { rssBytes } from '../lib/proc.js';
import type { Column, Row, Store } from '../lib/report.js';
import { startTarget, type Target, type TargetName } from '../lib/targets.js';
import { stampedText } from '../load/text.js';
import { wallMs } from '../load/protocol.js';

export interface Settings {
  /** Multiplies stream counts, message counts and durations (1: the full matrix). */
  readonly scale: number;
  /** Length of every message text. */
  readonly textBytes: number;
  /** Progress lines go here. */
  log(line: string): void;
}

export interface Scenario<M> {
  /** For BENCH_ONLY. */
  readonly name: string;
  readonly targets: readonly TargetName[];
  /** Targets measured only when BENCH_TARGETS names them. */
  readonly optionalTargets?: readonly TargetName[];
  /** Measures one target on a fresh server of its own. */
  measure(target: TargetName, settings: Settings): Promise<M>;
  rows(results: Results<M>, settings: Settings): Row[];
}

export type Results<M> = Partial<Record<TargetName, M | Error>>;

export function columnOf(target: TargetName): Column {
  switch (target) {
    case 'express':
      return 'reference';
    case 'redis-workers':
    case 'redis-pair':
      return 'redis2';
    case 'sentinel':
      return 'wait0';
    case 'sentinel-acked':
      return 'waitAll';
    case 'redis-workers6':
      return 'redis6';
    default:
      return target;
  }
}

/** The measurement of a target, unless it failed or was not run. */
export function ok<M>(results: Results<M>, target: TargetName): M | undefined {
  const r = results[target];
  return r instanceof Error ? undefined : r;
}

/** One cell per target: `format` of its measurement, or why there is none. */
export function cells<M>(results: Results<M>, format: (m: M) => string): Row['cells'] {
  const out: Partial<Record<Column, string>> = {};
  for (const [target, r] of Object.entries(results) as [TargetName, M | Error][]) {
    out[columnOf(target)] = r instanceof Error ? 'failed' : format(r);
  }
  return out;
}

export function values<M>(results: Results<M>, pick: (m: M) => Record<string, number | string>): Row['values'] {
  const out: Partial<Record<Column, Record<string, number | string>>> = {};
  for (const [target, r] of Object.entries(results) as [TargetName, M | Error][]) {
    out[columnOf(target)] = r instanceof Error ? { error: r.message } : pick(r);
  }
  return out;
}

export function checks<M>(results: Results<M>, pick: (m: M) => IntegritySum | undefined): Row['checks'] {
  const out: Partial<Record<Column, IntegritySum>> = {};
  for (const [target, r] of Object.entries(results) as [TargetName, M | Error][]) {
    const c = r instanceof Error ? undefined : pick(r);
    if (c) out[columnOf(target)] = c;
  }
  return out;
}

/** The measurements of Parley alone, for rows where the reference has nothing to compare. */
export function withoutReference<M>(results: Results<M>): Results<M> {
  const { reference: _reference, ...stores } = results;
  return stores as Results<M>;
}

/** Parley ÷ reference for each store measured, with `figure` picking the number compared. */
export function ratiosToReference<M>(
  results: Results<M>,
  reference: TargetName,
  figure: (m: M) => number,
): Partial<Record<Store, number>> {
  const base = ok(results, reference);
  const out: Partial<Record<Store, number>> = {};
  if (!base) return out;
  for (const store of ['memory', 'sqlite'] as const) {
    const m = ok(results, store);
    if (m) out[store] = figure(m) / figure(base);
  }
  return out;
}

/** A ratio within each store's own measurement (say, heavy ÷ light). */
export function ratiosWithin<M>(results: Results<M>, ratio: (m: M) => number): Partial<Record<Store, number>> {
  const out: Partial<Record<Store, number>> = {};
  for (const store of ['memory', 'sqlite'] as const) {
    const m = ok(results, store);
    if (m) out[store] = ratio(m);
  }
  return out;
}

export function scaled(full: number, settings: Settings, min: number): number {
  return Math.max(min, Math.round(full * settings.scale));
}

/** Starts `name` fresh, runs `work` against it and stops it, whatever happens. */
export async function withServer<T>(
  name: TargetName,
  extraArgs: readonly string[],
  work: (target: Target) => Promise<T>,
): Promise<T> {
  const target = await startTarget(name, extraArgs);
  try {
    return await work(target);
  } finally {
    await target.stop();
  }
}

/**
 * Keep-alive connections for requests, each dropped after a second unused: well before the server's own idle
 * timeout (5 s), so that a request never races the server closing its connection.
 */
export function restAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets, timeout: 1_000 });
}

export function userNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `u${String(i).padStart(5, '0')}`);
}

/** Registers (or logs in) every name, 50 at a time; their tokens in the same order. */
export async function register(agent: Agent, url: URL, names: readonly string[]): Promise<string[]> {
  return pool(names, 50, async (username) => {
    const answer = await expectJson(
      agent,
      url,
      '/sessions',
      { username, password: `${username}-password` },
      [200, 201],
    );
    return String(answer.body.token);
  });
}

export const sender = 'sender';

/** A server with `n` users online, one stream each, and a registered sender who has no stream. */
export interface Online {
  readonly target: Target;
  readonly url: URL;
  readonly agent: Agent;
  readonly senderToken: string;
  readonly users: readonly string[];
  readonly tokens: readonly string[];
  readonly readers: Readers;
  /** Server RSS after registration, before any stream (bytes; summed over the server's processes). */
  readonly rssBefore: number;
  /** Server RSS once every stream is open and quiet (bytes; summed over the server's processes). */
  readonly rssIdle: number;
  /** The same two, each process apart, in the order of `target.pids`. */
  readonly rssBeforeEach: readonly number[];
  readonly rssIdleEach: readonly number[];
  /** Streams the server refused or that failed to open (0 unless refusals are allowed). */
  readonly refused: number;
  readonly firstRefusal?: string;
  /** From the first stream request to the last stream's answer (s). */
  readonly openS: number;
  /** Streams opening at once. */
  readonly concurrency: number;
  close(): Promise<void>;
}

/**
 * The server's resident memory (summed over its processes) once it has settled: the lowest of samples over `ms`, so that garbage the
 * collector has not yet returned counts as little as it can from outside the process.
 */
export async function settledRss(pids: readonly number[], ms: number): Promise<number> {
  return (await settledRssEach(pids, ms)).reduce((sum, rss) => sum + rss, 0);
}

/** settledRss of each process apart. */
export async function settledRssEach(pids: readonly number[], ms: number): Promise<number[]> {
  const lowest = pids.map(rssBytes);
  for (let waited = 0; waited < ms; waited += 250) {
    await sleep(250);
    pids.forEach((pid, i) => (lowest[i] = Math.min(lowest[i]!, rssBytes(pid))));
  }
  return lowest;
}

/** Settle for memory readings (ms). */
export const memorySettleMs = 2_000;

/**
 * Registers, opens `n` streams, lets the opening settle; the caller closes. With `memory`, the server's RSS is
 * read once settled before and after the opening; otherwise both are the reading of the moment. A stream that
 * fails to open fails the whole unless `refusals` are allowed (and counted).
 */
export async function goOnline(
  target: Target,
  n: number,
  settings: Settings,
  { memory = false, refusals = false } = {},
): Promise<Online> {
  const rss = () => (memory ? settledRssEach(target.pids, memorySettleMs) : Promise.resolve(target.pids.map(rssBytes)));
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const url = new URL(target.url);
  const agent = restAgent();
  const [senderToken] = await register(agent, url, [sender]);
  const users = userNames(n);
  const registering = Date.now();
  const tokens = await register(agent, url, users);
  if (n >= 10_000)
    settings.log(`${target.name}: ${n} users registered in ${((Date.now() - registering) / 1000).toFixed(1)} s`);
  const rssBeforeEach = await rss();
  const readers = await Readers.start(n);
  try {
    const opened = await readers.open(
      target.streamUrls,
      users.map((user, i) => ({ user, token: tokens[i]! })),
    );
    if (opened.failed > 0 && !refusals)
      throw new Error(`${opened.failed} of ${n} streams failed to open: ${opened.firstError}`);
    settings.log(`${target.name}: ${n - opened.failed} of ${n} streams open in ${opened.seconds.toFixed(1)} s`);
    // Whatever the opening caused (presence) has gone through.
    await readers.quiet(500);
    const rssIdleEach = await rss();
    return {
      target,
      url,
      agent,
      senderToken: senderToken!,
      users,
      tokens,
      readers,
      rssBefore: sum(rssBeforeEach),
      rssIdle: sum(rssIdleEach),
      rssBeforeEach,
      rssIdleEach,
      refused: opened.failed,
      ...(opened.firstError !== undefined ? { firstRefusal: opened.firstError } : {}),
      concurrency: opened.concurrency,
      openS: opened.seconds,
      async close() {
        await readers.close();
        await readers.stop();
        agent.destroy();
      },
    };
  } catch (err) {
    await readers.stop();
    agent.destroy();
    throw err;
  }
}

export interface Sent {
  /** Ids of the broadcasts, ascending. */
  readonly ids: number[];
  /** Request to 202, per broadcast (ms). */
  readonly acceptMs: number[];
}

async function broadcastOne(online: Online, settings: Settings): Promise<{ id: number; ms: number }> {
  const answer = await expectJson(
    online.agent,
    online.url,
    '/broadcast',
    { text: stampedText(wallMs(), settings.textBytes) },
    202,
    online.senderToken,
  );
  return { id: Number(answer.body.id), ms: answer.ms };
}

/**
 * `count` broadcasts as fast as the streams take them: at most `window` broadcasts sent and not yet received
 * by every stream, so that neither server buffers without bound. Resolves once every stream has had them all
 * (or nothing arrived for 30 s).
 */
export async function broadcastWindowed(
  online: Online,
  count: number,
  window: number,
  settings: Settings,
): Promise<Sent & { complete: boolean }> {
  const n = online.users.length;
  const base = online.readers.received;
  const answers: Promise<{ id: number; ms: number }>[] = [];
  const inFlight = () => answers.length - Math.floor((online.readers.received - base) / n);
  while (answers.length < count) {
    if (inFlight() >= window) {
      await sleep(1);
      continue;
    }
    const answer = broadcastOne(online, settings);
    // Handled now, awaited below: a failure waits for the others rather than ending the process.
    answer.catch(() => undefined);
    answers.push(answer);
  }
  const sent = await Promise.all(answers);
  const complete = await online.readers.until(base + n * count);
  return { ids: sent.map((s) => s.id).sort((a, b) => a - b), acceptMs: sent.map((s) => s.ms), complete };
}

/** `count` broadcasts one at a time, each to an idle server: the next goes once every stream had the last. */
export async function broadcastSpaced(online: Online, count: number, settings: Settings): Promise<Sent> {
  const ids: number[] = [];
  const acceptMs: number[] = [];
  for (let i = 0; i < count; i++) {
    const base = online.readers.received;
    const { id, ms } = await broadcastOne(online, settings);
    ids.push(id);
    acceptMs.push(ms);
    await online.readers.until(base + online.users.length);
    await sleep(100);
  }
  return { ids, acceptMs };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value at `p` % of the sorted values (the nearest rank below); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const kB = (bytes: number) => bytes / 1000;
