import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Cluster, ClusterEvent } from '../../core/cluster.js';
import type { Group } from '../../core/directory.js';
import type { StoredUser } from '../store.js';
import * as scripts from './cluster-scripts.js';
import type { LuaScript } from './lua-scripts.js';
import type { RedisConnection } from './connect-redis.js';
import { decodeFeedEvent, groupOf } from './feed-events.js';
import { ScriptRunner } from './script-runner.js';
import { ChatError } from '../../core/errors.js';
import { refusingUnreachable } from './unreachable.js';

export interface RedisClusterOptions {
  /**
   * A process not heard from for this long is taken for dead and its users shown offline (ms). Processes beat
   * every fifth of it and are taken for dead after three fifths of silence, so that a live peer's next beat
   * (at most a fifth later) notices it well within the whole.
   */
  readonly processTimeoutMs: number;
}

/**
 * The cluster on the store's Redis: a pub/sub feed of what every process wrote (published by the store's own
 * scripts, hence in the order Redis applied the writes), a heartbeat per process, and per process the count of
 * streams it holds per user (src/store/redis/cluster-scripts.ts).
 *
 * Pub/sub delivers at most once: while the feed's connection is down, events are lost. So each time it is back
 * (subscriptions are restored before the client reports ready) the listener is told of a gap, and the core
 * reads again what it may have missed; the store, not the feed, is the truth.
 */
export class RedisCluster implements Cluster {
  /** Unique per start, so that a restarted process is never mistaken for the one that died. */
  readonly processId = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  private readonly scripts: ScriptRunner;
  private subscriber: RedisConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Streams this process holds, per user: what it tells Redis again after an outage. */
  private readonly held = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly options: RedisClusterOptions,
  ) {
    this.scripts = new ScriptRunner(redis, scripts.clusterScripts, log);
    this.scripts.load();
  }

  async start(listener: (event: ClusterEvent) => void): Promise<void> {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    // The command connection logs outages; this one only must not crash the process with an unhandled error.
    subscriber.on('error', (err: unknown) => this.log.debug({ err }, 'the feed connection failed'));
    let connected = false;
    subscriber.on('ready', () => {
      if (connected) listener({ kind: 'gap' });
      connected = true;
    });
    await subscriber.connect();
    await subscriber.subscribe(`${this.prefix}events`, (payload) => {
      let event: ClusterEvent | undefined;
      try {
        event = decodeFeedEvent(payload);
      } catch (err) {
        this.log.error({ err, payload: payload.slice(0, 200) }, 'an event on the feed could not be read');
      }
      if (event) listener(event);
    });
    // Back from an outage, Redis may hold stale counts for this process (closes that could not be told).
    this.redis.on('ready', this.restore);
    await this.beat();
    const beatMs = Math.max(10, Math.floor(this.options.processTimeoutMs / 5));
    this.timer = setInterval(() => void this.beat(), beatMs);
    this.timer.unref();
  }

  async streamOpened(name: string, limit: number): Promise<boolean> {
    const counted = (await this.run(scripts.openStream, [this.processId, name, limit])) === 1;
    if (counted) this.held.set(name, (this.held.get(name) ?? 0) + 1);
    return counted;
  }

  streamClosed(name: string): void {
    const left = (this.held.get(name) ?? 0) - 1;
    if (left > 0) this.held.set(name, left);
    else this.held.delete(name);
    // Not answered: when Redis is away, the restore after the outage corrects the count.
    this.run(scripts.closeStream, [this.processId, name]).catch(() => {});
  }

  async onlineUsers(): Promise<ReadonlySet<string>> {
    return new Set((await this.run(scripts.onlineUsers, [])) as string[]);
  }

  async findUser(name: string): Promise<StoredUser | undefined> {
    const json = await this.guard(this.redis.hGet(`${this.prefix}users`, name));
    if (json == null) return undefined;
    const { passwordHash, createdAt } = JSON.parse(json) as Omit<StoredUser, 'name'>;
    return { name, passwordHash, createdAt };
  }

  async findGroup(name: string): Promise<Group | undefined> {
    const json = await this.guard(this.redis.hGet(`${this.prefix}groups`, name));
    return json == null ? undefined : groupOf(name, json);
  }

  async userNames(): Promise<string[]> {
    return (await this.guard(this.redis.hKeys(`${this.prefix}users`))).sort();
  }

  async deliveredId(name: string): Promise<number> {
    return Number((await this.guard(this.redis.zScore(`${this.prefix}delivered`, name))) ?? 0);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.redis.off('ready', this.restore);
    this.scripts.detach();
    // The others show this process's users offline now rather than after the timeout; if Redis is away they will
    // take it for dead instead.
    await this.run(scripts.leave, [this.processId]).catch(() => {});
    this.subscriber?.destroy();
  }

  private async beat(): Promise<void> {
    try {
      const silenceMs = Math.floor((this.options.processTimeoutMs * 3) / 5);
      if ((await this.run(scripts.heartbeat, [this.processId, silenceMs])) === 1) this.restore();
    } catch (err) {
      // An outage is logged by the connection, once; anything else is worth a line per beat.
      if (!isOutage(err)) this.log.error({ err }, 'the cluster heartbeat failed');
    }
  }

  /** Tells Redis every stream this process holds, replacing what it counted for it. */
  private readonly restore = (): void => {
    if (this.stopped) return;
    const args: (string | number)[] = [this.processId];
    for (const [name, count] of this.held) args.push(name, count);
    this.run(scripts.restoreStreams, args).catch((err: unknown) => {
      if (!isOutage(err)) this.log.error({ err }, 'restoring the stream counts failed');
    });
  };

  private run(script: LuaScript, args: readonly (string | number)[]): Promise<unknown> {
    return this.guard(this.scripts.run(script, [this.prefix, ...args]));
  }

  private guard<T>(pending: Promise<T>): Promise<T> {
    return refusingUnreachable(pending);
  }
}

/** Redis out of reach (see refusingUnreachable): logged once by the connection, not by every caller. */
function isOutage(err: unknown): boolean {
  return err instanceof ChatError && err.code === 'unavailable';
}
