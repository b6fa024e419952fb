import { createClient } from '@redis/client';
import type { Logger } from 'pino';

/** One connection to Redis; a store owns it and closes it. */
export type RedisConnection = ReturnType<typeof newClient>;

/** Reconnect attempts back off to this (ms): Redis back after a restart is found within about that. */
const maxReconnectDelayMs = 1_000;

/**
 * Opens a connection to the Redis at `url` and resolves once it is ready; rejects at once when the first attempt
 * fails, so that a server pointed at the wrong place says so instead of waiting.
 *
 * Later, while Redis is unreachable, the connection retries in the background and every command fails at once
 * (no offline queue), so that a write is refused instead of waiting for an answer that may never come; a
 * command sent and not answered fails after the client's timeout (5 s). The outage is logged once when it
 * starts and once when it ends, never per command or attempt.
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisConnection> {
  let ready = false;
  let down = false;
  const redis = newClient(url, () => ready);
  redis.on('error', (err: unknown) => {
    if (!ready || down) return;
    down = true;
    log.warn({ err, url: redacted(url) }, 'lost the connection to Redis; writes fail with 503 until it is back');
  });
  redis.on('ready', () => {
    if (down) log.info({ url: redacted(url) }, 'the connection to Redis is back');
    down = false;
  });
  await redis.connect();
  ready = true;
  log.info({ url: redacted(url), ...(await durability(redis)) }, 'connected to Redis');
  return redis;
}

/**
 * What a resolved write means on this Redis, for the log: its append-only file setting. A Redis that does not let
 * clients read its configuration (some hosted ones) just goes unreported.
 */
async function durability(redis: RedisConnection): Promise<{ appendonly?: string; appendfsync?: string }> {
  try {
    const { appendonly, appendfsync } = await redis.configGet(['appendonly', 'appendfsync']);
    return { appendonly, appendfsync };
  } catch {
    return {};
  }
}

function newClient(url: string, connectedOnce: () => boolean) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (retries, cause) => (connectedOnce() ? Math.min(50 * 2 ** retries, maxReconnectDelayMs) : cause),
    },
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
