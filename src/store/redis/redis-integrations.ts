import type {
  HookRecord,
  HookStore,
  StoredHook,
  StoredWebhook,
  WebhookAttempt,
  WebhookStore,
} from '../../core/ports/index.js';
import type { LuaScript } from './load-scripts.js';
import { luaScripts as lua } from './lua-scripts.js';
import { RedisDeviceLeases } from './redis-device-leases.js';
import { pairs } from './redis-replies.js';

/**
 * What the families kept apart (hooks and webhooks, invites and the audit list) need of the Redis store: its
 * scripts, its reads, its write confirmation, its keys.
 */
export interface RedisStoreLink {
  /** Runs a store script (the key prefix goes first). */
  readonly run: (script: LuaScript, args: readonly (string | number)[]) => Promise<unknown>;
  /** Sends one read command. */
  readonly read: (command: readonly (string | number)[]) => Promise<unknown>;
  /** Resolves once the replicas asked for hold the write (see RedisReads.confirmed). */
  readonly confirmed: <T>(pending: Promise<T>) => Promise<T>;
  readonly key: (name: string) => string;
}

/**
 * Incoming hooks and outgoing webhooks in Redis (keys in src/store/redis/redis-store.ts). Every process may
 * deliver webhooks, one at a time for each bot's under its lease (see RedisDeviceLeases).
 */
export class RedisIntegrations implements HookStore, WebhookStore {
  private readonly leases: RedisDeviceLeases;

  constructor(private readonly redis: RedisStoreLink) {
    this.leases = new RedisDeviceLeases(redis, 'w');
  }

  async insertHook(hook: StoredHook): Promise<void> {
    const { id, owner, to, name, secretHash, createdAt } = hook;
    const args = [id, owner, to, secretHash, createdAt, ...(name === undefined ? [] : [name])];
    await this.redis.confirmed(this.redis.run(lua.insertHook, args));
  }

  async findHook(id: string): Promise<HookRecord | undefined> {
    const fields = Object.fromEntries(pairs(await this.redis.read(['HGETALL', this.redis.key(`h:${id}`)])));
    return fields.o === undefined ? undefined : hookOf(id, fields);
  }

  async hooksOf(owner: string): Promise<HookRecord[]> {
    const ids = (await this.redis.read(['ZRANGE', this.redis.key(`ho:${owner}`), 0, -1])) as string[];
    // One deleted between the two reads is left out.
    const hooks = await Promise.all(ids.map((id) => this.findHook(id)));
    return hooks.filter((hook) => hook !== undefined);
  }

  async deleteHook(id: string): Promise<boolean> {
    return (await this.redis.confirmed(this.redis.run(lua.deleteHook, [id]))) === 1;
  }

  async recordHookUse(id: string, at: number, error?: string): Promise<number> {
    const args = [id, at, error === undefined ? '0' : '1', error ?? ''];
    return Number(await this.redis.confirmed(this.redis.run(lua.recordHookUse, args)));
  }

  async setWebhook(bot: string, url: string, secret: string, setAt: number, fromId: number): Promise<void> {
    await this.redis.confirmed(this.redis.run(lua.setWebhook, [bot, url, secret, setAt, fromId]));
  }

  async findWebhook(bot: string): Promise<StoredWebhook | undefined> {
    const fields = Object.fromEntries(pairs(await this.redis.read(['HGETALL', this.redis.key(`w:${bot}`)])));
    return fields.u === undefined ? undefined : webhookOf(bot, fields);
  }

  async webhookBots(): Promise<string[]> {
    return ((await this.redis.read(['SMEMBERS', this.redis.key('webhooks')])) as string[]).sort();
  }

  async deleteWebhook(bot: string): Promise<boolean> {
    return (await this.redis.confirmed(this.redis.run(lua.deleteWebhook, [bot]))) === 1;
  }

  leaseWebhook(bot: string, holder: string, _now: number, ttlMs: number): Promise<boolean> {
    return this.leases.take(bot, holder, ttlMs);
  }

  recordWebhookAttempt(bot: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    return this.leases.record(bot, holder, attempt);
  }

  releaseWebhook(bot: string, holder: string): Promise<void> {
    return this.leases.release(bot, holder);
  }
}

/** A hook's hash: o, t, n, s, c (owner, to, name, secret hash, created), u (last used), f, e, a (failures, last error, when). */
function hookOf(id: string, h: Record<string, string>): HookRecord {
  return {
    id,
    owner: h.o!,
    to: h.t!,
    ...(h.n === undefined ? {} : { name: h.n }),
    secretHash: h.s!,
    createdAt: Number(h.c),
    ...(h.u === undefined ? {} : { lastUsedAt: Number(h.u) }),
    failures: Number(h.f ?? 0),
    ...(h.e === undefined ? {} : { lastError: h.e }),
    ...(h.a === undefined ? {} : { lastErrorAt: Number(h.a) }),
  };
}

/** A webhook's hash: u, s, t, k (url, secret, set, acked id), ok (last success), f, e, a (failures, last error, when). */
function webhookOf(bot: string, w: Record<string, string>): StoredWebhook {
  return {
    bot,
    url: w.u!,
    secret: w.s!,
    setAt: Number(w.t),
    ackedId: Number(w.k ?? 0),
    ...(w.ok === undefined ? {} : { lastSuccessAt: Number(w.ok) }),
    ...(w.e === undefined ? {} : { lastError: w.e }),
    ...(w.a === undefined ? {} : { lastErrorAt: Number(w.a) }),
    failures: Number(w.f ?? 0),
  };
}
