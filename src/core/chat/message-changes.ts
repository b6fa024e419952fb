import type { FoundMessage, NewEvent, Store } from '../ports/index.js';
import type { Actor } from './commands.js';
import type { Delivery } from '../delivery/delivery.js';
import type { Directory } from './directory.js';
import { ChatError } from '../errors.js';
import { addressedTo, msgformOf, type Msgform } from '../msgform.js';

export interface EditLimits {
  /** How long after sending a sender may edit a message (ms). @default 900_000 (15 min) */
  readonly editWindowMs: number;
}

/**
 * A sender corrects or takes back their own message. Each is stored with its event (`edited`, `deleted`) for
 * every recipient of the message and for the sender's own streams (their other devices), in one step.
 */
export class MessageChanges {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly delivery: Delivery,
    private readonly limits: EditLimits,
    private readonly now: () => number,
  ) {}

  async edit(actor: Actor, id: number, text: string): Promise<Msgform> {
    const message = await this.own(actor, id);
    const editedAt = this.now();
    if (editedAt - message.sentAt > this.limits.editWindowMs) {
      throw new ChatError(
        'edit_window_passed',
        `a message can be edited for ${Math.round(this.limits.editWindowMs / 60_000)} min after it was sent; ` +
          `this one can still be deleted`,
        'path.id',
      );
    }
    const data = { of: String(id), from: message.from, text, editedAt: new Date(editedAt).toISOString() };
    const event: NewEvent = {
      type: 'edited',
      json: JSON.stringify(data),
      at: editedAt,
      recipients: await this.recipientsOf(message),
    };
    const ids = await this.delivery.change(async () => {
      const eventId = await this.store.editMessage(id, text, editedAt, event);
      return eventId === undefined ? undefined : [eventId];
    });
    if (!ids) throw gone(id);
    return msgformOf({ ...message, text, editedAt }, addressedTo(message, actor.name, message.to ?? '')) as Msgform;
  }

  /** The sender takes a message back; an admin acting as one may take back anyone's, and the event names them. */
  async delete(actor: Actor, id: number): Promise<void> {
    const message = actor.admin ? await this.retained(id) : await this.own(actor, id);
    const data =
      message.from === actor.name
        ? { of: String(id), from: message.from }
        : { of: String(id), from: message.from, by: actor.name };
    const event: NewEvent = {
      type: 'deleted',
      json: JSON.stringify(data),
      at: this.now(),
      recipients: await this.recipientsOf(message),
    };
    const ids = await this.delivery.change(async () => {
      const eventId = await this.store.deleteMessage(id, event);
      return eventId === undefined ? undefined : [eventId];
    });
    if (!ids) throw gone(id);
  }

  /** The actor's own message, not deleted; not_found or forbidden otherwise. */
  private async own(actor: Actor, id: number): Promise<FoundMessage> {
    const message = await this.retained(id);
    if (message.from !== actor.name)
      throw new ChatError('forbidden', 'only its sender may edit or delete a message', 'path.id');
    return message;
  }

  /** A retained message, not deleted; not_found otherwise. */
  private async retained(id: number): Promise<FoundMessage> {
    const message = await this.store.findMessage(id);
    if (!message || message.deleted) throw gone(id);
    return message;
  }

  /**
   * Who learns of the change: the sender (their other devices) and whoever the message reached: the peer of
   * a direct message, the group's members now, or every user for a broadcast (an event on each queue: a rare
   * change, written like a group message to everyone, so that the shared broadcast log stays messages only).
   */
  private async recipientsOf(message: FoundMessage): Promise<string[]> {
    const names = new Set([message.from]);
    if (message.kind === 'direct' && message.to !== undefined) names.add(message.to);
    if (message.kind === 'group')
      for (const m of (await this.directory.findGroup(message.group!))?.members ?? []) names.add(m);
    if (message.kind === 'broadcast') for (const m of await this.directory.everyUser()) names.add(m);
    return [...names];
  }
}

function gone(id: number): ChatError {
  return new ChatError('not_found', `no message ${id} is retained`, 'path.id');
}
