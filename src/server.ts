import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/schema.js';
import { Accounts } from './core/accounts.js';
import { Chat } from './core/chat.js';
import { Conversations } from './core/conversations.js';
import { Delivery } from './core/delivery.js';
import { Directory } from './core/directory.js';
import { Presence } from './core/presence.js';
import { perMinute } from './core/rate-limiter.js';
import { Retention } from './core/retention.js';
import { StreamUpkeep } from './core/stream-upkeep.js';
import { createApp } from './http/app.js';
import { createNodeServer } from './http/node-server.js';
import { CertificateError, loadPair, type CertificateFiles, type CertificatePair } from './http/tls/certificate-pair.js';
import { CertificateReloader, type ReloadOutcome } from './http/tls/certificate-reloader.js';
import { guidelineVersion, tlsProfiles, type TlsProfile } from './http/tls/profile.js';
import { requestSchemas } from './http/schemas.js';
import { createLogger, type Logger } from './log.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  /** The base URL, e.g. http://127.0.0.1:8080 (https: with --tls-cert) */
  readonly url: string;
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
}

const webRoot = fileURLToPath(new URL('../clients/web/', import.meta.url));

/** The composition root: store -> core -> HTTP -> listen. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const tlsProfile = tlsProfiles[config.tlsProfile];
  const tlsFiles = tlsFilesOf(config);
  const tls = tlsFiles && { files: tlsFiles, pair: await loadTls(tlsFiles, tlsProfile) };
  const store = options.store ?? (await createStore({ kind: config.store, dataDir: config.data, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix }, log.child({ module: 'store' })));

  const directory = new Directory();
  const accounts = new Accounts(store, directory, {
    scrypt: { N: config.scryptCost, r: 8, p: 1 },
    sessionTtlMs: config.sessionTtlMs,
    now,
    onRegistered: (name) => presence.changed(name, false),
    login: {
      perPair: { burst: config.loginPairFailures, intervalMs: config.loginBackoffMs },
      perAddress: { burst: config.loginAddressFailures, intervalMs: config.loginBackoffMs },
      perAccount: { burst: config.loginAccountFailures, intervalMs: config.loginBackoffMs },
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
    (err, user) => deliveryLog.error({ err, user }, 'a stream could not read on from the store'),
  );
  const chatLimits = {
    maxTextLength: config.maxTextLength,
    maxGroupsPerUser: config.maxGroupsPerUser,
    rates: {
      message: perMinute(config.messageRate, config.messageBurst),
      broadcast: perMinute(config.broadcastRate, config.broadcastBurst),
      group: perMinute(config.groupRate, config.groupBurst),
    },
  };
  const chat = new Chat(store, directory, accounts, delivery, chatLimits, now);
  const retention = new Retention(store, {
    retainMs: config.retainMs,
    intervalMs: config.pruneIntervalMs,
    batch: 5_000,
    now,
    onPruned: (removed) => log.info({ module: 'retention', removed, retainMs: config.retainMs }, 'pruned delivered messages past the retention window'),
  });

  for (const user of await store.loadUsers()) accounts.remember(user.name, user.passwordHash);
  for (const group of await store.loadGroups()) directory.addGroup(group);
  delivery.restore(await store.loadCursors(), await store.lastMessageId());

  let draining = false;
  const app = createApp({
    accounts,
    chat,
    conversations: new Conversations(store, directory),
    delivery,
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
  });

  const { server, settled } = createNodeServer(app, tls?.pair.options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const upkeep = new StreamUpkeep(delivery, accounts, config.heartbeatMs, (err) => log.error({ err }, 'session expiry check failed'));
  upkeep.start();
  retention.start();
  // Given TLS options above, the server is a node:https one.
  const certificates =
    tls && new CertificateReloader({ server: server as TlsServer, files: tls.files, profile: tlsProfile, current: tls.pair, log: log.child({ module: 'tls' }), debounceMs: 300 });
  certificates?.watch();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  const served = tls && { profile: `${config.tlsProfile} (Mozilla guidelines ${guidelineVersion})`, fingerprint256: tls.pair.fingerprint256, validTo: tls.pair.validTo };
  log.info({ url, pid: process.pid, store: config.store, ...(served ? { tls: served } : {}) }, 'parley is listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    reloadTls: async (trigger = 'request') => (certificates ? certificates.reload(trigger) : 'plain-http'),
    close: () =>
      (closing ??= (async () => {
        draining = true;
        upkeep.stop();
        presence.stop();
        await certificates?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        delivery.endAll();
        // Let requests in flight finish (5 s at most), then cut the keep-alive connections that remain.
        await settled(5_000);
        server.closeAllConnections();
        await closed;
        await retention.stop();
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
