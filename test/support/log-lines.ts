import { createLogger, type Logger } from '../../src/log/logger.js';
import { Watched } from './watched.js';

export type LogEntry = Record<string, unknown>;

/** Log lines as they arrive, parsed, with a way to wait for one. */
export class LogLines {
  readonly entries: LogEntry[] = [];
  private readonly watched = new Watched();

  add(entry: LogEntry): void {
    this.entries.push(entry);
    this.watched.changed();
  }

  /** Call once no more lines can come. */
  end(): void {
    this.watched.end();
  }

  /**
   * Resolves with the first line, logged before or after the call, that `predicate` accepts among those after
   * the first `skip`; rejects when the lines end first or after `timeoutMs`.
   */
  waitFor(predicate: (entry: LogEntry) => boolean, { skip = 0, timeoutMs = 10_000 } = {}): Promise<LogEntry> {
    return this.watched.until(
      () => this.entries.slice(skip).find(predicate),
      timeoutMs,
      (why) =>
        `no such log line ${why === 'ended' ? 'before the log ended' : `within ${timeoutMs} ms`}; logged:\n${this.entries.map((e) => JSON.stringify(e)).join('\n')}`,
    );
  }
}

/** A logger for an in-process server whose lines a test can read and wait for. */
export function capturedLogger(level: 'info' | 'debug' = 'info'): { log: Logger; lines: LogLines } {
  const lines = new LogLines();
  return {
    log: createLogger(level, { destination: { write: (line: string) => lines.add(JSON.parse(line) as LogEntry) } }),
    lines,
  };
}
