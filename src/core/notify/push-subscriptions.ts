import { randomBytes } from 'node:crypto';
import type { Actor } from '../chat/commands.js';
import { ChatError } from '../errors.js';
import type { PushSender, Store, StoredPushSubscription } from '../ports/index.js';

/** A subscription as its user sees it (PushSubscription in openapi.yaml). */
export interface PushSubscriptionView {
  readonly id: string;
  readonly endpoint: string;
  readonly createdAt: string;
  readonly thisSession: boolean;
  readonly failures: number;
  readonly lastSuccessAt?: string;
  readonly lastError?: string;
  readonly lastErrorAt?: string;
}

export interface PushSubscriptionInput {
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

/** The devices a user has asked to be pushed to: a few each, each made by one session and ended with it. */
export class PushSubscriptions {
  constructor(
    private readonly store: Store,
    private readonly sender: PushSender,
    private readonly limits: { readonly maxPerUser: number },
    /** A subscription was made here: its deliveries start now rather than at the next scan. */
    private readonly added: (id: string) => void,
    private readonly now: () => number,
  ) {}

  get publicKey(): string {
    return this.sender.publicKey;
  }

  async subscribe(
    actor: Actor,
    input: PushSubscriptionInput,
  ): Promise<{ view: PushSubscriptionView; created: boolean }> {
    await this.sender.check(input);
    const subscribed = await this.store.insertPushSubscription(
      {
        id: randomBytes(12).toString('base64url'),
        user: actor.name,
        sessionId: actor.sessionId,
        ...input,
        createdAt: this.now(),
        // A new device hears of what comes next, not of everything that came before it.
        ackedId: await this.store.lastMessageId(),
      },
      this.limits.maxPerUser,
    );
    if (subscribed === 'too_many') {
      throw new ChatError(
        'too_many_subscriptions',
        `a user may have at most ${this.limits.maxPerUser} push subscriptions; remove one first`,
        'body.endpoint',
      );
    }
    this.added(subscribed.id);
    const stored = await this.store.findPushSubscription(subscribed.id);
    if (!stored) throw new ChatError('not_found', 'the subscription was removed meanwhile', 'body.endpoint');
    return { view: viewOf(stored, actor), created: subscribed.created };
  }

  async list(actor: Actor): Promise<PushSubscriptionView[]> {
    return (await this.store.pushSubscriptionsOf(actor.name)).map((s) => viewOf(s, actor));
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const found = await this.store.findPushSubscription(id);
    // Someone else's subscription is as unknown as one that never was.
    if (!found || found.user !== actor.name || !(await this.store.deletePushSubscription(id))) {
      throw new ChatError('not_found', 'no such push subscription', 'path.id');
    }
  }
}

function viewOf(s: StoredPushSubscription, actor: Actor): PushSubscriptionView {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: s.id,
    endpoint: s.endpoint,
    createdAt: iso(s.createdAt),
    thisSession: s.sessionId === actor.sessionId,
    failures: s.failures,
    ...(s.lastSuccessAt === undefined ? {} : { lastSuccessAt: iso(s.lastSuccessAt) }),
    ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
    ...(s.lastErrorAt === undefined ? {} : { lastErrorAt: iso(s.lastErrorAt) }),
  };
}
