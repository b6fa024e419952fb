import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ChatError } from '../core/errors.js';
import { maxRequestBytes, type OperatorRequest, type OperatorResponse } from './operator-protocol.js';

/** The operator socket of the server whose data directory is `dataDir`. */
export function socketPath(dataDir: string): string {
  return join(resolve(dataDir), 'parley.sock');
}

export interface OperatorSocket {
  readonly path: string;
  /** Stops listening and removes the socket file. */
  close(): Promise<void>;
}

/** Reads one line from the socket, at most `limit` bytes; rejects past it or when the peer goes first. */
function readLine(socket: Socket, limit: number): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) resolveLine(buffered.slice(0, end));
      else if (Buffer.byteLength(buffered) > limit)
        reject(new Error(`a request is one line of at most ${limit} bytes`));
    });
    socket.on('end', () => reject(new Error('the connection ended before a whole line')));
    socket.on('error', reject);
  });
}

/**
 * Listens on a Unix socket for operator commands: no network port, and the socket file is created with mode
 * 0600, so only the owner of the data directory may connect. Call it once the data directory is locked by this
 * process: a socket file left there by a server that was killed is then known to be stale, and replaced.
 */
export async function listenOperator(
  path: string,
  parse: (line: string) => OperatorRequest,
  run: (request: OperatorRequest) => Promise<string[]>,
  log: Logger,
): Promise<OperatorSocket> {
  let stale;
  try {
    stale = lstatSync(path);
  } catch {
    stale = undefined;
  }
  if (stale && !stale.isSocket()) throw new Error(`${path} exists and is not a socket; move it away`);
  if (stale) rmSync(path);

  // Connections that have not sent their request yet: at close they are cut, while commands under way finish.
  const reading = new Set<Socket>();
  const server = createServer((socket) => {
    const answer = (response: OperatorResponse) => socket.end(`${JSON.stringify(response)}\n`);
    reading.add(socket);
    socket.setTimeout(10_000, () => socket.destroy());
    readLine(socket, maxRequestBytes)
      .then(async (line) => {
        reading.delete(socket);
        socket.setTimeout(0);
        const request = parse(line);
        const lines = await run(request);
        log.info(
          { command: request.command, ...('name' in request ? { name: request.name } : {}) },
          lines[0] ?? request.command,
        );
        answer({ ok: true, lines });
      })
      .catch((err: unknown) => {
        reading.delete(socket);
        if (socket.destroyed) return;
        if (!(err instanceof ChatError)) log.error({ err }, 'operator command failed');
        answer({ ok: false, error: err instanceof Error ? err.message : String(err) });
      });
  });
  // Created 0600 from the start: listen() binds at once, so the mask is back before anything else runs. A worker
  // thread may not change the mask; there the chmod below, right after the bind, is all there is.
  const mask = isMainThread ? process.umask(0o177) : undefined;
  try {
    server.listen(path);
  } finally {
    if (mask !== undefined) process.umask(mask);
  }
  chmodSync(path, 0o600);
  await new Promise<void>((resolveListening, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolveListening();
    });
  });
  return {
    path,
    close: () =>
      new Promise<void>((resolveClosed) => {
        server.close(() => resolveClosed());
        for (const socket of reading) socket.destroy();
      }),
  };
}

/** Thrown by `askServer` when no server listens on the socket. */
export class NoServerError extends Error {
  override readonly name = 'NoServerError';
}

/** Sends one request to the server's operator socket and resolves with its answer. */
/** Whether a server answers on the socket at `path` (a file left by a killed one does not). */
export function answers(path: string): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect(path);
    socket.once('error', () => resolveAnswer(false));
    socket.once('connect', () => {
      socket.destroy();
      resolveAnswer(true);
    });
  });
}

export function askServer(path: string, request: OperatorRequest): Promise<OperatorResponse> {
  return new Promise((resolveAnswer, reject) => {
    const socket = connect(path);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        reject(new NoServerError(`no Parley server is running on this data directory (nothing answers on ${path})`));
      } else if (err.code === 'EACCES') {
        reject(new Error(`${path} belongs to another user: run this as the user the server runs as`));
      } else reject(err);
    });
    socket.once('connect', () => {
      socket.write(`${JSON.stringify(request)}\n`);
      readLine(socket, 64 * 1024 * 1024).then((line) => {
        resolveAnswer(JSON.parse(line) as OperatorResponse);
        socket.destroy();
      }, reject);
    });
  });
}
