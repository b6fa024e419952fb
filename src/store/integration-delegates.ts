import type {
  HookRecord,
  HookStore,
  StoredHook,
  StoredWebhook,
  WebhookAttempt,
  WebhookStore,
} from '../core/ports/index.js';

/**
 * The hook and webhook families of a store, passed on to the object of each backend that keeps them
 * (memory-, sqlite-, redis-integrations.ts): written once for the three.
 */
export abstract class IntegrationDelegates implements HookStore, WebhookStore {
  protected abstract readonly integrations: HookStore & WebhookStore;

  insertHook(hook: StoredHook): Promise<void> {
    return this.integrations.insertHook(hook);
  }

  findHook(id: string): Promise<HookRecord | undefined> {
    return this.integrations.findHook(id);
  }

  hooksOf(owner: string): Promise<HookRecord[]> {
    return this.integrations.hooksOf(owner);
  }

  deleteHook(id: string): Promise<boolean> {
    return this.integrations.deleteHook(id);
  }

  recordHookUse(id: string, at: number, error?: string): Promise<number> {
    return this.integrations.recordHookUse(id, at, error);
  }

  setWebhook(bot: string, url: string, secret: string, setAt: number, fromId: number): Promise<void> {
    return this.integrations.setWebhook(bot, url, secret, setAt, fromId);
  }

  findWebhook(bot: string): Promise<StoredWebhook | undefined> {
    return this.integrations.findWebhook(bot);
  }

  webhookBots(): Promise<string[]> {
    return this.integrations.webhookBots();
  }

  deleteWebhook(bot: string): Promise<boolean> {
    return this.integrations.deleteWebhook(bot);
  }

  leaseWebhook(bot: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.integrations.leaseWebhook(bot, holder, now, ttlMs);
  }

  recordWebhookAttempt(bot: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    return this.integrations.recordWebhookAttempt(bot, holder, attempt);
  }

  releaseWebhook(bot: string, holder: string): Promise<void> {
    return this.integrations.releaseWebhook(bot, holder);
  }
}
