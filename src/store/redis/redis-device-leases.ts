import type { WebhookAttempt } from '../../core/ports/index.js';
import { luaScripts as lua } from './lua-scripts.js';
import type { RedisStoreLink } from './redis-integrations.js';

/** The devices delivered to under a lease, by the prefix of their keys: a bot's webhook, a push subscription. */
export type DeviceKind = 'w' | 'ps';

/**
 * The lease on delivering to one device, its attempts and its release, for every kind of device (see
 * lease-device.lua): a key that expires, taken, renewed and checked in the scripts, so that a process whose lease
 * lapsed cannot record over the one that took it.
 */
export class RedisDeviceLeases {
  constructor(
    private readonly redis: RedisStoreLink,
    private readonly kind: DeviceKind,
  ) {}

  // `now` is not sent: the lease expires on Redis's clock, which every process shares.
  async take(id: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.confirmed(this.redis.run(lua.leaseDevice, [this.kind, id, holder, ttlMs]))) === 1;
  }

  async record(id: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    const failed = attempt.error !== undefined;
    const args = [this.kind, id, holder, attempt.at, failed ? '1' : '0', attempt.ackedId ?? 0, attempt.error ?? ''];
    return (await this.redis.confirmed(this.redis.run(lua.recordDeviceAttempt, args))) === 1;
  }

  async release(id: string, holder: string): Promise<void> {
    await this.redis.run(lua.releaseDevice, [this.kind, id, holder]);
  }
}
