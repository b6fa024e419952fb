import { createClient, createSentinel } from '@redis/client';
import type { Logger } from 'pino';
import { CommandDeadlines } from './command-deadlines.js';
import type { RedisLink } from './redis-link.js';

/** Reconnect attempts back off to this (ms): Redis back after a restart is found within about that. */
const maxReconnectDelayMs = 1_000;

/** A sentinel, as --redis-sentinel lists them. */
export interface SentinelNode {
  readonly host: string;
  readonly port: number;
}

/**
 * Opens a connection to the Redis at `url` and resolves once it is ready; rejects at once when the first attempt
 * fails, so that a server pointed at the wrong place says so instead of waiting.
 *
 * Later, while Redis is unreachable, the connection retries in the background and every command fails at once
 * (no offline queue), so that a write is refused instead of waiting for an answer that may never come; a
 * command sent and not answered fails after the client's timeout (5 s). The outage is logged once when it
 * starts and once when it ends, never per command or attempt.
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisLink> {
  const redis = newClient(url);
  watchOutages(redis, log, { url: redacted(url) });
  await redis.connect();
  return new ClientLink(redis, redacted(url), log);
}

/**
 * Asks the sentinels for the primary they monitor as `name` and connects to it with node-redis's Sentinel client,
 * which follows the primary they name from then on: on a failover it reconnects to the promoted replica by itself
 * (told by the sentinels' +switch-master, or by a command that meets a replica or a closed socket).
 *
 * Commands are never sent twice (no rediscovery retries): a write whose answer was lost with the old primary may
 * have been applied, and sending it again would store it twice. While no primary is known, commands fail at once.
 */
