import { connect, type Socket } from 'node:net';
import { createParser } from 'eventsource-parser';
import type { SseEvent } from './sse.js';
import { Watched } from './watched.js';

export interface RawStream {
  readonly socket: Socket;
  /** Every event parsed so far, in order. */
  readonly events: SseEvent[];
  /** Message ids received so far, as numbers. */
  ids(): number[];
  /** Stops reading: the kernel's buffers fill, then the server's writes are refused. */
  pause(): void;
  resume(): void;
  /** Resolves once `predicate` holds for what was read; rejects when the server closes first or after `timeoutMs`. */
  until(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server closes the connection. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * A stream on a raw socket (HTTP/1.0, so the body has no chunked framing), parsed with a real SSE parser.
 * Resolves once the response headers arrived, which is when the server has attached the stream; with `paused`
 * it then stops reading: a device that reads the headers and then nothing.
 */
export function openRawStream(
  baseUrl: string,
  user: { name: string; token: string },
  options: { query?: string; lastEventId?: string; paused?: boolean } = {},
): Promise<RawStream> {
  const { hostname, port } = new URL(baseUrl);
  const events: SseEvent[] = [];
  const watched = new Watched();
  const parser = createParser({
    onEvent: (e) => {
      events.push({ event: e.event ?? 'message', id: e.id, data: e.data });
      watched.changed();
    },
  });
  const decoder = new TextDecoder();
  let head = '';
  let inBody = false;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const resume = options.lastEventId === undefined ? '' : `Last-Event-ID: ${options.lastEventId}\r\n`;
      socket.write(
        `GET /users/${user.name}/stream${options.query ?? ''} HTTP/1.0\r\nHost: ${hostname}\r\n` +
          `Authorization: Bearer ${user.token}\r\nAccept: text/event-stream\r\n${resume}\r\n`,
      );
    });
    const ended = new Promise<void>((done) => socket.on('close', () => done()));
    void ended.then(() => watched.end());
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      const text = decoder.decode(chunk, { stream: true });
      if (inBody) return parser.feed(text);
      head += text;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      inBody = true;
      if (options.paused) socket.pause();
      resolve(stream);
      parser.feed(head.slice(end + 4));
    });
    const stream: RawStream = {
      socket,
      events,
      ids: () => events.filter((e) => e.event === 'message').map((e) => Number(e.id)),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      until: (predicate, timeoutMs = 30_000) =>
        watched
          .until(
            () => (predicate(events) ? true : undefined),
            timeoutMs,
            (why) =>
              `raw stream ${why} before the condition held; ${events.length} events, the last: ${JSON.stringify(events.slice(-3))}`,
          )
          .then(() => undefined),
      ended,
      close: () => socket.destroy(),
    };
  });
}
