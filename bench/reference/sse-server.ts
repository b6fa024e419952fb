// The reference: a bare node:http SSE pub/sub server, the ceiling of any Node server doing Parley's wire work
// with none of its rules (no framework, no auth, no storage, no limits). It speaks the part of Parley's API the
// load generator drives, with the same headers and frames of the same size and shape:
//   GET  /users/{name}/stream   text/event-stream, no-store, a retry frame, then message events
//   POST /broadcast {text}      one frame, encoded once, written to every open stream; 202 {id, recipients}
//   POST /messages {to, text}   one frame to that user's streams; 202 {id, to, recipients}
//   POST /sessions {username}   201 with a token (anything is accepted)
//   GET  /healthz               {"status":"ok"}
// Prints one JSON line {"msg":"listening","url":...} once it listens.  Run: npx tsx bench/reference/sse-server.ts [port]
import { createServer, type IncomingMessage } from 'node:http';
import { announce, answer, endStreams, maxBodyBytes, openStream, post } from './wire.js';

const port = Number(process.argv[2] ?? 0);

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

const streamPath = /^\/users\/([a-z][a-z0-9_-]*)\/stream(?:\?.*)?$/;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET') {
    const match = streamPath.exec(url);
    if (match) openStream(match[1]!, res);
    else if (url === '/healthz') answer(res, 200, { status: 'ok' });
    else answer(res, 404, { status: 404 });
  } else if (req.method === 'POST') {
    readJson(req).then(
      (body) => post(url, body, res),
      () => answer(res, 400, { status: 400 }),
    );
  } else {
    answer(res, 405, { status: 405 });
  }
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  announce(typeof address === 'object' && address ? address.port : port);
});

process.on('SIGTERM', () => {
  endStreams();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
