import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/schema.js';
import { Accounts } from './core/accounts.js';
import { Chat } from './core/chat.js';
import { Delivery } from './core/delivery.js';
import { Directory } from './core/directory.js';
import { Presence } from './core/presence.js';
import { Retention } from './core/retention.js';
import { createApp } from './http/app.js';
import { requestSchemas } from './http/schemas.js';
import { createLogger, type Logger } from './log.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  /** The base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly server: Server;
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
  const store = options.store ?? (await createStore({ kind: config.store, dataDir: config.data }, log.child({ module: 'store' })));

  const directory = new Directory();
  const accounts = new Accounts(store, directory, {
    scrypt: { N: config.scryptCost, r: 8, p: 1 },
    sessionTtlMs: config.sessionTtlMs,
    now,
    onRegistered: (name) => presence.changed(name, false),
  });
  // Presence publishes through delivery, which needs presence: the closure breaks the cycle.
  const presence = new Presence(config.presenceDelayMs, (event) =>
    delivery.forEachStream((session) => {
      if (!session.waiting) session.sink.presence(event);
    }),
  );
  const delivery = new Delivery(store, presence, { queueLimit: config.queueLimit, keepDelivered: config.keepDelivered });
  const chat = new Chat(store, directory, accounts, delivery, { maxTextLength: config.maxTextLength }, now);
  const retention = new Retention(store, delivery, {
    keepDelivered: config.keepDelivered,
    retainMs: config.retainMs,
    intervalMs: config.pruneIntervalMs,
    batch: 5_000,
    now,
  });

  for (const user of await store.loadUsers()) accounts.remember(user.name, user.passwordHash);
  for (const group of await store.loadGroups()) directory.addGroup(group);
  delivery.restore(await store.loadCursors(), await store.lastMessageId());

  let draining = false;
  const app = createApp({
    accounts,
    chat,
    delivery,
    schemas: requestSchemas({ maxTextLength: config.maxTextLength }),
    log: log.child({ module: 'http' }),
    limits: { maxBodyBytes: config.maxBodyBytes, retryMs: config.retryMs, sessionTtlMs: config.sessionTtlMs },
    secureCookies: false,
    webRoot,
    draining: () => draining,
  });

  const server = createServer(app);
  // Streams are long-lived by design; the heartbeat keeps them busy, so no idle timeout applies.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const heartbeat = setInterval(
    () => delivery.forEachStream((session) => session.waiting || session.sink.heartbeat()),
    config.heartbeatMs,
  );
  retention.start();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url, store: config.store }, 'parley is listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        clearInterval(heartbeat);
        presence.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        delivery.endAll();
        server.closeIdleConnections();
        await closed;
        await retention.stop();
        await store.close();
        log.info('parley stopped');
      })()),
  };
}
