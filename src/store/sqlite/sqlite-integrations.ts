import type {
  HookRecord,
  HookStore,
  StoredHook,
  StoredWebhook,
  WebhookAttempt,
  WebhookStore,
} from '../../core/ports/index.js';
import type { GroupCommit } from './group-commit.js';
import type { SqliteDeviceLeases } from './sqlite-device-leases.js';
import {
  toHook,
  toWebhook,
  type HookRow,
  type IntegrationStatements,
  type WebhookRow,
} from './integration-statements.js';

/**
 * Incoming hooks and outgoing webhooks in the SQLite store: writes go through its group commit, in call order with
 * everything else; reads see what was committed. The delivery lease stays in this process, which alone owns the
 * database (see SqliteDeviceLeases): every delivery that can run on it runs here.
 */
export class SqliteIntegrations implements HookStore, WebhookStore {
  constructor(
    private readonly statements: IntegrationStatements,
    private readonly commits: GroupCommit,
    private readonly leases: SqliteDeviceLeases,
  ) {}

  insertHook(hook: StoredHook): Promise<void> {
    const { id, owner, to, name, secretHash, createdAt } = hook;
    return this.commits.submit(
      () => void this.statements.insertHook.run(id, owner, to, name ?? null, secretHash, createdAt),
    );
  }

  async findHook(id: string): Promise<HookRecord | undefined> {
    const row = this.statements.findHook.get(id) as HookRow | undefined;
    return row && toHook(row);
  }

  async hooksOf(owner: string): Promise<HookRecord[]> {
    return (this.statements.hooksOf.all(owner) as HookRow[]).map(toHook);
  }

  deleteHook(id: string): Promise<boolean> {
    return this.commits.submit(() => this.statements.deleteHook.run(id).changes > 0);
  }

  recordHookUse(id: string, at: number, error?: string): Promise<number> {
    return this.commits.submit(() => {
      if (error !== undefined) return (this.statements.hookRefused.get(error, at, id) as number | undefined) ?? 0;
      this.statements.hookUsed.run(at, id);
      return 0;
    });
  }

  setWebhook(bot: string, url: string, secret: string, setAt: number, fromId: number): Promise<void> {
    return this.commits.submit(() => void this.statements.setWebhook.run(bot, url, secret, setAt, fromId));
  }

  async findWebhook(bot: string): Promise<StoredWebhook | undefined> {
    const row = this.statements.findWebhook.get(bot) as WebhookRow | undefined;
    return row && toWebhook(row);
  }

  async webhookBots(): Promise<string[]> {
    return this.statements.webhookBots.all() as string[];
  }

  deleteWebhook(bot: string): Promise<boolean> {
    return this.commits.submit(() => {
      this.leases.forget(bot);
      return this.statements.deleteWebhook.run(bot).changes > 0;
    });
  }

  async leaseWebhook(bot: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.leases.take(bot, holder, now, ttlMs);
  }

  recordWebhookAttempt(bot: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    return this.leases.record(bot, holder, attempt);
  }

  async releaseWebhook(bot: string, holder: string): Promise<void> {
    this.leases.release(bot, holder);
  }

  /** A deleted user's hooks and webhook go with it; inside the caller's transaction. */
  forgetOwner(name: string): void {
    this.statements.deleteHooksOf.run(name);
    this.statements.deleteWebhook.run(name);
    this.leases.forget(name);
  }
}
