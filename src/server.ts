import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runAdminCommand } from './admin/admin-commands.js';
import { adminRequestSchema, parseAdminRequest } from './admin/admin-protocol.js';
import { listenAdmin, socketPath, type AdminSocket } from './admin/admin-socket.js';
import type { Config } from './config/schema.js';
import { Accounts } from './core/accounts.js';
import { Chat } from './core/chat.js';
import { followCluster } from './core/cluster-events.js';
import { Conversations } from './core/conversations.js';
import { Delivery } from './core/delivery.js';
import { Directory } from './core/directory.js';
import { ChatError } from './core/errors.js';
import { assignedAt } from './core/ids.js';
import { OwnAccount } from './core/own-account.js';
import { Operator } from './core/operator.js';
import { Presence } from './core/presence.js';
import { Retention } from './core/retention.js';
import { StreamUpkeep } from './core/stream-upkeep.js';
import { createApp } from './http/app.js';
import { createNodeServer } from './http/node-server.js';
import type { CertificateFiles, CertificatePair } from './http/tls/certificate-pair.js';
import type { ReloadOutcome } from './http/tls/certificate-reloader.js';
import { guidelineVersion, tlsProfiles, type TlsProfile } from './http/tls/profile.js';
import { requestSchemas } from './http/schemas.js';
import { createRateBudgets } from './limits/rate-budgets.js';
import { perInterval, perMinute } from './limits/rate-window.js';
import { createLogger, type Logger } from './log.js';
import type { MetricsServer } from './metrics/metrics-server.js';
import type { Metrics } from './metrics/metrics.js';
import { createCluster, sharedCounters } from './store/create-cluster.js';
import { createStore, storeFile } from './store/create-store.js';
import type { Store } from './store/store.js';

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
  /** Overrides the store the configuration would open (tests). */
  readonly store?: Store;
  readonly now?: () => number;
  /**
   * `worker`: one of the processes of --workers N. Its start-up line says `worker is listening` (the primary
   * says `parley is listening` once every worker does), and its metrics go to the primary, which serves them
   * summed on --metrics-port, instead of to a listener of its own.
   * @default 'server'
   */
  readonly role?: 'server' | 'worker';
}

const webRoot = fileURLToPath(new URL('../clients/web/', import.meta.url));

