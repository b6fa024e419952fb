// An SSE stream over a raw TCP socket: the request written by hand, the response head parsed once, then the
// body (chunked or not) handed on as latin1 text. A load generator reading thousands of streams spends most of
// its time per read; without node:http's parser and the stream machinery it costs less than the reference
// server's write of the same bytes, so that it measures servers rather than itself.
import { connect, type Socket } from 'node:net';

export interface SseSocketOptions {
  readonly host: string;
  readonly port: number;
  /** The source address (a loopback address other than 127.0.0.1 has ephemeral ports of its own). */
  readonly localAddress?: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SseSocketHandlers {
  /** The response head: its status and whether a body follows as an event stream. */
  onHead(status: number): void;
  /** Body text, in order; split anywhere. */
  onText(text: string): void;
  onClose(error?: Error): void;
}

const headEnd = Buffer.from('\r\n\r\n');
/**
 * One read buffer for every socket of the process: each read is handled (and copied out as text) before the
 * next, so they can share it, and reads skip the stream machinery and a Buffer allocation each.
 */
const readBuffer = Buffer.alloc(256 * 1024);

export function openSseSocket(options: SseSocketOptions, handlers: SseSocketHandlers): Socket {
  const socket = connect({
    host: options.host,
    port: options.port,
    ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
    noDelay: true,
    onread: {
      buffer: readBuffer,
      callback: (nread: number, buf: Uint8Array) => {
        received(buf as Buffer, nread);
        return true;
      },
    },
  });
  const lines = [
    `GET ${options.path} HTTP/1.1`,
    `Host: ${options.host}:${options.port}`,
    ...Object.entries(options.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);

  let head: Buffer | undefined = Buffer.alloc(0);
  let chunked = false;
  /** Bytes left in the current chunk; -1 while a chunk-size line is being read, -2 while its trailing CRLF is. */
  let left = -1;
  let sizeLine = '';
  let trailer = 0;

  const body = (buf: Buffer, from: number, to: number) => {
    if (!chunked) {
      if (from < to) handlers.onText(buf.toString('latin1', from, to));
      return;
    }
    let i = from;
    while (i < to) {
      if (left > 0) {
        const end = Math.min(to, i + left);
        handlers.onText(buf.toString('latin1', i, end));
        left -= end - i;
        i = end;
        if (left === 0) {
          left = -2;
          trailer = 0;
        }
      } else if (left === -2) {
        // The CRLF after a chunk's data.
        const take = Math.min(2 - trailer, to - i);
        trailer += take;
        i += take;
        if (trailer === 2) left = -1;
      } else {
        const found = buf.indexOf(10, i);
        const nl = found >= to ? -1 : found;
        if (nl === -1) {
          sizeLine += buf.toString('latin1', i, to);
          return;
        }
        sizeLine += buf.toString('latin1', i, nl);
        i = nl + 1;
        const size = Number.parseInt(sizeLine, 16);
        sizeLine = '';
        if (!Number.isFinite(size)) {
          socket.destroy(new Error('malformed chunked encoding'));
          return;
        }
        if (size === 0) {
          socket.end();
          return;
        }
        left = size;
      }
    }
  };

  function received(buf: Buffer, nread: number): void {
    if (head === undefined) {
      body(buf, 0, nread);
      return;
    }
    // The head is small and comes once: copied out of the shared buffer.
    const all: Buffer = Buffer.concat([head, buf.subarray(0, nread)]);
    const end = all.indexOf(headEnd);
    if (end === -1) {
      head = all;
      return;
    }
    const text = all.toString('latin1', 0, end);
    head = undefined;
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
    chunked = /\r\ntransfer-encoding:\s*chunked/i.test(text);
    handlers.onHead(status);
    body(all, end + headEnd.length, all.length);
  }
  let closed = false;
  const close = (error?: Error) => {
    if (closed) return;
    closed = true;
    handlers.onClose(error);
  };
  socket.on('error', (err) => close(err));
  socket.on('close', () => close());
  return socket;
}
