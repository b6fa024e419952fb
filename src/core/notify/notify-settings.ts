import type { Actor } from '../chat/commands.js';
import type { Conversations } from '../chat/conversations.js';
import type { Delivery } from '../delivery/delivery.js';
import type { NewEvent, NotifyLevel, Store } from '../ports/index.js';

/** The furthest a quiet time may reach: a year, so that a typo of a year does not silence a device for ever. */
export const maxQuietMs = 366 * 86_400_000;

/** What a user wants to be told of when away, set from any device and followed by all of them. */
export class NotifySettings {
  constructor(
    private readonly store: Store,
    private readonly conversations: Conversations,
    private readonly delivery: Delivery,
    private readonly now: () => number,
  ) {}

  /** Sets a conversation's level, with a `notifications` event on the user's own streams (as a read mark has). */
  async setLevel(actor: Actor, rawWith: string, level: NotifyLevel): Promise<{ with: string; level: NotifyLevel }> {
    const ref = this.conversations.conversationOf(actor, rawWith, 'path.with');
    const data = { with: ref.with, level };
    const event = this.ownEvent(actor, 'notifications', data);
    await this.delivery.change(async () => [await this.store.setNotifyLevel(actor.name, ref.with, level, event)]);
    return data;
  }

  /** Quiet until `until` (epoch ms; 0 ends it), with a `quiet` event on the user's own streams. */
  async setQuiet(actor: Actor, until: number): Promise<{ until: string | null }> {
    const data = { until: until === 0 ? null : new Date(until).toISOString() };
    const event = this.ownEvent(actor, 'quiet', data);
    await this.delivery.change(async () => [await this.store.setQuietUntil(actor.name, until, event)]);
    return data;
  }

  async quiet(actor: Actor): Promise<{ until: string | null }> {
    const until = await this.store.quietUntil(actor.name);
    return { until: until > this.now() ? new Date(until).toISOString() : null };
  }

  private ownEvent(actor: Actor, type: 'notifications' | 'quiet', data: object): NewEvent {
    return { type, json: JSON.stringify(data), at: this.now(), recipients: [actor.name] };
  }
}
