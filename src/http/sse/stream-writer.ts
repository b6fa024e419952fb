import type { ServerResponse } from 'node:http';
import type { QueuedMsgform } from '../../core/msgform.js';
import {
  sessionIsOver,
  type EndReason,
  type LostNotice,
  type SharedEvent,
  type StreamSink,
} from '../../core/delivery/stream-session.js';
import { commentFrame, eventFrame, retryFrame } from './frame.js';

const heartbeat = commentFrame('heartbeat');

const endReasons = new WeakMap<ServerResponse, EndReason>();

/** Why the server ended the stream on `res`, if it did (monitoring reads it once the response closed). */
export function endReasonOf(res: ServerResponse): EndReason | undefined {
  return endReasons.get(res);
}

/** A StreamSink over an HTTP response. Frames shared by several streams are encoded once, on the event. */
export class SseStreamWriter implements StreamSink {
  constructor(
    private readonly res: ServerResponse,
    private readonly retryMs: number,
  ) {
    // The body ends with the connection, so it needs no chunked framing: each event is one plain write, with no
    // chunk header and trailer around it (a stream's connection is never reused anyway).
    res.useChunkedEncodingByDefault = false;
    res.shouldKeepAlive = false;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells nginx and similar proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write(retryFrame(retryMs));
    shedHead(res);
  }

  message(entry: QueuedMsgform): boolean {
    entry.wire ??= eventFrame(entry.type ?? 'message', entry.json, entry.id);
    return this.write(entry.wire);
  }

  lost(notice: LostNotice): void {
    const data =
      notice.reason === 'retention'
        ? { reason: notice.reason, after: String(notice.after), through: String(notice.through) }
        : { reason: notice.reason, after: String(notice.after) };
    this.write(eventFrame('lost', JSON.stringify(data)));
  }

  sent(entry: QueuedMsgform): boolean {
    return this.write(eventFrame('sent', entry.json));
  }

  presence(event: SharedEvent): boolean {
    event.wire ??= eventFrame('presence', event.json);
    return this.write(event.wire);
  }

  heartbeat(): boolean {
    return this.write(heartbeat);
  }

  onDrain(listener: () => void): void {
    // The frames go to the socket itself (see write): it is the socket that drains.
    this.res.socket?.on('drain', listener);
  }

  end(reason: EndReason): void {
    if (this.res.writableEnded) return;
    endReasons.set(this.res, reason);
    // A stream's connection is not worth keeping alive: close it with the response.
    this.res.shouldKeepAlive = false;
    // Once its session is over the client should stay away; otherwise come back soon.
    this.res.end(commentFrame(`end: ${reason}`) + (sessionIsOver(reason) ? '' : retryFrame(this.retryMs)));
    // A client that stopped reading cannot take the goodbye either: past the slow-consumer bound the connection
    // is dropped at once, so that it holds neither buffers nor a socket. Its messages stay for a resume.
    if (reason === 'slow_consumer') this.res.destroy();
  }

  /**
   * Once the head is out, a frame goes straight to the socket, in order with anything node:http writes there:
   * the response's own write would cork the socket and uncork it on the next tick, for every frame on every
   * stream, to gather a head and chunk framing that a stream no longer has (one write per frame either way).
   */
  private write(frame: string): boolean {
    const socket = this.res.socket;
    return socket === null ? this.res.write(frame) : socket.write(frame);
  }
}

/** node:http's own field for the headers of a response, as a map kept until the response is collected. */
let headerMap: symbol | undefined;

/**
 * node:http keeps a response's head for as long as the response lives, twice: the text it wrote, as a rope of
 * a hundred small strings (one per header name, value and separator; the security headers make some twenty),
 * and the map the headers were set in. A stream lives for hours, so once its head is out it keeps the text as
 * one flat string and drops the map: some 3 kB less per stream. node:http reads the text only to know that the
 * head went out, and the map only to change or read headers, which a sent head no longer allows.
 */
function shedHead(res: ServerResponse): void {
  const sent = res as ServerResponse & { _header?: unknown } & Record<symbol, unknown>;
  if (typeof sent._header !== 'string') return;
  sent._header = Buffer.from(sent._header, 'latin1').toString('latin1');
  headerMap ??= Object.getOwnPropertySymbols(res).find((s) => s.description === 'kOutHeaders');
  if (headerMap !== undefined) sent[headerMap] = null;
}
