import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** `auto`: readable lines on a terminal, JSON lines otherwise (a file, a pipe, a log collector). */
export type LogFormat = 'auto' | 'pretty' | 'json';

export interface LoggerOptions {
  /** @default 'json' */
  readonly format?: LogFormat;
  /** Where lines go. @default standard output */
  readonly destination?: DestinationStream;
}

/** `auto` decided: pretty when the output is a terminal. */
export function resolveLogFormat(format: LogFormat, isTerminal: boolean): 'pretty' | 'json' {
  return format === 'auto' ? (isTerminal ? 'pretty' : 'json') : format;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/g;

/**
 * One readable line per event (errors add their stack below), written synchronously like pino's own
 * destination, so that nothing is lost when the process exits right after logging.
 */
function prettyLines(out: NodeJS.WriteStream | DestinationStream, colors: boolean): DestinationStream {
  // Loaded only for pretty lines: a service logging JSON never loads the formatter.
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const prettify = prettyFactory({
    colorize: colors,
    singleLine: true,
    ignore: 'pid,hostname,service',
    translateTime: 'SYS:HH:MM:ss.l',
    // Messages may quote what a client sent: control characters are shown escaped, so no line can be forged.
    messageFormat: (entry, key) =>
      String(entry[key] ?? '').replace(controlCharacters, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  });
  return { write: (line: string) => void out.write(prettify(line)) };
}

/** The one root logger; modules take a child. Credentials are redacted wherever they appear. */
export function createLogger(level: LevelWithSilent, { format = 'json', destination }: LoggerOptions = {}): Logger {
  const out = destination ?? process.stdout;
  const pretty = resolveLogFormat(format, destination === undefined && process.stdout.isTTY) === 'pretty';
  return pino(
    {
      level,
      base: { service: 'parley' },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    pretty
      ? prettyLines(out, destination === undefined && process.stdout.hasColors?.() === true)
      : (destination ?? stdoutLines()),
  );
}

/**
 * JSON lines on standard output, each written before the call returns. pino's default buffers and writes in the
 * background, and at exit writes what it holds at once: a line still on its way could then land after a later one
 * ("shutting down" after "parley stopped").
 */
function stdoutLines(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}
