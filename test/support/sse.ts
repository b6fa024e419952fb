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
  close(): void;
}

/**
 * Opens a stream with fetch and parses it with a real SSE parser (eventsource-parser), never by substring.
 * Resolves once the response headers arrived, which is when the server has attached the stream.
 */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
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
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      const reader = res.body.getReader();
      for (;;) {
        const { done: finished, value } = await reader.read();
        if (finished) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted by close()
    } finally {
      watched.end();
    }
  })();

  return {
    status: res.status,
    headers: res.headers,
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
        (why) => (why === 'ended' ? `stream ended before the condition held; events: ${shown()}` : `condition not met within ${timeoutMs} ms; events: ${shown()}`),
      );
    },
    close() {
      controller.abort();
    },
  };
}

/** Counts `message` events. */
export const messageCount = (n: number) => (events: SseEvent[]) => events.filter((e) => e.event === 'message').length >= n;
