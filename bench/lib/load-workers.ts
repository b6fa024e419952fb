// The benchmark's side of its load-generator processes: starts them, sends commands, sums their progress.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { decodeFromCompressedBase64, build, type Histogram } from 'hdr-histogram-js';
import { repoRoot } from '../../test/support/process.js';
import type { Command, Heartbeats, Integrity, Opened, Progress, Reply, StreamSpec } from '../load/protocol.js';

const workerScript = join(repoRoot, 'bench/load/worker.ts');
const running = new Set<ChildProcess>();

/** Kills every load process still running (when the whole run is cut short). */
export function killWorkers(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Openings so far in this process: each takes a block of loopback addresses of its own. */
let openings = 0;

export class LoadWorker {
  received = 0;
  bytes = 0;
  lastAt = 0;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private readonly exited: Promise<unknown>;
  onProgress: (() => void) | undefined;

  private constructor(readonly child: ChildProcess) {
    this.exited = once(child, 'exit');
    child.on('message', (message: Reply | Progress | { op: 'ready' }) => {
      if ('op' in message) {
        if (message.op === 'progress') {
          this.received = message.received;
          this.bytes = message.bytes;
          this.lastAt = message.lastAt;
          this.onProgress?.();
        }
        return;
      }
      const waiter = this.pending.get(message.seq);
      this.pending.delete(message.seq);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new Error(`load process: ${message.error}`));
    });
    void this.exited.then(() => {
      running.delete(child);
      for (const waiter of this.pending.values()) waiter.reject(new Error('the load process exited'));
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadWorker> {
    const child = fork(workerScript, [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    running.add(child);
    const worker = new LoadWorker(child);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`the load process exited with ${String(code)} before it was ready`)),
      );
    });
    return worker;
  }

  call<T>(command: Command): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...command, seq });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.disconnect();
    await this.exited;
  }
}

/** Open streams per load process: two processes hold 10,000, well inside an open-file limit of 20,000. */
export const streamsPerWorker = 5_000;

export interface IntegritySum {
  streams: number;
  received: number;
  missing: number;
  duplicate: number;
  outOfOrder: number;
  unexpected: number;
  lost: number;
  ended: number;
}

export function emptyIntegrity(): IntegritySum {
  return { streams: 0, received: 0, missing: 0, duplicate: 0, outOfOrder: 0, unexpected: 0, lost: 0, ended: 0 };
}

export function addIntegrity(into: IntegritySum, more: Omit<Integrity, 'latency'>): IntegritySum {
  into.streams = Math.max(into.streams, more.streams);
  into.received += more.received;
  into.missing += more.missing;
  into.duplicate += more.duplicate;
  into.outOfOrder += more.outOfOrder;
  into.unexpected += more.unexpected;
  into.lost += more.lost;
  into.ended = Math.max(into.ended, more.ended);
  return into;
}

/** Many SSE readers spread over load processes, counted as one. */
export class Readers {
  private constructor(readonly workers: readonly LoadWorker[]) {}

  static async start(streams: number): Promise<Readers> {
    const count = Math.max(1, Math.ceil(streams / streamsPerWorker));
    return new Readers(await Promise.all(Array.from({ length: count }, () => LoadWorker.start())));
  }

  get received(): number {
    return this.workers.reduce((sum, w) => sum + w.received, 0);
  }

  /** Wall-clock ms of the last message event on any stream. */
  get lastAt(): number {
    return Math.max(...this.workers.map((w) => w.lastAt));
  }

  get bytes(): number {
    return this.workers.reduce((sum, w) => sum + w.bytes, 0);
  }