export async function connectSentinel(nodes: readonly SentinelNode[], name: string, log: Logger): Promise<RedisLink> {
  const sentinel = newSentinel(nodes, name);
  const description = `${name} via sentinels ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  watchOutages(sentinel, log, { sentinel: description });
  await sentinel.connect();
  return new SentinelLink(sentinel, nodes, name, description, log);
}

/** --redis-sentinel's `HOST:PORT,HOST:PORT` as nodes. */
export function parseSentinels(list: string): SentinelNode[] {
  return list.split(',').map((entry) => {
    const at = entry.lastIndexOf(':');
    return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
  });
}

/** The URL without its password, for logs and messages. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

type PlainClient = ReturnType<typeof newClient>;
type SentinelClient = ReturnType<typeof newSentinel>;

function newClient(url: string) {
  let connectedOnce = false;
  const client = createClient({
    url,
    // One reply shape for both kinds of link (see RedisLink.send).
    RESP: 2,
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (retries, cause) => (connectedOnce ? Math.min(50 * 2 ** retries, maxReconnectDelayMs) : cause),
    },
  });
  client.once('ready', () => (connectedOnce = true));
  return client;
}

function newSentinel(nodes: readonly SentinelNode[], name: string) {
  return createSentinel({
    name,
    sentinelRootNodes: nodes.map(({ host, port }) => ({ host, port })),
    RESP: 2,
    // Every command of a link goes out on one leased connection to the primary, so that calls keep their order.
    reserveClient: true,
    masterPoolSize: 1,
    maxCommandRediscovers: 0,
    // Besides the sentinels' events, a look at the topology every second: a missed event costs at most that.
    scanInterval: 1_000,
    nodeClientOptions: {
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxReconnectDelayMs) },
    },
  });
}

/** Logs an outage once when it starts and once when it ends; an EventEmitter without an error listener would crash. */
function watchOutages(redis: PlainClient | SentinelClient, log: Logger, where: Record<string, string>): void {
  let ready = false;
  let down = false;
  redis.on('error', (err: unknown) => {
    if (!ready || down) return log.debug({ err, ...where }, 'a Redis connection failed');
    down = true;
    log.warn({ err, ...where }, 'lost the connection to Redis; writes fail with 503 until it is back');
  });
  redis.on('ready', () => {
    if (down) log.info({ ...where }, 'the connection to Redis is back');
    ready = true;
    down = false;
  });
}

/** Listeners of a client's `ready`, each told whether it follows a failover, and removable as it was given. */
class ReadyListeners {
  private readonly wrapped = new Map<(failover: boolean) => void, () => void>();

  constructor(
    private readonly emitter: Pick<NodeJS.EventEmitter, 'on' | 'off'>,
    private readonly failover: boolean,
  ) {}

  add(listener: (failover: boolean) => void): void {
    const wrapped = () => listener(this.failover);
    this.wrapped.set(listener, wrapped);
    this.emitter.on('ready', wrapped);
  }

  remove(listener: (failover: boolean) => void): void {
    const wrapped = this.wrapped.get(listener);
    if (wrapped) this.emitter.off('ready', wrapped);
    this.wrapped.delete(listener);
  }
}

/** A command sent and not answered fails after this long (ms), as with node-redis's default. */
const commandTimeoutMs = 5_000;
/** node-redis's own timeout off for the link's commands: CommandDeadlines keeps theirs. */
const untimed = { timeout: 0 };

/** One node-redis client on a fixed URL. */
class ClientLink implements RedisLink {
  // Every `ready` of a plain client is a reconnect to the same server.
  private readonly listeners: ReadyListeners;
  private readonly deadlines = new CommandDeadlines(commandTimeoutMs);

  constructor(
    private readonly redis: PlainClient,
    readonly description: string,
    private readonly log: Logger,
  ) {
    this.listeners = new ReadyListeners(redis, false);
  }

  get client(): object {
    return this.redis;
  }

  send(args: readonly (string | number)[]): Promise<unknown> {
    return this.deadlines.track(this.redis.sendCommand(args.map(String), untimed));
  }

  onReady(listener: (failover: boolean) => void): void {
    this.listeners.add(listener);
  }

  offReady(listener: (failover: boolean) => void): void {
    this.listeners.remove(listener);
  }

  async duplicate(): Promise<RedisLink> {
    const copy = this.redis.duplicate();
    // The first link logs outages; a copy only must not crash the process with an unhandled error.
    copy.on('error', (err: unknown) => this.log.debug({ err }, 'a Redis connection failed'));
    await copy.connect();
    return new ClientLink(copy, this.description, this.log);
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<void> {
    await this.redis.subscribe(channel, listener);
  }

  destroy(): void {
    this.deadlines.stop();
    this.redis.destroy();
  }
}

/** node-redis's Sentinel client: one leased connection to whichever primary the sentinels name. */
class SentinelLink implements RedisLink {
  // Connected before anyone listens: every later `ready` is the end of a reconfiguration.
  private readonly listeners: ReadyListeners;
  private readonly deadlines = new CommandDeadlines(commandTimeoutMs);

  constructor(
    private readonly sentinel: SentinelClient,
    private readonly nodes: readonly SentinelNode[],
    private readonly name: string,
    readonly description: string,
    private readonly log: Logger,
  ) {
    this.listeners = new ReadyListeners(sentinel, true);
  }

  get client(): object {
    return this.sentinel;
  }

  /** The sentinel this link talks to now, for the start-up report. */
  get sentinelNode(): SentinelNode | undefined {
    return this.sentinel.getSentinelNode();
  }

  get masterName(): string {
    return this.name;
  }

  send(args: readonly (string | number)[]): Promise<unknown> {
    return this.deadlines.track(this.sentinel.sendCommand(false, args.map(String), untimed));
  }

  onReady(listener: (failover: boolean) => void): void {
    this.listeners.add(listener);
  }

  offReady(listener: (failover: boolean) => void): void {
    this.listeners.remove(listener);
  }

  async duplicate(): Promise<RedisLink> {
    const copy = newSentinel(this.nodes, this.name);
    copy.on('error', (err: unknown) => this.log.debug({ err }, 'a Redis connection failed'));
    await copy.connect();
    return new SentinelLink(copy, this.nodes, this.name, this.description, this.log);
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<void> {
    await this.sentinel.subscribe(channel, listener);
  }

  destroy(): void {
    this.deadlines.stop();
    void this.sentinel.destroy();
  }
}

/** Whether the link follows a primary through sentinels, and which. */
export function sentinelOf(link: RedisLink): { node: SentinelNode | undefined; name: string } | undefined {
  return link instanceof SentinelLink ? { node: link.sentinelNode, name: link.masterName } : undefined;
}
