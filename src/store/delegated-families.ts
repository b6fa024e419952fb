import type {
  AuditEntry,
  AuditStore,
  HookRecord,
  HookStore,
  InviteStore,
  InviteTake,
  NewEvent,
  NewPushSubscription,
  NotifyLevel,
  NotifyStore,
  PushSubscribed,
  StoredHook,
  StoredInvite,
  StoredPushSubscription,
  StoredWebhook,
  WebhookAttempt,
  WebhookStore,
} from '../core/ports/index.js';

/** What a backend's notify object keeps: all of NotifyStore but the read marks, which are the store's own. */
export type NotifySettings = Omit<NotifyStore, 'readMark'>;

/** The server's VAPID key pair, as NotifyStore.vapidKeys hands it out. */
export type VapidKeys = Awaited<ReturnType<NotifyStore['vapidKeys']>>;

/**
 * The families of a store that each backend keeps in an object of their own, passed on to it: hooks and
 * webhooks (memory-, sqlite-, redis-integrations.ts), invites and the audit list (memory-, sqlite-,
 * redis-access.ts), notification settings and push subscriptions (memory-, sqlite-, redis-notify.ts). Written
 * once for the three backends.
 */
export abstract class DelegatedFamilies implements HookStore, WebhookStore, InviteStore, AuditStore, NotifyStore {
  protected abstract readonly integrations: HookStore & WebhookStore;
  protected abstract readonly access: InviteStore & AuditStore;
  protected abstract readonly notify: NotifySettings;

  abstract readMark(user: string, conversation: string): Promise<number>;

  insertInvite(invite: Omit<StoredInvite, 'used'>): Promise<void> {
    return this.access.insertInvite(invite);
  }

  invites(): Promise<StoredInvite[]> {
    return this.access.invites();
  }

  findInvite(code: string): Promise<StoredInvite | undefined> {
    return this.access.findInvite(code);
  }

  deleteInvite(code: string): Promise<boolean> {
    return this.access.deleteInvite(code);
  }

  takeInvite(code: string, now: number): Promise<InviteTake> {
    return this.access.takeInvite(code, now);
  }

  returnInvite(code: string): Promise<void> {
    return this.access.returnInvite(code);
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return this.access.appendAudit(entry);
  }

  auditLog(limit: number, before?: number): Promise<AuditEntry[]> {
    return this.access.auditLog(limit, before);
  }

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

  setNotifyLevel(user: string, conversation: string, level: NotifyLevel, event: NewEvent): Promise<number> {
    return this.notify.setNotifyLevel(user, conversation, level, event);
  }

  notifyLevels(user: string): Promise<ReadonlyMap<string, NotifyLevel>> {
    return this.notify.notifyLevels(user);
  }

  setQuietUntil(user: string, until: number, event: NewEvent): Promise<number> {
    return this.notify.setQuietUntil(user, until, event);
  }

  quietUntil(user: string): Promise<number> {
    return this.notify.quietUntil(user);
  }

  insertPushSubscription(subscription: NewPushSubscription, limit: number): Promise<PushSubscribed> {
    return this.notify.insertPushSubscription(subscription, limit);
  }

  findPushSubscription(id: string): Promise<StoredPushSubscription | undefined> {
    return this.notify.findPushSubscription(id);
  }

  pushSubscriptionsOf(user: string): Promise<StoredPushSubscription[]> {
    return this.notify.pushSubscriptionsOf(user);
  }

  pushSubscriptionIds(): Promise<string[]> {
    return this.notify.pushSubscriptionIds();
  }

  deletePushSubscription(id: string): Promise<boolean> {
    return this.notify.deletePushSubscription(id);
  }

  leasePushSubscription(id: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.notify.leasePushSubscription(id, holder, now, ttlMs);
  }

  recordPushAttempt(id: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    return this.notify.recordPushAttempt(id, holder, attempt);
  }

  releasePushSubscription(id: string, holder: string): Promise<void> {
    return this.notify.releasePushSubscription(id, holder);
  }

  vapidKeys(make: () => VapidKeys): Promise<VapidKeys> {
    return this.notify.vapidKeys(make);
  }
}