/**
 * The composition root: store -> core -> HTTP -> listen. What a configuration does not use is not loaded: the
 * store's backend, metrics, TLS and the Redis cluster are imported when configured.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel, { format: config.logFormat });
  const now = options.now ?? Date.now;
  const tlsProfile = tlsProfiles[config.tlsProfile];
  const tlsFiles = tlsFilesOf(config);
  const tls = tlsFiles && { files: tlsFiles, pair: await loadTls(tlsFiles, tlsProfile) };
  // The gauges read the delivery core when scraped, by then long built.
  const metrics: Metrics | undefined =
    config.metricsPort === '' ? undefined : (await import('./metrics/metrics.js')).createMetrics((): ReturnType<Delivery['stats']> => delivery.stats());
  const storeSettings = {
    kind: config.store,
    dataDir: config.data,
    redisUrl: config.redisUrl,
    redisSentinel: config.redisSentinel,
    redisSentinelName: config.redisSentinelName,
    redisWaitReplicas: config.redisWaitReplicas,
    redisWaitTimeoutMs: config.redisWaitTimeoutMs,
    redisPrefix: config.redisPrefix,
    onCommit: metrics?.storeCommit,
  };
  const store = options.store ?? (await createStore(storeSettings, log.child({ module: 'store' })));

  // Several processes on one store: what the others do reaches this one through the cluster.
  const clusterLog = log.child({ module: 'cluster' });
  const cluster = await createCluster(store, config.store, { processTimeoutMs: config.processTimeoutMs }, clusterLog);
  // Limits hold across every process sharing the Redis store, in its Redis; otherwise in this process alone.
  const budget = createRateBudgets(await sharedCounters(store, config.store));
  const directory = new Directory(cluster);
  const accounts = new Accounts(store, directory, {
    scrypt: { N: config.scryptCost, r: 8, p: 1 },
    sessionTtlMs: config.sessionTtlMs,
    now,
    // With a cluster, every process announces a registration when the cluster tells of it, this one included.
    onRegistered: cluster ? undefined : (name) => presence.changed(name, false),
    lookup: cluster && ((name) => cluster.findUser(name)),
    // One process alone on its store sees every revocation, so it may keep the sessions it looked up.
    sessionCache: cluster ? undefined : 10_000,
    login: {
      perPair: budget('login-pair', perInterval(config.loginPairFailures, config.loginBackoffMs)),
      perAddress: budget('login-address', perInterval(config.loginAddressFailures, config.loginBackoffMs)),
      perAccount: budget('login-account', perInterval(config.loginAccountFailures, config.loginBackoffMs)),
    },
  });
  // Presence publishes through delivery, which needs presence: the closure breaks the cycle.
  const presence = new Presence(config.presenceDelayMs, (event) => delivery.broadcastControl((sink) => sink.presence(event), true));
  const deliveryLog = log.child({ module: 'delivery' });
  const delivery = new Delivery(
    store,
    presence,
    {
      queueLimit: config.queueLimit,
      maxStreamsPerUser: config.maxStreamsPerUser,
      maxStreams: config.maxStreams,
      slowConsumerMs: config.slowConsumerMs,
    },
    (err, user) => deliveryLog.error({ err, user }, 'delivery failed'),
    cluster,
    (lastId, seenId) => deliveryLog.warn(wentBack(lastId, seenId), 'the store went back in time: the messages after its last id are lost; devices that saw them are told so when they resume'),
  );
  const chatLimits = {
    maxTextLength: config.maxTextLength,
    maxGroupsPerUser: config.maxGroupsPerUser,
    editWindowMs: config.editWindowMs,
    rates: {
      message: budget('message', perMinute(config.messageRate, config.messageBurst)),
      broadcast: budget('broadcast', perMinute(config.broadcastRate, config.broadcastBurst)),
      group: budget('group', perMinute(config.groupRate, config.groupBurst)),
    },
  };
  const chat = new Chat(store, directory, accounts, delivery, chatLimits, now, metrics?.chat);
  const operator = new Operator(accounts, directory, delivery, () => store.lastMessageId(), chat.groups);
  const retention = new Retention(store, {
    retainMs: config.retainMs,
    intervalMs: config.pruneIntervalMs,
    batch: 5_000,
    now,
    onPruned: (removed) => log.info({ module: 'retention', removed, retainMs: config.retainMs }, 'pruned delivered messages past the retention window'),
    onError: (err) => log.error({ module: 'retention', err }, 'a retention pass failed'),
  });

  for (const user of await store.loadUsers()) accounts.remember(user.name, user.passwordHash, user.createdAt);
  for (const group of await store.loadGroups()) directory.addGroup(group);
  delivery.restore(await store.loadCursors(), await store.lastMessageId());
  await cluster?.start(followCluster({ accounts, directory, delivery, presence, onError: (err) => clusterLog.error({ err }, 'following the cluster failed') }));

  let draining = false;
  const app = createApp({
    accounts,
    chat,
    conversations: new Conversations(store, directory, delivery, now),
    delivery,
    ownAccount: new OwnAccount(accounts, delivery, operator),
    schemas: requestSchemas({ maxTextLength: config.maxTextLength }),
    log: log.child({ module: 'http' }),
    limits: { maxBodyBytes: config.maxBodyBytes, retryMs: config.retryMs, sessionTtlMs: config.sessionTtlMs },
    secureCookies: tls !== undefined,
    security: {
      corsOrigins: config.corsOrigins.split(',').map((o) => o.trim()).filter((o) => o !== ''),
      trustProxy: trustProxySetting(config.trustProxy),
      tls: tls !== undefined,
    },
    webRoot,
    draining: () => draining,
    observer: metrics?.http,
  });

  // The listeners, the API last; when one fails, those already open are closed again, and so is the store.
  const file = storeFile(storeSettings);
  const opened: (() => Promise<void>)[] = [];
  let admin: AdminSocket | undefined;
  let metricsServer: MetricsServer | undefined;
  const { server, settled } = createNodeServer(app, tls?.pair.options);
  try {
    // The operator socket lives in the data directory this process has locked (one server per directory).
    if (file !== undefined && options.store === undefined) {
      const schema = adminRequestSchema(requestSchemas({ maxTextLength: config.maxTextLength }).credentials.shape.password);
      const backup = store.backup && ((target: string) => store.backup!(target));
      const socket = await listenAdmin(
        socketPath(config.data),
        (line) => parseAdminRequest(line, schema),
        (request) => runAdminCommand({ operator, backup }, request),
        log.child({ module: 'admin' }),
      );
      opened.push(() => socket.close());
      admin = socket;
    }
    if (metrics && options.role === 'worker') (await import('./metrics/cluster-metrics.js')).answerMetricsRequests(metrics.registry);
    else if (metrics && config.metricsPort !== '') {
      const { listenMetrics } = await import('./metrics/metrics-server.js');
      const listening = await listenMetrics(metrics.registry, config.metricsHost, config.metricsPort).catch((err: Error) => {
        throw new Error(`cannot serve metrics on ${config.metricsHost}:${config.metricsPort} (--metrics-host, --metrics-port): ${err.message}`);
      });
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
    await cluster?.stop();
    if (options.store === undefined) await store.close();
    throw err;
  }

  const upkeep = new StreamUpkeep(delivery, accounts, config.heartbeatMs, (err) => {
    // An unreachable store is logged once by its connection; the check runs again at the next heartbeat.
    if (err instanceof ChatError && err.code === 'unavailable') log.debug({ err }, 'session expiry check postponed');
    else log.error({ err }, 'session expiry check failed');
  });
  upkeep.start();
  retention.start();
  // Given TLS options above, the server is a node:https one.
  const certificates =
    tls && new (await import('./http/tls/certificate-reloader.js')).CertificateReloader({ server: server as TlsServer, files: tls.files, profile: tlsProfile, current: tls.pair, log: log.child({ module: 'tls' }), debounceMs: 300 });
  certificates?.watch();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  const served = tls && { profile: `${config.tlsProfile} (Mozilla guidelines ${guidelineVersion})`, fingerprint256: tls.pair.fingerprint256, validTo: tls.pair.validTo };
  if (admin) log.info({ socket: admin.path }, 'operator commands: parley --help');
  if (metricsServer) log.info({ url: metricsServer.url }, 'metrics are served');
  // The last line of start-up: once it is out, everything listens.
  log.info(
    { url, pid: process.pid, store: config.store, ...(file === undefined ? {} : { file }), ...(served ? { tls: served } : {}) },
    options.role === 'worker' ? 'worker is listening' : 'parley is listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    metricsUrl: metricsServer?.url,
    server,
    reloadTls: async (trigger = 'request') => (certificates ? certificates.reload(trigger) : 'plain-http'),
    close: () =>
      (closing ??= (async () => {
        draining = true;
        // Commands under way (a backup) finish before the store closes.
        const adminClosed = admin?.close();
        upkeep.stop();
        presence.stop();
        await certificates?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        delivery.endAll();
        // Let requests in flight finish (5 s at most), then cut the keep-alive connections that remain.
        await settled(5_000);
        server.closeAllConnections();
        await closed;
        await metricsServer?.close();
        await adminClosed;
        await retention.stop();
        await cluster?.stop();
        await store.close();
        log.info('parley stopped');
      })()),
  };
}

/** The files of --tls-cert/--tls-key, or undefined for plain HTTP. */
function tlsFilesOf(config: Config): CertificateFiles | undefined {
  if (config.tlsCert === '' && config.tlsKey === '') return undefined;
  if (config.tlsCert === '' || config.tlsKey === '') {
    throw new Error('--tls-cert (PARLEY_TLS_CERT) and --tls-key (PARLEY_TLS_KEY) go together: set both or neither');
  }
  return { cert: config.tlsCert, key: config.tlsKey };
}

/** The pair served at start; one that does not load stops the start with the file and the reason. */
async function loadTls(files: CertificateFiles, profile: TlsProfile): Promise<CertificatePair> {
  const { CertificateError, loadPair } = await import('./http/tls/certificate-pair.js');
  try {
    return await loadPair(files, profile);
  } catch (err) {
    if (err instanceof CertificateError) throw new Error(`TLS certificate not loaded: ${err.message}`);
    throw err;
  }
}

/** --trust-proxy as express reads it: empty trusts no one, digits are a hop count, anything else addresses. */
function trustProxySetting(value: string): boolean | number | string {
  if (value === '') return false;
  return /^[0-9]+$/.test(value) ? Number(value) : value;
}

/** What a store that went back lost, for the log: the ids, and when they were assigned. */
function wentBack(lastId: number, seenId: number): Record<string, unknown> {
  return {
    lastId,
    seenId,
    lostFrom: new Date(assignedAt(lastId)).toISOString(),
    lostThrough: new Date(assignedAt(seenId)).toISOString(),
  };
}
