import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';
import type { ReloadOutcome } from '../http/tls/certificate-reloader.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { buildCore } from './build-core.js';
import { listen } from './listeners.js';
import { backendSettings, openBackend, type Backend } from './open-backend.js';
import { loadTls } from './tls-setup.js';

export interface RunningServer {
  /** The base URL, e.g. http://127.0.0.1:8080 (https: with --tls-cert) */
  readonly url: string;
  /** Where Prometheus scrapes, e.g. http://127.0.0.1:9464/metrics; undefined without --metrics-port. */
  readonly metricsUrl: string | undefined;
  readonly server: Server | TlsServer;
  /**
   * Rereads --tls-cert and --tls-key and serves them to new connections if they load; open connections keep
   * theirs. Never rejects: a pair that does not load is logged and the last good one stays. `trigger` is logged.
   */
  reloadTls(trigger?: string): Promise<ReloadOutcome | 'plain-http'>;
  /** Stops accepting, ends every stream with a retry hint, flushes the store and closes it. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log?: Logger;
  /** Overrides the backend the configuration would open (tests); it is not closed with the server. */
  readonly backend?: Backend;
  readonly now?: () => number;
  /**
   * `worker`: one of the processes of --workers N. Its start-up line says `worker is listening` (the primary
   * says `parley is listening` once every worker does), and its metrics go to the primary, which serves them
   * summed on --metrics-port, instead of to a listener of its own.
   * @default 'server'
   */
  readonly role?: 'server' | 'worker';
  /** Aborted when a stop is asked for while starting: a start that waits (for Redis replicas) gives up at once. */
  readonly stopped?: AbortSignal;
}

const webRoot = fileURLToPath(new URL('../../clients/web/', import.meta.url));

/**
 * The composition root: backend -> core -> HTTP -> listeners. What a configuration does not use is not loaded:
 * the store's backend, metrics and TLS are imported when configured.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel, { format: config.logFormat });
  const tls = await loadTls(config);
  // The gauges read the core when scraped, by then long built.
  const metrics: Metrics | undefined =
    config.metricsPort === ''
      ? undefined
      : (await import('../metrics/metrics.js')).createMetrics(
          () => core.delivery.stats(),
          () => backend.store.pendingTotal(),
        );
  const backend =
    options.backend ??
    (await openBackend(backendSettings(config, metrics?.storeCommit), log.child({ module: 'store' }), options.stopped));
  const core = buildCore(config, backend, { log, now: options.now ?? Date.now, metrics });
  try {
    await core.start();
  } catch (err) {
    if (options.backend === undefined) await backend.store.close();
    throw err;
  }

  let listening;
  try {
    listening = await listen(config, {
      core,
      backend,
      tls,
      metrics,
      log,
      webRoot,
      role: options.role ?? 'server',
      ownBackend: options.backend === undefined,
    });
  } catch (err) {
    await core.stop();
    if (options.backend === undefined) await backend.store.close();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    metricsUrl: listening.metricsUrl,
    server: listening.server,
    reloadTls: listening.reloadTls,
    close: () =>
      (closing ??= (async () => {
        await listening.close(() => core.delivery.endAll());
        await core.stop();
        if (options.backend === undefined) await backend.store.close();
        log.info('parley stopped');
      })()),
  };
}