  /**
   * Opens every stream, split evenly over the load processes, each from a loopback address of its own
   * (ephemeral ports run out past some 28,000 connections from one address to one port), and over `urls` (a
   * server on several ports); the open rate is over the earliest start and latest end. Each opening takes fresh
   * addresses (127.1.0.2, 127.1.0.3, ... then 127.2.0.2, ...): the connections of the one before linger in
   * TIME_WAIT on theirs for a minute, and opening from the same addresses then took twice as long.
   */
  async open(
    urls: string | readonly string[],
    specs: readonly StreamSpec[],
    concurrencyPerWorker = 50,
  ): Promise<{ seconds: number; concurrency: number; failed: number; firstError?: string }> {
    const n = this.workers.length;
    const block = 1 + (openings++ % 250);
    const results = await Promise.all(
      this.workers.map((w, i) =>
        w.call<Opened>({
          op: 'open',
          urls: typeof urls === 'string' ? [urls] : urls,
          localAddress: `127.${block}.0.${2 + i}`,
          streams: specs.filter((_, j) => j % n === i),
          concurrency: concurrencyPerWorker,
        }),
      ),
    );
    const startedAt = Math.min(...results.map((r) => r.startedAt));
    const endedAt = Math.max(...results.map((r) => r.endedAt));
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    const firstError = results.find((r) => r.firstError)?.firstError;
    return {
      seconds: (endedAt - startedAt) / 1000,
      concurrency: concurrencyPerWorker * n,
      failed,
      ...(firstError ? { firstError } : {}),
    };
  }

  async latency(on: boolean): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call({ op: 'latency', on })));
  }

  /** Checks every stream against what it should have had; latencies merged over the processes. */
  async verify(expect: {
    all?: readonly number[];
    byUser?: Readonly<Record<string, readonly number[]>>;
  }): Promise<{ integrity: IntegritySum; latency?: Histogram }> {
    const results = await Promise.all(this.workers.map((w) => w.call<Integrity>({ op: 'verify', ...expect })));
    const integrity = emptyIntegrity();
    let latency: Histogram | undefined;
    for (const r of results) {
      addIntegrity(integrity, r);
      if (r.latency) {
        latency ??= build({
          lowestDiscernibleValue: 1,
          highestTrackableValue: 3_600_000_000,
          numberOfSignificantValueDigits: 3,
        });
        latency.add(decodeFromCompressedBase64(r.latency));
      }
    }
    integrity.streams = results.reduce((sum, r) => sum + r.streams, 0);
    integrity.ended = results.reduce((sum, r) => sum + r.ended, 0);
    return { integrity, ...(latency ? { latency } : {}) };
  }

  /**
   * Resolves once the processes have received `target` message events in all, or with false once nothing
   * arrived for `stallMs` (what is missing then shows in verify).
   */
  until(target: number, stallMs = 30_000): Promise<boolean> {
    return new Promise((resolve) => {
      let last = this.received;
      let since = Date.now();
      const done = (ok: boolean) => {
        clearInterval(timer);
        for (const w of this.workers) w.onProgress = undefined;
        resolve(ok);
      };
      const check = () => {
        if (this.received >= target) done(true);
      };
      const timer = setInterval(() => {
        if (this.received !== last) {
          last = this.received;
          since = Date.now();
        } else if (Date.now() - since > stallMs) done(false);
      }, 250);
      for (const w of this.workers) w.onProgress = check;
      check();
    });
  }

  /** Resolves once no bytes arrived on any stream for `quietMs` (presence after an opening has gone through). */
  async quiet(quietMs: number, limitMs = 120_000): Promise<void> {
    const start = Date.now();
    let last = this.bytes;
    let since = Date.now();
    while (Date.now() - start < limitMs) {
      await new Promise((r) => setTimeout(r, 100));
      if (this.bytes !== last) {
        last = this.bytes;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) return;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call({ op: 'close' })));
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /** Heartbeats of the open streams since the last call, over every load process. */
  async heartbeats(): Promise<Heartbeats> {
    const counts = await Promise.all(this.workers.map((w) => w.call<Heartbeats>({ op: 'heartbeats' })));
    const open = counts.filter((c) => c.streams > 0);
    return {
      streams: counts.reduce((sum, c) => sum + c.streams, 0),
      least: open.length === 0 ? 0 : Math.min(...open.map((c) => c.least)),
      total: counts.reduce((sum, c) => sum + c.total, 0),
    };
  }

  /** CPU the load processes used so far, in ms. */
  async cpuMs(): Promise<number> {
    const usages = await Promise.all(this.workers.map((w) => w.call<{ cpuMs: number }>({ op: 'usage' })));
    return usages.reduce((sum, u) => sum + u.cpuMs, 0);
  }
}
