import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema.js';
import { warnIfOpenToAll } from './open-registration.js';
import { createApp } from '../http/app.js';
import { createNodeServer } from '../http/node-server.js';
import { requestSchemas } from '../http/schemas.js';
import type { ReloadOutcome } from '../http/tls/certificate-reloader.js';
import { guidelineVersion } from '../http/tls/profile.js';
import type { Logger } from '../log/logger.js';
import type { MetricsServer } from '../metrics/metrics-server.js';
import type { Metrics } from '../metrics/metrics.js';
import { runOperatorCommand } from '../operator/operator-commands.js';
import { operatorRequestSchema, parseOperatorRequest } from '../operator/operator-protocol.js';
import { answers, listenOperator, socketPath, type OperatorSocket } from '../operator/operator-socket.js';
import type { Core } from './build-core.js';
import type { Backend } from './open-backend.js';
import type { TlsSetup } from './tls-setup.js';

export interface ListenerDeps {
  readonly core: Core;
  readonly backend: Backend;
  readonly tls: TlsSetup | undefined;
  readonly metrics: Metrics | undefined;
  readonly log: Logger;
  readonly webRoot: string;
  readonly role: 'server' | 'worker';
  /** The backend is this server's own (not a test's): its data directory is this process's to serve commands in. */
  readonly ownBackend: boolean;
}

export interface Listening {
  readonly url: string;
  readonly metricsUrl: string | undefined;
  readonly server: Server | TlsServer;
  reloadTls(trigger?: string): Promise<ReloadOutcome | 'plain-http'>;
  /** Stops accepting, calls `endStreams`, lets requests in flight finish (5 s at most) and closes every listener. */
  close(endStreams: () => void): Promise<void>;
}

/**
 * The listeners: the operator socket and the metrics first, the API last; when one fails, those already open
 * are closed again.
 */
export async function listen(config: Config, deps: ListenerDeps): Promise<Listening> {
  const { core, backend, tls, metrics, log } = deps;
  let draining = false;
  const app = createApp({
    accounts: core.accounts,
    admin: core.admin,
    blocks: core.blocks,
    invites: core.invites,
    bots: core.bots,
    chat: core.chat,
    hooks: core.hooks,
    conversations: core.conversations,
    search: core.search,
    notifySettings: core.notifySettings,
    pushSubscriptions: core.pushSubscriptions,
    delivery: core.delivery,
    ownAccount: core.ownAccount,
    schemas: requestSchemas({ maxTextLength: config.maxTextLength }),
    log: log.child({ module: 'http' }),
    limits: { maxBodyBytes: config.maxBodyBytes, retryMs: config.retryMs, sessionTtlMs: config.sessionTtlMs },
    publicUrl: config.publicUrl,
    secureCookies: tls !== undefined,
    security: {
      corsOrigins: config.corsOrigins
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
      trustProxy: trustProxySetting(config.trustProxy),
      tls: tls !== undefined,
    },
    webRoot: deps.webRoot,
    draining: () => draining,
    observer: metrics?.http,
  });

  const opened: (() => Promise<void>)[] = [];
  let operatorSocket: OperatorSocket | undefined;
  let metricsServer: MetricsServer | undefined;
  const { server, settled } = createNodeServer(app, tls?.pair.options);
  try {
    // The operator socket lives in the data directory: the one this process has locked (SQLite), or, on Redis,
    // where no process of the store answers yet (any one of them acts for all: what it does goes through the
    // store and its feed to every process).
    // With --workers N on Redis, none: N workers starting at once would race for one socket file.
    const sharedStore = config.store === 'redis' && deps.role !== 'worker' && !(await answers(socketPath(config.data)));
    if (sharedStore && deps.ownBackend) mkdirSync(config.data, { recursive: true });
    if ((backend.file !== undefined || sharedStore) && deps.ownBackend) {
      const schema = operatorRequestSchema(
        requestSchemas({ maxTextLength: config.maxTextLength }).credentials.shape.password,
      );
      const socket = await listenOperator(
        socketPath(config.data),
        (line) => parseOperatorRequest(line, schema),
        (request) => runOperatorCommand({ operator: core.operator, backup: backend.backup }, request),
        log.child({ module: 'operator' }),
      );
      opened.push(() => socket.close());
      operatorSocket = socket;
    }
    if (metrics && deps.role === 'worker')
      (await import('../metrics/worker-metrics.js')).answerMetricsRequests(metrics.registry);
    else if (metrics && config.metricsPort !== '') {
      const { listenMetrics } = await import('../metrics/metrics-server.js');
      const listening = await listenMetrics(metrics.registry, config.metricsHost, config.metricsPort).catch(
        (err: Error) => {
          throw new Error(
            `cannot serve metrics on ${config.metricsHost}:${config.metricsPort} (--metrics-host, ` +
              `--metrics-port): ${err.message}`,
          );
        },
      );
      opened.push(() => listening.close());
      metricsServer = listening;
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    for (const close of opened.reverse()) await close();
    throw err;
  }

  // Given TLS options above, the server is a node:https one.
  const certificates =
    tls &&
    new (await import('../http/tls/certificate-reloader.js')).CertificateReloader({
      server: server as TlsServer,
      files: tls.files,
      profile: tls.profile,
      current: tls.pair,
      log: log.child({ module: 'tls' }),
      debounceMs: 300,
    });
  certificates?.watch();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  const served = tls && {
    profile: `${config.tlsProfile} (Mozilla guidelines ${guidelineVersion})`,
    fingerprint256: tls.pair.fingerprint256,
    validTo: tls.pair.validTo,
  };
  if (operatorSocket) log.info({ socket: operatorSocket.path }, 'operator commands: parley --help');
  if (metricsServer) log.info({ url: metricsServer.url }, 'metrics are served');
  if (deps.role !== 'worker') warnIfOpenToAll(config, log);
  // The last line of start-up: once it is out, everything listens.
  log.info(
    {
      url,
      pid: process.pid,
      store: config.store,
      ...(backend.file === undefined ? {} : { file: backend.file }),
      ...(served ? { tls: served } : {}),
    },
    deps.role === 'worker' ? 'worker is listening' : 'parley is listening',
  );

  return {
    url,
    metricsUrl: metricsServer?.url,
    server,
    reloadTls: async (trigger = 'request') => (certificates ? certificates.reload(trigger) : 'plain-http'),
    async close(endStreams) {
      draining = true;
      // Commands under way (a backup) finish before the store closes.
      const operatorClosed = operatorSocket?.close();
      core.quiet();
      await certificates?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      endStreams();
      // Let requests in flight finish (5 s at most), then cut the keep-alive connections that remain.
      await settled(5_000);
      server.closeAllConnections();
      await closed;
      await metricsServer?.close();
      await operatorClosed;
    },
  };
}

/** --trust-proxy as express reads it: empty trusts no one, digits are a hop count, anything else addresses. */
function trustProxySetting(value: string): boolean | number | string {
  if (value === '') return false;
  return /^[0-9]+$/.test(value) ? Number(value) : value;
}
