import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { QueuedMsgform } from '../../core/msgform.js';
import {
  sessionIsOver,
  type EndReason,
  type LostNotice,
  type SharedEvent,
  type StreamSink,
} from '../../core/delivery/stream-session.js';
import { commentFrame, eventFrame, messageFrameAround, recipientPart, retryFrame } from './frame.js';

const heartbeat = Buffer.from(commentFrame('heartbeat'));

const endReasons = new WeakMap<ServerResponse, EndReason>();

/** Why the server ended the stream on `res`, if it did (monitoring reads it once the response closed). */
export function endReasonOf(res: ServerResponse): EndReason | undefined {
  return endReasons.get(res);
}

/** A message frame's shared parts, before and after the recipient (see messageFrameAround). */
type Around = readonly [Uint8Array, Uint8Array];

/** The most writes a stream keeps room for between turns; a turn that needs more has a list of its own. */
const keptRoom = 32;

/**
 * A StreamSink over an HTTP response. Frames shared by several streams are encoded once, on the event, and the
 * same bytes go to each: a message goes out as the part before its recipient and the part after it, shared by
 * every recipient, around the recipient's name, which the stream keeps encoded.
 *
 * What a stream is given within one turn of the event loop is written at the end of the turn, as one write: a
 * fan-out of many messages to thousands of streams would otherwise make a write per message and stream, each
 * held by node:http (corked until the end of the turn) as a request of its own. So much young garbage outliving
 * a turn is promoted to the old generation, which gives it back only at a full collection, long after: memory
 * that grows with traffic. Until the end of the turn a stream holds only references to the shared bytes.
 */
export class SseStreamWriter implements StreamSink {
  /** The name this stream's messages are addressed to (its user's), encoded once; set by the first message. */
  private recipient: { readonly to: string; readonly bytes: Uint8Array } | undefined;
  /** What this turn gave the stream, not yet written: frames, or the shared parts of a message frame. */
  private pending: (Uint8Array | Around | undefined)[] = [];
  private pendingCount = 0;
  private pendingBytes = 0;

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
    const { shared, to } = entry;
    if (shared && to !== undefined && entry.type === undefined && this.addressedHere(to)) {
      shared.wire ??= bytesOf(messageFrameAround(shared.id, shared.head, shared.tail));
      return this.send(shared.wire, shared.wire[0].length + this.recipient!.bytes.length + shared.wire[1].length);
    }
    entry.wire ??= Buffer.from(eventFrame(entry.type ?? 'message', entry.json, entry.id));
    return this.send(entry.wire, entry.wire.length);
  }

  lost(notice: LostNotice): void {
    const data =
      notice.reason === 'retention'
        ? { reason: notice.reason, after: String(notice.after), through: String(notice.through) }
        : { reason: notice.reason, after: String(notice.after) };
    const frame = Buffer.from(eventFrame('lost', JSON.stringify(data)));
    this.send(frame, frame.length);
  }

  sent(entry: QueuedMsgform): boolean {
    const frame = Buffer.from(eventFrame('sent', entry.json));
    return this.send(frame, frame.length);
  }

  presence(event: SharedEvent): boolean {
    event.wire ??= Buffer.from(eventFrame('presence', event.json));
    return this.send(event.wire, event.wire.length);
  }

  heartbeat(): boolean {
    return this.send(heartbeat, heartbeat.length);
  }

  onDrain(listener: () => void): void {
    this.transport.on('drain', listener);
  }

  end(reason: EndReason): void {
    if (this.res.writableEnded) return;
    this.flush();
    endReasons.set(this.res, reason);
    // A stream's connection is not worth keeping alive: close it with the response.
    this.res.shouldKeepAlive = false;
    // Once its session is over the client should stay away; otherwise come back soon.
    this.res.end(commentFrame(`end: ${reason}`) + (sessionIsOver(reason) ? '' : retryFrame(this.retryMs)));
    // A client that stopped reading cannot take the goodbye either: past the slow-consumer bound the connection
    // is dropped at once, so that it holds neither buffers nor a socket. Its messages stay for a resume.
    if (reason === 'slow_consumer') this.res.destroy();
  }

  /** Writes what this turn gave the stream, as one write; false when the transport is full. */
  flush(): boolean {
    const count = this.pendingCount;
    if (count === 0) return !this.transport.writableNeedDrain;
    const parts = this.pending;
    const first = parts[0]!;
    let chunk: Uint8Array;
    if (count === 1 && first instanceof Uint8Array) chunk = first;
    else {
      const out = Buffer.allocUnsafe(this.pendingBytes);
      let at = 0;
      for (let i = 0; i < count; i++) {
        const part = parts[i]!;
        if (part instanceof Uint8Array) at += copy(out, at, part);
        else {
          at += copy(out, at, part[0]);
          at += copy(out, at, this.recipient!.bytes);
          at += copy(out, at, part[1]);
        }
      }
      chunk = out;
    }
    // The list keeps its room from turn to turn: a new one each turn, alive for the turn, would be promoted like
    // the writes were. One that a long turn grew is let go.
    if (count > keptRoom) this.pending = [];
    else parts.fill(undefined, 0, count);
    this.pendingCount = 0;
    this.pendingBytes = 0;
    if (this.res.writableEnded || this.res.destroyed) return false;
    return this.transport.write(chunk);
  }

  /**
   * Where frames go once the head is out: the socket itself, in order with anything node:http writes there. The
   * response's own write would cork the socket and uncork it on the next tick, for every write on every stream,
   * to gather a head and chunk framing that a stream no longer has.
   */
  private get transport(): Writable {
    return this.res.socket ?? this.res;
  }

  /**
   * Adds a frame (or a message frame's shared parts) to what goes out at the end of the turn. Past the
   * transport's high-water mark it all goes out now, so that a full transport says so (and then tells of its
   * drain) as a write straight to it would.
   */
  private send(part: Uint8Array | Around, bytes: number): boolean {
    if (this.pendingCount === 0) flushAtEndOfTurn(this);
    this.pending[this.pendingCount++] = part;
    this.pendingBytes += bytes;
    const transport = this.transport;
    if (transport.writableLength + this.pendingBytes < transport.writableHighWaterMark) return true;
    return this.flush();
  }

  /** Whether `to` is the name this stream's messages are addressed to; the first message sets it. */
  private addressedHere(to: string): boolean {
    if (this.recipient) return this.recipient.to === to;
    const part = recipientPart(to);
    if (part === undefined) return false;
    // A buffer of its own: a slice of node's shared pool would keep the whole pool block alive with the stream.
    const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(part));
    bytes.write(part);
    this.recipient = { to, bytes };
    return true;
  }
}

function copy(out: Buffer, at: number, part: Uint8Array): number {
  out.set(part, at);
  return part.length;
}

function bytesOf([before, after]: [string, string]): Around {
  return [Buffer.from(before), Buffer.from(after)];
}

/** Writers given bytes this turn, flushed together once the turn's work is done. */
const due: SseStreamWriter[] = [];

function flushAtEndOfTurn(writer: SseStreamWriter): void {
  if (due.length === 0) process.nextTick(flushDue);
  due.push(writer);
}

function flushDue(): void {
  // A flush may give a writer bytes again (an end that writes): those wait for the next round.
  const count = due.length;
  for (let i = 0; i < count; i++) due[i]!.flush();
  due.splice(0, count);
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
