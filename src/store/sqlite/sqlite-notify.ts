import type {
  NewEvent,
  NewPushSubscription,
  NotifyLevel,
  PushSubscribed,
  StoredPushSubscription,
  WebhookAttempt,
} from '../../core/ports/index.js';
import type { NotifySettings, VapidKeys } from '../delegated-families.js';
import { changeWithEvent, type ChangeWrites } from './change-writes.js';
import { toPushSubscription, type NotifyStatements, type PushSubscriptionRow } from './notify-statements.js';
import type { SqliteDeviceLeases } from './sqlite-device-leases.js';

/**
 * Notification levels, quiet times, push subscriptions and the VAPID key pair in the SQLite store: writes go
 * through its group commit, in call order with everything else, a level or a quiet time with its event in one
 * commit; reads see what was committed. The delivery lease stays in this process (see SqliteDeviceLeases).
 */
export class SqliteNotify implements NotifySettings {
  constructor(
    private readonly statements: NotifyStatements,
    private readonly changes: ChangeWrites,
    private readonly leases: SqliteDeviceLeases,
  ) {}

  setNotifyLevel(user: string, conversation: string, level: NotifyLevel, event: NewEvent): Promise<number> {
    return changeWithEvent(this.changes, event, () => void this.statements.setLevel.run(user, conversation, level));
  }

  async notifyLevels(user: string): Promise<ReadonlyMap<string, NotifyLevel>> {
    const rows = this.statements.levels.all(user) as { conversation: string; level: NotifyLevel }[];
    return new Map(rows.map((row) => [row.conversation, row.level]));
  }

  setQuietUntil(user: string, until: number, event: NewEvent): Promise<number> {
    const s = this.statements;
    return changeWithEvent(
      this.changes,
      event,
      () => void (until === 0 ? s.endQuiet.run(user) : s.setQuiet.run(user, until)),
    );
  }

  async quietUntil(user: string): Promise<number> {
    return (this.statements.quietUntil.get(user) as number | undefined) ?? 0;
  }

  insertPushSubscription(subscription: NewPushSubscription, limit: number): Promise<PushSubscribed> {
    return this.changes.commits.submit((): PushSubscribed => {
      const s = this.statements;
      const renewed = s.renewSubscription.get(subscription) as string | undefined;
      if (renewed !== undefined) return { id: renewed, created: false };
      if ((s.countSubscriptions.get(subscription.user) as number) >= limit) return 'too_many';
      s.insertSubscription.run(subscription);
      return { id: subscription.id, created: true };
    });
  }

  async findPushSubscription(id: string): Promise<StoredPushSubscription | undefined> {
    const row = this.statements.findSubscription.get(id) as PushSubscriptionRow | undefined;
    return row && toPushSubscription(row);
  }

  async pushSubscriptionsOf(user: string): Promise<StoredPushSubscription[]> {
    return (this.statements.subscriptionsOf.all(user) as PushSubscriptionRow[]).map(toPushSubscription);
  }

  async pushSubscriptionIds(): Promise<string[]> {
    return this.statements.subscriptionIds.all() as string[];
  }

  deletePushSubscription(id: string): Promise<boolean> {
    return this.changes.commits.submit(() => {
      this.leases.forget(id);
      return this.statements.deleteSubscription.run(id).changes > 0;
    });
  }

  async leasePushSubscription(id: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.leases.take(id, holder, now, ttlMs);
  }

  recordPushAttempt(id: string, holder: string, attempt: WebhookAttempt): Promise<boolean> {
    return this.leases.record(id, holder, attempt);
  }

  async releasePushSubscription(id: string, holder: string): Promise<void> {
    this.leases.release(id, holder);
  }

  async vapidKeys(make: () => VapidKeys): Promise<VapidKeys> {
    const stored = () => this.statements.setting.get('vapid_keys') as string | undefined;
    const kept = stored();
    if (kept !== undefined) return JSON.parse(kept) as VapidKeys;
    // Operations run one after the other in the commit: the first stores its pair, the others read it.
    return this.changes.commits.submit(() => {
      const first = stored();
      if (first !== undefined) return JSON.parse(first) as VapidKeys;
      const { publicKey, privateKey } = make();
      this.statements.keepSetting.run('vapid_keys', JSON.stringify({ publicKey, privateKey }));
      return { publicKey, privateKey };
    });
  }

  /** Ends what one session made; inside the caller's transaction, before the session's row goes. */
  forgetSession(tokenHash: string): void {
    this.forget(this.statements.deleteSubscriptionsOfSession.all(tokenHash) as string[]);
  }

  /** Ends what every session of a user made; inside the caller's transaction, before the sessions' rows go. */
  forgetSessionsOf(username: string): void {
    this.forget(this.statements.deleteSubscriptionsOfSessionsOf.all(username) as string[]);
  }

  /** A deleted user's levels, quiet time and subscriptions go with it; inside the caller's transaction. */
  forgetUser(name: string): void {
    const s = this.statements;
    s.deleteLevelsOf.run(name);
    s.endQuiet.run(name);
    this.forget(s.deleteSubscriptionsOf.all(name) as string[]);
  }

  private forget(subscriptionIds: readonly string[]): void {
    for (const id of subscriptionIds) this.leases.forget(id);
  }
}
