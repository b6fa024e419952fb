// The messages between the benchmark and its load-generator processes (bench/load/worker.ts), over the IPC
// channel of child_process.fork. Every command carries a sequence number and gets exactly one reply.

export interface StreamSpec {
  readonly user: string;
  /** Bearer token; the reference ignores it. */
  readonly token: string;
}

/** One HTTP load run, driven by autocannon over keep-alive connections. */
export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly connections: number;
  /**
   * Requests in all; the run ends once every one is answered, so that no request is cut in flight and every
   * message the server accepted has a known id.
   */
  readonly amount: number;
  /** Requests per second, sent on a steady schedule (POST only); autocannon at its maximum when absent. */
  readonly rate?: number;
  readonly token?: string;
  /** POST bodies are {to, text} with `to` picked at random from these, and a send time at the head of `text`. */
  readonly recipients?: readonly string[];
  readonly textBytes?: number;
}

export type Command =
  /**
   * Opens one SSE stream per spec, `concurrency` opening at a time, spread over `urls` in turn (the processes of
   * a server on several ports), each from `localAddress` (a loopback address: every one has its own ephemeral ports).
   */
  | {
      readonly op: 'open';
      readonly urls: readonly string[];
      readonly localAddress?: string;
      readonly streams: readonly StreamSpec[];
      readonly concurrency: number;
    }
  /** Whether to record, per message, receipt time minus the send time written at the head of its text. */
  | { readonly op: 'latency'; readonly on: boolean }
  /**
   * Compares what every stream received since the last verify with what it should have: `all` for every stream,
   * else `byUser[user]` (nothing for a user not named). Ids are expected in increasing order, each once.
   */
  | {
      readonly op: 'verify';
      readonly all?: readonly number[];
      readonly byUser?: Readonly<Record<string, readonly number[]>>;
    }
  | { readonly op: 'close' }
  /** One stream opened, timed to its first byte and, with `probeToken`, to a message posted once it answered. */
  | {
      readonly op: 'reopen';
      readonly url: string;
      readonly stream: StreamSpec;
      readonly lastEventId?: number;
      readonly probeToken?: string;
    }
  | { readonly op: 'load'; readonly spec: LoadSpec }
  | { readonly op: 'usage' }
  /** Heartbeat comments per open stream since the last such command (Heartbeats), counting from zero again. */
  | { readonly op: 'heartbeats' };

export type Request = Command & { readonly seq: number };

export type Reply =
  | { readonly seq: number; readonly ok: true; readonly result: unknown }
  | { readonly seq: number; readonly ok: false; readonly error: string };

/** Sent unasked, at most every few tens of milliseconds while counts change. */
export interface Progress {
  readonly op: 'progress';
  /** Message events received over every stream of this process since it started. */
  readonly received: number;
  readonly bytes: number;
  /** Wall-clock milliseconds of the last message event. */
  readonly lastAt: number;
}

export interface Opened {
  /** Wall-clock milliseconds of the first request and of the last answer. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly failed: number;
  readonly firstError?: string;
}

export interface Integrity {
  readonly streams: number;
  readonly received: number;
  readonly missing: number;
  readonly duplicate: number;
  readonly outOfOrder: number;
  /** Ids no stream of that user should have had. */
  readonly unexpected: number;
  /** `lost` events (a resume the store could not serve). */
  readonly lost: number;
  /** Streams the server ended. */
  readonly ended: number;
  /** Send-to-receipt latencies in microseconds, an HdrHistogram as compressed base64 (with latency on). */
  readonly latency?: string;
}

export interface Reopened {
  readonly status: number;
  /** Request to the response head (status line, headers and whatever came with them), ms. */
  readonly ttfbMs: number;
  /** Request to the arrival of the probe message, ms (with a probe). */
  readonly readyMs?: number;
  /** Message events the stream carried before it was closed (1 for a resume at the last id with a probe). */
  readonly messages: number;
  readonly lastId?: number;
}

export interface Loaded {
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly durationS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The ids of 202 answers, by recipient. */
  readonly sent: Record<string, number[]>;
}

export interface Heartbeats {
  /** Streams open now. */
  readonly streams: number;
  /** The fewest heartbeats any open stream received. */
  readonly least: number;
  readonly total: number;
}

export interface Usage {
  readonly cpuMs: number;
  readonly rss: number;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
