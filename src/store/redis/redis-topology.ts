import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import type { Logger } from 'pino';
import { sentinelOf } from './connect-redis.js';
import type { RedisLink } from './redis-link.js';

/** What Parley found behind a link at start: logged, and checked against --redis-wait-replicas. */
export interface RedisTopology {
  /** `master` for a primary; a URL may point at a replica, which refuses writes. */
  readonly role: string;
  /** Replicas connected to the primary, as it lists them (`ip:port state lag`). */
  readonly replicas: readonly string[];
  /** Replicas in sync (`state=online`): those WAIT can count. */
  readonly onlineReplicas: number;
  /** The sentinels that monitor the primary (with the one asked), when the link goes through Sentinel. */
  readonly sentinels?: number;
  /** The sentinels' quorum for a failover. */
  readonly quorum?: number;
  /** Persistence settings; absent where Redis does not let clients read its configuration (some hosted ones). */
  readonly appendonly?: string;
  readonly appendfsync?: string;
  readonly save?: string;
}

/** Reads the primary's replication and persistence settings, and with Sentinel, how many sentinels watch it. */
export async function inspectTopology(link: RedisLink): Promise<RedisTopology> {
  return { ...(await replication(link)), ...(await persistence(link)), ...(await sentinels(link)) };
}

/** How often, waiting for replicas at start, the primary is asked again, and how often the log says so (ms). */
const syncPollMs = 200;
const syncReportMs = 5_000;

/**
 * The topology once the primary has the replicas `waitReplicas` asks for in sync, or, after `waitMs` or once
 * `stopped` aborts, as it is then (topologyProblem says why it will not do). Orchestrators start Redis and Parley
 * at once, and a replica is not in sync before its first full copy of the primary is done; while it waits, the
 * log says so at once and every 5 s.
 */
export async function syncedTopology(
  link: RedisLink,
  waitReplicas: number | 'all',
  { waitMs, log, stopped }: { waitMs: number; log: Logger; stopped?: AbortSignal },
): Promise<RedisTopology> {
  const started = Date.now();
  let reported = -Infinity;
  for (;;) {
    const now = await replication(link);
    const waited = Date.now() - started;
    if (now.onlineReplicas >= wanted(waitReplicas) || waited >= waitMs || stopped?.aborted)
      return inspectTopology(link);
    if (waited - reported >= syncReportMs) {
      reported = waited;
      log.warn(
        {
          redis: link.description,
          onlineReplicas: now.onlineReplicas,
          replicas: now.replicas,
          waitReplicas,
          waitedMs: waited,
          leftMs: waitMs - waited,
        },
        `waiting for ${waitReplicas === 'all' ? 'a replica' : `${waitReplicas} replicas`} of Redis to come in sync`,
      );
    }
    try {
      await sleep(Math.min(syncPollMs, waitMs - waited), undefined, { signal: stopped });
    } catch {
      // Stopped: the next round gives up.
    }
  }
}

/** The replicas WAIT is asked for: `all` needs at least one. */
function wanted(waitReplicas: number | 'all'): number {
  return waitReplicas === 'all' ? 1 : waitReplicas;
}

async function replication(link: RedisLink): Promise<Pick<RedisTopology, 'role' | 'replicas' | 'onlineReplicas'>> {
  const info = String(await link.send(['INFO', 'replication']));
  const fields = new Map(
    info
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)] as const),
  );
  const replicas: string[] = [];
  let onlineReplicas = 0;
  for (const [key, value] of fields) {
    if (!/^slave\d+$/.test(key)) continue;
    const parts = new Map(value.split(',').map((kv) => kv.split('=') as [string, string]));
    replicas.push(`${parts.get('ip')}:${parts.get('port')} ${parts.get('state')} lag ${parts.get('lag')}`);
    if (parts.get('state') === 'online') onlineReplicas++;
  }
  return { role: fields.get('role') ?? 'unknown', replicas, onlineReplicas };
}

async function persistence(link: RedisLink): Promise<Pick<RedisTopology, 'appendonly' | 'appendfsync' | 'save'>> {
  try {
    const reply = (await link.send(['CONFIG', 'GET', 'appendonly', 'appendfsync', 'save'])) as string[];
    const values = new Map<string, string>();
    for (let i = 0; i + 1 < reply.length; i += 2) values.set(reply[i]!, reply[i + 1]!);
    return { appendonly: values.get('appendonly'), appendfsync: values.get('appendfsync'), save: values.get('save') };
  } catch {
    return {};
  }
}

async function sentinels(link: RedisLink): Promise<Pick<RedisTopology, 'sentinels' | 'quorum'>> {
  const through = sentinelOf(link);
  if (!through?.node) return {};
  const client = createClient({
    RESP: 2,
    socket: { host: through.node.host, port: through.node.port, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const others = (await client.sendCommand(['SENTINEL', 'SENTINELS', through.name])) as unknown[];
    const master = (await client.sendCommand(['SENTINEL', 'MASTER', through.name])) as string[];
    const quorum = master[master.indexOf('quorum') + 1];
    return { sentinels: others.length + 1, quorum: Number(quorum) };
  } catch {
    return {};
  } finally {
    client.destroy();
  }
}

/**
 * Why Parley cannot start with this topology, or undefined: WAIT for more replicas than are in sync would
 * refuse every write (`all` asks for at least one).
 */
export function topologyProblem(
  topology: RedisTopology,
  waitReplicas: number | 'all',
  where: string,
): string | undefined {
  if (wanted(waitReplicas) <= topology.onlineReplicas) return undefined;
  const have = `${topology.onlineReplicas} replica${topology.onlineReplicas === 1 ? '' : 's'} in sync`;
  const asks = waitReplicas === 'all' ? 'every replica in sync, at least one,' : `${waitReplicas} replicas`;
  return (
    `--redis-wait-replicas ${waitReplicas} (PARLEY_REDIS_WAIT_REPLICAS) asks for ${asks} to hold every write, ` +
    `but the primary of ${where} has ${have}${topology.replicas.length > 0 ? ` (${topology.replicas.join('; ')})` : ''}: ` +
    `add replicas (replicaof in their redis.conf), or lower --redis-wait-replicas to ${topology.onlineReplicas}`
  );
}
