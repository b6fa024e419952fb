import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Feed, FeedEvent } from '../../core/ports/index.js';
import { feedScripts as scripts } from './feed-scripts.js';
import type { LuaScript } from './load-scripts.js';
import type { RedisLink } from './redis-link.js';
import type { WriteConfirmer } from './write-confirmer.js';
import { decodeFeedEvent } from './feed-events.js';
import { ScriptRunner } from './script-runner.js';
import { ChatError } from '../../core/errors.js';
import { refusingUnreachable, retryAfterMs } from './unreachable.js';

export interface RedisFeedOptions {
  /**
   * A process not heard from for this long is taken for dead and its users shown offline (ms). Processes beat
   * every fifth of it and are taken for dead after three fifths of silence, so that a live peer's next beat
   * (at most a fifth later) notices it well within the whole.
   */
  readonly processTimeoutMs: number;
}

/**
 * The feed on the store's Redis: a pub/sub feed of what every process wrote (published by the store's own
 * scripts, hence in the order Redis applied the writes), a heartbeat per process, and per process the count of
 * streams it holds per user (src/store/redis/feed-scripts.ts, lua/presence/).
 *
 * Pub/sub delivers at most once: while the feed's connection is down, events are lost. So each time it is back
 * (subscriptions are restored before the client reports ready) the listener is told of a gap, and the core
 * reads again what it may have missed; the store, not the feed, is the truth.
 */
export class RedisFeed implements Feed {
  /** Unique per start, so that a restarted process is never mistaken for the one that died. */
  readonly processId = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  private readonly scripts: ScriptRunner;
  private subscriber: RedisLink | undefined;
  private listener: ((event: FeedEvent) => void) | undefined;
  /** Feed events waiting for the replicas to hold what they tell of, in feed order (with a write confirmer). */
  private waiting: { readonly event: FeedEvent; confirmed: boolean }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Streams this process holds, per user: what it tells Redis again after an outage. */
  private readonly held = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly redis: RedisLink,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly options: RedisFeedOptions,
    private readonly confirmer?: WriteConfirmer,
  ) {
    this.scripts = new ScriptRunner(redis, Object.values(scripts), log);
    this.scripts.load();
  }

  async start(listener: (event: FeedEvent) => void): Promise<void> {
    this.listener = listener;
    const subscriber = await this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.onReady(this.gap);
    await subscriber.subscribe(`${this.prefix}events`, (payload) => {
      let event: FeedEvent | undefined;
      try {
        event = decodeFeedEvent(payload);
      } catch (err) {
        this.log.error({ err, payload: payload.slice(0, 200) }, 'an event on the feed could not be read');
      }
      if (event) this.receive(event);
    });
    // Back from an outage, Redis may hold stale counts for this process (closes that could not be told).
    this.redis.onReady(this.restore);
    this.redis.onReady(this.followed);
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

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.redis.offReady(this.restore);
    this.redis.offReady(this.followed);
    this.waiting = [];
    this.scripts.detach();
    // The others show this process's users offline now rather than after the timeout; if Redis is away they will
    // take it for dead instead.
    await this.run(scripts.leave, [this.processId]).catch(() => {});
    this.subscriber?.destroy();
  }

  /**
   * An event of the feed, told at once; or, with a write confirmer, once the replicas hold what it tells of
   * (a round begun after it arrived succeeded), so that no stream is handed what a failover could take back.
   */
  private receive(event: FeedEvent): void {
    if (!this.confirmer) return this.listener?.(event);
    const entry = { event, confirmed: false };
    this.waiting.push(entry);
    this.confirmHeld(entry);
  }

  private confirmHeld(entry: (typeof this.waiting)[number]): void {
    this.confirmer!.confirm().then(
      () => {
        entry.confirmed = true;
        while (this.waiting[0]?.confirmed) this.listener?.(this.waiting.shift()!.event);
      },
      () => {
        // Replicas behind or away: asked again until they catch up, or a failover makes the streams read again.
        if (this.stopped || !this.waiting.includes(entry)) return;
        setTimeout(() => this.confirmHeld(entry), retryAfterMs).unref();
      },
    );
  }

  /**
   * Events may have been missed (the feed's connection was cut), or told of writes the new primary lacks (the
   * link follows a promoted replica): what is held is dropped, and every stream reads again from the store.
   */
  private readonly gap = (): void => {
    if (this.stopped) return;
    this.waiting = [];
    this.listener?.({ kind: 'gap' });
  };

  /** The command link now talks to another primary: see gap. A reconnect to the same server is the feed's business. */
  private readonly followed = (failover: boolean): void => {
    if (failover) this.gap();
  };

  private async beat(): Promise<void> {
    try {
      const silenceMs = Math.floor((this.options.processTimeoutMs * 3) / 5);
      if ((await this.run(scripts.heartbeat, [this.processId, silenceMs])) === 1) this.restore();
    } catch (err) {
      // An outage is logged by the connection, once; anything else is worth a line per beat.
      if (!isOutage(err)) this.log.error({ err }, 'the feed heartbeat failed');
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
