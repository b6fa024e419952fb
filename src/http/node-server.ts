import { createServer, type Server } from 'node:http';
import {
  createServer as createTlsServer,
  type Server as TlsServer,
  type ServerOptions as TlsOptions,
} from 'node:https';
import type { Express } from 'express';
import { problem } from './problem.js';

export interface NodeServer {
  readonly server: Server | TlsServer;
  /** Resolves once no request is in flight, or after `timeoutMs`: shutdown waits for answers, not for idle timers. */
  settled(timeoutMs: number): Promise<void>;
}

/**
 * The node:http server around the app (node:https given TLS options: a certificate, its key and the profile),
 * set up for long-lived streams.
 */
export function createNodeServer(app: Express, tls: TlsOptions | undefined): NodeServer {
  const server = tls ? createTlsServer(tls, app) : createServer(app);
  // Requests Node cannot parse (CR/LF in a header, a bad request line) still get a problem document.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body = JSON.stringify(problem('invalid_request', 'the request is not valid HTTP'));
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: ` +
        `${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
  // Streams are long-lived by design; the heartbeat keeps them busy, so no idle timeout applies.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  return { server, settled: trackRequests(server) };
}

function trackRequests(server: Server | TlsServer): (timeoutMs: number) => Promise<void> {
  let count = 0;
  const waiters = new Set<() => void>();
  server.on('request', (_req, res) => {
    count++;
    res.once('close', () => {
      if (--count === 0) for (const wake of waiters) wake();
    });
  });
  return (timeoutMs) =>
    new Promise<void>((resolve) => {
      if (count === 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
    });
}
