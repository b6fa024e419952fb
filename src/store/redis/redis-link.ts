/**
 * What the Redis store, its feed and the write confirmer need of Redis: commands to the primary, in order,
 * and to be told when the connection is ready again. Two kinds exist (src/store/redis/connect-redis.ts): one
 * node-redis client on a fixed URL, and node-redis's Sentinel client, which follows the primary the sentinels
 * name through a failover. Nothing else in the backend knows which one it has.
 */
export interface RedisLink {
  /**
   * Sends one command to the primary at once: calls are sent, run and answered in the order they are made.
   * Replies are RESP2 as node-redis decodes them raw (strings, integers, arrays, null). While the primary is out
   * of reach it rejects at once or after the command timeout (5 s); it is never sent twice.
   */
  send(args: readonly (string | number)[]): Promise<unknown>;
  /**
   * Called each time the link is ready again: after a reconnect to the same server, or (`failover` true) once it
   * follows a new primary, which may lack the last writes the old one acknowledged and published.
   */
  onReady(listener: (failover: boolean) => void): void;
  offReady(listener: (failover: boolean) => void): void;
  /** A new link to the same Redis, followed the same way: for a connection of its own (the feed, WAIT). */
  duplicate(): Promise<RedisLink>;
  /** Turns this link into a subscriber of `channel` (it then takes no other command); restored after reconnects. */
  subscribe(channel: string, listener: (payload: string) => void): Promise<void>;
  /** The node-redis object itself, for a library that takes one (rate-limiter-flexible's node-redis mode). */
  readonly client: object;
  /** Where it points, for logs: the URL without its password, or the sentinels and the name. */
  readonly description: string;
  /** Cuts the connections; commands in flight fail. */
  destroy(): void;
}
