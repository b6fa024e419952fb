import { DeviceLoop, type DeviceTiming, type Handled } from '../devices/device-loop.js';
import { isEventRow, type PushSender, type QueueRow, type Store, type StoredPushSubscription } from '../ports/index.js';
import { pushPayload, pushWorthy, urgencyOf, type NotifyPrefs } from './push-policy.js';

export interface PushRules {
  /** How long a push waits after its message was sent, so that a read elsewhere can make it needless (ms). */
  readonly holdMs: number;
  /** How long a push service may keep a push, and this server retry one (s). */
  readonly ttlSeconds: number;
  /** Whether pushes carry the start of the text. */
  readonly content: boolean;
}

export interface PushLoopHooks {
  /** Whether the user has a stream open on any process now. */
  online(user: string): boolean;
  /** Whether `user` blocks `sender` (their messages in shared groups are hidden, and never pushed). */
  blocks(user: string, sender: string): boolean;
  pushed(subscription: string, user: string): void;
  failed(subscription: string, error: string): void;
  /** The push service said the subscription is gone (404, 410); it was removed. */
  removed(subscription: string, user: string): void;
  error(subscription: string, err: unknown): void;
}

/**
 * A push subscription as a device of its user (see DeviceLoop): it follows the user's queue from its stored
 * position, and pushes each message the user wants to hear of, at most once, when it is still news at the end
 * of the hold (no stream of theirs has it, and no device read it). Everything else moves the position on.
 */
export class PushLoop extends DeviceLoop<StoredPushSubscription> {
  /** Read from the store when needed, and dropped when the queue shows a change of them, in its order. */
  private prefs: NotifyPrefs | undefined;
  private prefsOf: string | undefined;
  /** The user's delivered position as last read: rows at or below it reached a stream. */
  private delivered = 0;

  constructor(
    readonly id: string,
    holder: string,
    store: Store,
    private readonly sender: PushSender,
    timing: DeviceTiming,
    private readonly rules: PushRules,
    private readonly hooks: PushLoopHooks,
    now: () => number,
  ) {
    super(
      id,
      holder,
      store,
      {
        find: () => store.findPushSubscription(id),
        lease: (holder, at, ttlMs) => store.leasePushSubscription(id, holder, at, ttlMs),
        record: (holder, attempt) => store.recordPushAttempt(id, holder, attempt),
        release: (holder) => store.releasePushSubscription(id, holder),
      },
      timing,
      now,
    );
    this.start();
  }

  protected override found(subscription: StoredPushSubscription): void {
    if (this.prefsOf !== subscription.user) this.prefs = undefined;
    this.prefsOf = subscription.user;
  }

  protected async handle(subscription: StoredPushSubscription, row: QueueRow): Promise<Handled> {
    const { user } = subscription;
    if (isEventRow(row)) {
      if (row.type === 'notifications' || row.type === 'quiet') this.prefs = undefined;
      return { done: true };
    }
    this.prefs ??= await this.readPrefs(user);
    const worthy = pushWorthy(row, user, this.prefs);
    if (!worthy || this.hooks.blocks(user, row.from) || this.hooks.online(user)) return { done: true };
    const holdLeft = row.sentAt + this.rules.holdMs - this.now();
    if (holdLeft > 0) await this.sleep(holdLeft, false);
    if (this.isStopped) return { done: false, error: 'stopped' };
    if (this.hooks.online(user) || (await this.reachedStream(user, row.id))) return { done: true };
    if ((await this.store.readMark(user, worthy.with)) >= row.id) return { done: true };
    // A session that expired unused ends its device's pushes as a sign-out does: what a push says is for a
    // signed-in device only.
    if ((await this.store.endedSessions([subscription.sessionId], this.now())).length > 0) {
      await this.store.deletePushSubscription(this.id);
      this.hooks.removed(this.id, user);
      return { gone: true };
    }
    const outcome = await this.sender.send({
      endpoint: subscription.endpoint,
      p256dh: subscription.p256dh,
      auth: subscription.auth,
      payload: pushPayload(row, worthy, this.rules.content),
      ttlSeconds: this.rules.ttlSeconds,
      urgency: urgencyOf(row, worthy),
    });
    if (outcome.ok) {
      this.hooks.pushed(this.id, user);
      return { done: true, now: true };
    }
    if (outcome.gone) {
      await this.store.deletePushSubscription(this.id);
      this.hooks.removed(this.id, user);
      return { gone: true };
    }
    // Past its TTL a push is stale news: the push service would have dropped it too.
    if (this.now() >= row.sentAt + this.rules.ttlSeconds * 1000) {
      this.hooks.failed(this.id, `${outcome.error}; dropped after its TTL`);
      return { done: true, now: true };
    }
    return {
      done: false,
      error: outcome.error,
      ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
    };
  }

  /** A push has nothing to say of messages lost before it could be sent: the position moves past them. */
  protected async handleLost(): Promise<Handled> {
    return { done: true, now: true };
  }

  protected override failed(_rowId: string, error: string): void {
    this.hooks.failed(this.id, error);
  }

  protected error(err: unknown): void {
    this.hooks.error(this.id, err);
  }

  private async readPrefs(user: string): Promise<NotifyPrefs> {
    const [levels, quietUntil] = await Promise.all([this.store.notifyLevels(user), this.store.quietUntil(user)]);
    return { levels, quietUntil };
  }

  /** Whether a stream of the user had the row (their delivered position is read again only when it could help). */
  private async reachedStream(user: string, id: number): Promise<boolean> {
    if (this.delivered < id) this.delivered = await this.store.deliveredId(user);
    return this.delivered >= id;
  }
}
