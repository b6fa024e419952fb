// What both references write: the frames and answers of the part of Parley's API the load generator drives, of
// the same size and shape as Parley's, and the open streams by user. Bare node:http and a minimal express app
// then differ only in how a request reaches this.
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

const retryFrame = 'retry: 2000\n\n';
const sender = 'sender';

export const maxBodyBytes = 65_536;

const streams = new Map<string, Set<ServerResponse>>();
let open = 0;
let lastId = 0;

function frame(id: number, to: string, kind: string, text: string): Buffer {
  const json =
    `{"id":"${id}","from":"${sender}","to":${JSON.stringify(to)},"kind":"${kind}",` +
    `"text":${JSON.stringify(text)},"sentAt":"${new Date().toISOString()}"}`;
  return Buffer.from(`id: ${id}\nevent: message\ndata: ${json}\n\n`);
}

export function answer(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

export function openStream(name: string, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.socket?.setNoDelay(true);
  res.write(retryFrame);
  let mine = streams.get(name);
  if (!mine) streams.set(name, (mine = new Set()));
  mine.add(res);
  open++;
  res.on('close', () => {
    open--;
    mine.delete(res);
    if (mine.size === 0) streams.delete(name);
  });
}

/** POST /broadcast, /messages and /sessions on a parsed body; anything else is a 404. */
export function post(path: string, body: Record<string, unknown>, res: ServerResponse): void {
  const text = String(body.text ?? '');
  if (path === '/broadcast') {
    const id = ++lastId;
    const wire = frame(id, 'everyone', 'broadcast', text);
    for (const mine of streams.values()) for (const stream of mine) stream.write(wire);
    answer(res, 202, { id: String(id), recipients: open, skipped: [] });
  } else if (path === '/messages') {
    const to = String(body.to ?? '');
    const id = ++lastId;
    const mine = streams.get(to);
    if (mine) {
      const wire = frame(id, to, 'direct', text);
      for (const stream of mine) stream.write(wire);
    }
    answer(res, 202, { id: String(id), to, recipients: 1 });
  } else if (path === '/sessions') {
    answer(res, 201, {
      username: String(body.username ?? ''),
      token: randomBytes(32).toString('base64url'),
      created: true,
    });
  } else {
    answer(res, 404, { status: 404 });
  }
}

/** Ends every open stream, for a stop. */
export function endStreams(): void {
  for (const mine of streams.values()) for (const stream of mine) stream.end();
}

/** Prints the line the bench waits for once the server listens. */
export function announce(port: number): void {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` })}\n`);
}
