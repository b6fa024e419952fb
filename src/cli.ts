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
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
