import { closeSync, openSync } from 'node:fs';
import { helpText } from './config/help.js';
import { ConfigError, loadConfig } from './config/load.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';

let parsed;
try {
  parsed = loadConfig(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`parley: ${err.message}`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(helpText());
  process.exit(0);
}

const log = createLogger(parsed.config.logLevel, { format: parsed.config.logFormat });
let running;
try {
  running = await startServer(parsed.config, { log });
} catch (err) {
  log.fatal({ err }, 'parley could not start');
  // Also one plain line for the person at the terminal: the log line is for machines.
  console.error(`parley: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const server = running;
log.info({ pid: process.pid }, `to stop it: Ctrl-C here, or kill -TERM ${process.pid}`);
function shutDown(signal: NodeJS.Signals): void {
  log.info({ signal }, 'shutting down');
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => shutDown(signal));

// SIGHUP rereads the TLS certificate and key, as daemons reload (an ACME client's deploy hook sends it). A
// terminal that closes sends SIGHUP too, after taking itself away from the process: that one still ends Parley at
// once, as it always did (its output is gone with the terminal, so there is nothing to log a shutdown to).
const startedInTerminal = hasTerminal();
function onHangUp(): void {
  if (startedInTerminal && !hasTerminal()) {
    process.off('SIGHUP', onHangUp);
    process.kill(process.pid, 'SIGHUP');
    return;
  }
  void server.reloadTls('SIGHUP').then((outcome) => {
    if (outcome === 'plain-http') log.info({ signal: 'SIGHUP' }, 'nothing to reload: not serving TLS');
    else log.info({ signal: 'SIGHUP', outcome }, 'TLS files reread');
  });
}
process.on('SIGHUP', onHangUp);

/** Whether the process has a controlling terminal (a hangup takes it away). */
function hasTerminal(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false;
  }
}
