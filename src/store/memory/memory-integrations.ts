import type {
  HookRecord,
  HookStore,
  StoredHook,
  StoredWebhook,
  WebhookAttempt,
  WebhookStore,
} from '../../core/ports/index.js';
import { DeviceLeases } from '../device-leases.js';
import { withAttempt } from './with-attempt.js';

/** Incoming hooks and outgoing webhooks, kept in this process (see MemoryStore). */
export class MemoryIntegrations implements HookStore, WebhookStore {
  private readonly hooks = new Map<string, HookRecord>();
  private readonly webhooks = new Map<string, StoredWebhook>();
  private readonly leases = new DeviceLeases();

  constructor(private readonly clock: () => number) {}

  async insertHook(hook: StoredHook): Promise<void> {
    this.hooks.set(hook.id, { ...hook, failures: 0 });
  }

  async findHook(id: string): Promise<HookRecord | undefined> {
    return this.hooks.get(id);
  }

  async hooksOf(owner: string): Promise<HookRecord[]> {
    // By creation, then (the sort is stable) in the order inserted.
    return [...this.hooks.values()].filter((hook) => hook.owner === owner).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteHook(id: string): Promise<boolean> {
    return this.hooks.delete(id);
  }

  async recordHookUse(id: string, at: number, error?: string): Promise<number> {
    const hook = this.hooks.get(id);
    if (!hook) return 0;
    const { lastError: _e, lastErrorAt: _a, ...rest } = hook;
    const next: HookRecord =
      error === undefined
        ? { ...rest, lastUsedAt: at, failures: 0 }
        : { ...hook, failures: hook.failures + 1, lastError: error, lastErrorAt: at };
    this.hooks.set(id, next);
    return next.failures;
  }

  async setWebhook(bot: string, url: string, secret: string, setAt: number, fromId: number): Promise<void> {
    const old = this.webhooks.get(bot);
    const ackedId = old?.ackedId ?? fromId;
    const lastSuccessAt = old?.lastSuccessAt;
    this.webhooks.set(bot, {
      bot,
      url,
      secret,
      setAt,
      ackedId,
      failures: 0,
      ...(lastSuccessAt ? { lastSuccessAt } : {}),
    });
  }

  async findWebhook(bot: string): Promise<StoredWebhook | undefined> {
    return this.webhooks.get(bot);
  }

  async webhookBots(): Promise<string[]> {
    return [...this.webhooks.keys()].sort();
  }

  async deleteWebhook(bot: string): Promise<boolean> {
    this.leases.forget(bot);
    return this.webhooks.delete(bot);
  }

  async leaseWebhook(bot: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.webhooks.has(bot) && this.leases.take(bot, holder, now, ttlMs);
  }

  async recordWebhookAttempt(bot: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    const hook = this.webhooks.get(bot);
    if (!hook || !this.leases.holds(bot, holder, this.clock())) return false;
    this.webhooks.set(bot, withAttempt(hook, attempt));
    return true;
  }

  async releaseWebhook(bot: string, holder: string): Promise<void> {
    this.leases.release(bot, holder);
  }

  /** A deleted user's hooks and webhook go with it. */
  forgetOwner(name: string): void {
    for (const [id, hook] of this.hooks) if (hook.owner === name) this.hooks.delete(id);
    this.webhooks.delete(name);
    this.leases.forget(name);
  }
}
