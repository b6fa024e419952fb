import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Watched } from './watched.js';

export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

export interface SseReader {
  readonly status: number;
  readonly headers: Headers;
  /** Every event parsed so far, in order. */
  readonly events: SseEvent[];
  /** `retry:` values seen. */
  readonly retries: number[];
  /** Comments seen (heartbeats, end notices). */
  readonly comments: string[];
  /** Resolves once `predicate` holds for the events so far; rejects when the stream ends first or after `timeoutMs`. */
  until(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  /** The `message` events' parsed data. */
  messages<T = Record<string, unknown>>(): T[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** Over HTTPS with `ca`: the SHA-256 fingerprint of the certificate this stream's connection was served. */
  readonly fingerprint256: string | undefined;
  close(): void;
}

/** Where a stream's bytes come from: fetch, or node:https when the test trusts its own CA. */
interface Source {
  readonly status: number;
  readonly headers: Headers;
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly fingerprint256: string | undefined;
  abort(): void;
}

/**
 * Opens a stream and parses it with a real SSE parser (eventsource-parser), never by substring. Resolves once
 * the response headers arrived, which is when the server has attached the stream. With `ca`, the request goes
 * over node:https trusting that certificate (fetch cannot be given one).
 */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
  options: { ca?: string | Buffer } = {},
): Promise<SseReader> {
  const source = options.ca === undefined ? await fromFetch(url, headers) : await fromHttps(url, headers, options.ca);
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const watched = new Watched();
  const notify = () => watched.changed();
  const parser = createParser({
    onEvent: (e: EventSourceMessage) => {
      events.push({ event: e.event ?? 'message', id: e.id, data: e.data });
      notify();
    },
    onRetry: (ms) => retries.push(ms),
    onComment: (c) => {
      comments.push(c);
      notify();
    },
  });
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of source.chunks) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close()
    } finally {
      watched.end();
    }
  })();

  return {
    status: source.status,
    headers: source.headers,
    fingerprint256: source.fingerprint256,
    events,
    retries,
    comments,
    ended,
    messages<T>() {
      return events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as T);
    },
    until(predicate, timeoutMs = 10_000) {
      const shown = () => JSON.stringify(events).slice(0, 2000);
      return watched.until(
        () => (predicate(events) ? events : undefined),
        timeoutMs,
        (why) =>
          why === 'ended'
            ? `stream ended before the condition held; events: ${shown()}`
            : `condition not met within ${timeoutMs} ms; events: ${shown()}`,
      );
    },
    close() {
      source.abort();
    },
  };
}

async function fromFetch(url: string, headers: Record<string, string>): Promise<Source> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  async function* chunks(): AsyncIterable<Uint8Array> {
    if (!res.body) return;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  return {
    status: res.status,
    headers: res.headers,
    chunks: chunks(),
    fingerprint256: undefined,
    abort: () => controller.abort(),
  };
}

function fromHttps(url: string, headers: Record<string, string>, ca: string | Buffer): Promise<Source> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, ca, agent: false }, (res) => {
      const fields = new Headers();
      for (const [name, value] of Object.entries(res.headers))
        if (value !== undefined) fields.set(name, Array.isArray(value) ? value.join(', ') : value);
      const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      resolve({ status: res.statusCode!, headers: fields, chunks: res, fingerprint256, abort: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Counts `message` events. */
export const messageCount = (n: number) => (events: SseEvent[]) =>
  events.filter((e) => e.event === 'message').length >= n;
