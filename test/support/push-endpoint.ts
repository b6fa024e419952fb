import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stopAtEnd } from './stop-at-end.js';

/** One request as the endpoint received it. */
export interface ReceivedPush {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What to answer: a status with headers and body, or nothing ever (the connection stays open, silent). */
export type PushAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'never';

export interface PushEndpoint {
  /** `http://127.0.0.1:<port>/push/device-1`. */
  readonly url: string;
  readonly received: ReceivedPush[];
  /** Connections opened to it so far, whether or not a request followed. */
  readonly connections: number;
  /** What it answers each request; 201 by default. */
  answer: (push: ReceivedPush) => PushAnswer;
  /** Stops listening and drops every open connection; harmless twice. */
  stop(): Promise<void>;
}

/**
 * A push service stand-in on a loopback port, for what web-push-testing does not show or cannot do: it records
 * each request's headers and body and answers what the test says. Stopped at the end of the test file anyway.
 */
export async function startPushEndpoint(): Promise<PushEndpoint> {
  let connections = 0;
  const received: ReceivedPush[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const push = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(push);
      const answer = endpoint.answer(push);
      if (answer === 'never') return;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body);
    });
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return stopped;
  };
  const release = stopAtEnd(stop);
  const endpoint: PushEndpoint = {
    url: `http://127.0.0.1:${port}/push/device-1`,
    received,
    get connections() {
      return connections;
    },
    answer: () => ({ status: 201 }),
    async stop() {
      await stop();
      release();
    },
  };
  return endpoint;
}
