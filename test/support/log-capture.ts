import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { Watched } from './watched.js';

export interface CapturedLog {
  /** A real pino logger whose JSON lines land in `entries`. */
  readonly log: Logger;
  readonly entries: Record<string, unknown>[];
  /** Resolves with the first entry, from now on or already logged, for which `match` holds. */
  until(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Captures what an in-process server logs, so that a test can wait for something the server did. */
export function captureLog(level: 'info' | 'debug' = 'info'): CapturedLog {
  const entries: Record<string, unknown>[] = [];
  const watched = new Watched();
  let partial = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line !== '') entries.push(JSON.parse(line) as Record<string, unknown>);
      watched.changed();
      done();
    },
  });
  return {
    log: createLogger(level, { destination: sink }),
    entries,
    until(match, timeoutMs = 10_000) {
      return watched.until(
        () => entries.find(match),
        timeoutMs,
        () =>
          `no such log entry within ${timeoutMs} ms; logged: ${JSON.stringify(entries.map((e) => e.msg)).slice(0, 1000)}`,
      );
    },
  };
}
