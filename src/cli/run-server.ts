import type { Config } from '../config/schema.js';
import { listeningMessage } from '../workers/messages.js';
import type { Logger } from '../log/logger.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { onReloadSignal, onStopSignal } from '../server/signals.js';

/**
 * Runs one server process until SIGTERM or SIGINT, then closes it gracefully and exits (0; 1 when the close
 * fails). `worker`: one of the processes of --workers N, which tells the primary once it listens and leaves the
 * "to stop it" line to the primary. A start that fails exits 1 with one plain line on stderr.
 */
export async function serve(config: Config, log: Logger, role: 'server' | 'worker'): Promise<void> {
  // The signals are heard before the server listens: one sent as soon as the listening line is out (a test, a
  // service manager) drains the server instead of meeting Node's default, which ends the process at once.
  let started: (server: RunningServer) => void;
  const running = new Promise<RunningServer>((resolve) => (started = resolve));
  const stopping = new AbortController();
  onStopSignal((signal) => {
    log.info({ signal }, 'shutting down');
    stopping.abort();
    running
      .then((server) => server.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  });
  onReloadSignal(() => {
    void running
      .then((server) => server.reloadTls('SIGHUP'))
      .then((outcome) => {
        if (outcome === 'plain-http') log.info({ signal: 'SIGHUP' }, 'nothing to reload: not serving TLS');
        else log.info({ signal: 'SIGHUP', outcome }, 'TLS files reread');
      });
  });

  let server: RunningServer;
  try {
    server = await startServer(config, { log, role, stopped: stopping.signal });
  } catch (err) {
    // Stopped while it waited: nothing had started, and nothing failed.
    if (stopping.signal.aborted) {
      log.info('parley stopped before it started');
      process.exit(0);
    }
    log.fatal({ err }, 'parley could not start');
    // Also one plain line for the person at the terminal: the log line is for machines.
    console.error(`parley: could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  started!(server);

  if (role === 'worker') process.send?.(listeningMessage(server.url));
  else log.info({ pid: process.pid }, `to stop it: Ctrl-C here, or kill -TERM ${process.pid}`);
}
