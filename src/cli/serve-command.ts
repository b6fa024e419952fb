import cluster from 'node:cluster';
import { helpText, helpWidth } from '../config/help.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';

/**
 * `parley serve [options]`: flags and PARLEY_* variables -> the server, in this process or, with --workers N, in N
 * workers under this one. A wrong command line exits 2 with one line; --help prints the options and exits 0.
 */
export async function serveCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  let parsed;
  try {
    parsed = loadConfig(argv, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`parley: ${err.message}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(helpText(helpWidth(process.stdout.columns, env)));
    process.exit(0);
  }

  const { config } = parsed;
  const log = createLogger(config.logLevel, { format: config.logFormat });
  // One process, or with --workers N a primary that forks N workers, each of which runs the same command again.
  // The primary serves nothing: it loads the workers' code alone, the workers the server alone.
  if (cluster.isPrimary && config.workers > 1) await (await import('../workers/primary.js')).runPrimary(config, log);
  else {
    const { serve } = await import('./run-server.js');
    await serve(
      config,
      config.workers === 1 ? log : log.child({ worker: cluster.worker!.id }),
      config.workers === 1 ? 'server' : 'worker',
    );
  }
}
