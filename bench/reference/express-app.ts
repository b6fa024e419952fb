// The reference of what express itself costs: a minimal express 5 app doing the reference's wire work
// (reference/wire.ts: the same streams, frames and answers) through express's router and its JSON body parser,
// with no other middleware. Like Parley it sends no X-Powered-By and no ETag, so that what is compared is what
// Parley adds on top of express. `GET /healthz` is a bare express GET answering {"status":"ok"}.
// Prints one JSON line {"msg":"listening","url":...} once it listens.  Run: npx tsx bench/reference/express-app.ts [port]
import express from 'express';
import { announce, endStreams, maxBodyBytes, openStream, post } from './wire.js';

const port = Number(process.argv[2] ?? 0);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);

app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/users/:name/stream', (req, res) => {
  openStream(req.params.name, res);
});
app.post(['/messages', '/broadcast', '/sessions'], express.json({ limit: maxBodyBytes }), (req, res) => {
  post(req.path, req.body as Record<string, unknown>, res);
});

const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  announce(typeof address === 'object' && address ? address.port : port);
});

process.on('SIGTERM', () => {
  endStreams();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
