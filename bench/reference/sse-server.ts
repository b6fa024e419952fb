// The reference: a bare node:http SSE pub/sub server, the ceiling of any Node server doing Parley's wire work
// with none of its rules (no framework, no auth, no storage, no limits). It speaks the part of Parley's API the
// load generator drives, with the same headers and frames of the same size and shape:
//   GET  /users/{name}/stream   text/event-stream, no-store, a retry frame, then message events
//   POST /broadcast {text}      one frame, encoded once, written to every open stream; 202 {id, recipients}
//   POST /messages {to, text}   one frame to that user's streams; 202 {id, to, recipients}
//   POST /sessions {username}   201 with a token (anything is accepted)
//   GET  /healthz               {"status":"ok"}
// Prints one JSON line {"msg":"listening","url":...} once it listens.  Run: npx tsx bench/reference/sse-server.ts [port]
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

const port = Number(process.argv[2] ?? 0);
const maxBodyBytes = 65_536;
const retryFrame = 'retry: 2000\n\n';
const sender = 'sender';

const streams = new Map<string, Set<ServerResponse>>();
let open = 0;
let lastId = 0;

function frame(id: number, to: string, kind: string, text: string): Buffer {
  const json =
    `{"id":"${id}","from":"${sender}","to":${JSON.stringify(to)},"kind":"${kind}",` +
    `"text":${JSON.stringify(text)},"sentAt":"${new Date().toISOString()}"}`;
  return Buffer.from(`id: ${id}\nevent: message\ndata: ${json}\n\n`);
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

function openStream(name: string, res: ServerResponse): void {
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

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch (err) {
        reject(err as Error);
      }
    });
    req.on('error', reject);
  });
}

async function post(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
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

const streamPath = /^\/users\/([a-z][a-z0-9_-]*)\/stream(?:\?.*)?$/;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET') {
    const match = streamPath.exec(url);
    if (match) openStream(match[1]!, res);
    else if (url === '/healthz') answer(res, 200, { status: 'ok' });
    else answer(res, 404, { status: 404 });
  } else if (req.method === 'POST') {
    post(url, req, res).catch(() => answer(res, 400, { status: 400 }));
  } else {
    answer(res, 405, { status: 405 });
  }
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${bound}` })}\n`);
});

process.on('SIGTERM', () => {
  for (const mine of streams.values()) for (const stream of mine) stream.end();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
