import { ErrorReply } from '@redis/client';
import type { Logger } from 'pino';
import type { LuaScript } from './load-scripts.js';
import type { RedisLink } from './redis-link.js';

/**
 * Runs the store's scripts by SHA (EVALSHA). Redis forgets its script cache when it restarts (and a promoted replica
 * never had it), so every script is loaded again the moment the connection is ready, before any other command can go out on it: a call then never
 * meets NOSCRIPT, whose fallback (EVAL with the source) would run it after calls made later. The fallback stays
 * for a cache flushed by hand.
 */
export class ScriptRunner {
  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: readonly LuaScript[],
    private readonly log: Logger,
  ) {
    redis.onReady(this.load);
  }

  /**
   * Sends the script at once, so that calls reach Redis, run and resolve in the order they were made. Replies
   * are whatever the script returns (strings, integers, arrays of them).
   */
  run(script: LuaScript, args: readonly (string | number)[]): Promise<unknown> {
    const strings = args.map(String);
    return this.redis.send(['EVALSHA', script.sha, '0', ...strings]).catch((err: unknown) => {
      if (!(err instanceof ErrorReply) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis.send(['EVAL', script.source, '0', ...strings]);
    });
  }

  /** Loads every script; for the connection made before the store existed, and after each reconnect. */
  readonly load = (): void => {
    for (const script of this.scripts) {
      this.redis.send(['SCRIPT', 'LOAD', script.source]).then(
        (sha) => {
          if (String(sha) !== script.sha)
            this.log.warn(
              { script: script.name, sha, expected: script.sha },
              'Redis hashed a script differently; it runs by EVAL',
            );
        },
        (err: unknown) => {
          // The call that needs it falls back to EVAL; the connection's own trouble is logged where it is watched.
          this.log.debug({ err, script: script.name }, 'could not load a script');
        },
      );
    }
  };

  detach(): void {
    this.redis.offReady(this.load);
  }
}
