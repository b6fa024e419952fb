import { createClient } from '@redis/client';
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
  return {
    role: fields.get('role') ?? 'unknown',
    replicas,
    onlineReplicas,
    ...(await persistence(link)),
    ...(await sentinels(link)),
  };
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
  const wanted = waitReplicas === 'all' ? 1 : waitReplicas;
  if (wanted <= topology.onlineReplicas) return undefined;
  const have = `${topology.onlineReplicas} replica${topology.onlineReplicas === 1 ? '' : 's'} in sync`;
  const asks = waitReplicas === 'all' ? 'every replica in sync, at least one,' : `${waitReplicas} replicas`;
  return (
    `--redis-wait-replicas ${waitReplicas} (PARLEY_REDIS_WAIT_REPLICAS) asks for ${asks} to hold every write, ` +
    `but the primary of ${where} has ${have}${topology.replicas.length > 0 ? ` (${topology.replicas.join('; ')})` : ''}: ` +
    `add replicas (replicaof in their redis.conf), or lower --redis-wait-replicas to ${topology.onlineReplicas}`
  );
}
