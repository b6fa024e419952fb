// The reference of the publish path: a minimal express 5 app. `POST /messages` parses a JSON body and answers
// 202; `GET /healthz` is a bare express GET answering {"status":"ok"}. No other middleware; like Parley it
// sends no X-Powered-By and no ETag, so that what is compared is what Parley adds on top of express.
// Prints one JSON line {"msg":"listening","url":...} once it listens.  Run: npx tsx bench/reference/express-app.ts [port]
import express from 'express';

const port = Number(process.argv[2] ?? 0);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);

let lastId = 0;
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/messages', express.json({ limit: 65_536 }), (req, res) => {
  const body = req.body as { to?: unknown };
  res.status(202).json({ id: String(++lastId), to: String(body.to ?? ''), recipients: 1 });
});

const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${bound}` })}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
