import type { Delivery } from '../delivery/delivery.js';
import { ChatError } from '../errors.js';
import type { ConversationRef, FoundMessage, NewEvent, ReactionChange, Store } from '../ports/index.js';
import type { Blocks } from './blocks.js';
import type { Actor } from './commands.js';
import { conversationOf, groupWindow, messageIn } from './conversations.js';
import type { Directory } from './directory.js';

/** Different emoji one message carries at most: what a client shows under it stays a row, and a store's share small. */
export const maxEmojiPerMessage = 20;

/**
 * Emoji reactions. Whoever has a message (its sender and its recipients, as history's access rules say) may react
 * to it; each change is stored with its `reaction` event for everyone who has the message, in one step, as an
 * edit is. History shows the counts; a stream only the events, since its msgform is the same for every reader.
 */
export class Reactions {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly delivery: Delivery,
    private readonly now: () => number,
    private readonly blocks?: Blocks,
  ) {}

  /** Reacts with `emoji` (`on`) or takes it back; as it already is, nothing changes and no one is told. */
  async set(actor: Actor, id: number, emoji: string, on: boolean): Promise<void> {
    const message = await this.store.findMessage(id);
    if (!message || message.deleted) throw gone(id);
    const conversation = this.conversationOf(actor.name, message);
    if (!(await messageIn(this.store, actor.name, conversation, id))) throw gone(id);
    if (conversation.kind === 'direct') this.blocks?.refuseIfBlocked(actor.name, [conversation.with], 'path.id');
    const event: NewEvent = {
      type: 'reaction',
      json: JSON.stringify({ of: String(id), emoji, user: actor.name, on }),
      at: this.now(),
      recipients: await this.holders(message),
    };
    const done: { change?: ReactionChange } = {};
    await this.delivery.change(async () => {
      const change = await this.store.setReaction(
        { message: id, emoji, user: actor.name },
        on,
        maxEmojiPerMessage,
        event,
      );
      done.change = change;
      return typeof change === 'number' ? [change] : undefined;
    });
    if (done.change === 'gone') throw gone(id);
    if (done.change === 'too_many') {
      throw new ChatError(
        'too_many_reactions',
        `a message carries at most ${maxEmojiPerMessage} different emoji; react with one it has`,
        'path.emoji',
      );
    }
  }

  /** Where `reader` reads the message: not_found when it is a direct message of others, not_member for a group's. */
  private conversationOf(reader: string, message: FoundMessage): ConversationRef {
    if (message.kind === 'broadcast') return { kind: 'broadcast', with: 'broad' };
    if (message.kind === 'group') return conversationOf(this.directory, reader, message.group!, 'path.id');
    const peer = message.from === reader ? message.to : message.to === reader ? message.from : undefined;
    if (peer === undefined) throw gone(message.id);
    return conversationOf(this.directory, reader, peer, 'path.id');
  }

  /**
   * Everyone who has the message: both ends of a direct message; the members, present or past, whose part of the
   * group's history holds it; every user for a broadcast (an event on each queue, as for its edits).
   */
  private async holders(message: FoundMessage): Promise<string[]> {
    if (message.kind === 'broadcast') return [...(await this.directory.everyUser())];
    if (message.kind === 'direct') {
      return [message.from, message.to!].filter((name) => this.directory.hasUser(name));
    }
    const group = await this.directory.findGroup(message.group!);
    if (!group) return [message.from].filter((name) => this.directory.hasUser(name));
    const names = new Set([...group.members, ...Object.keys(group.left ?? {})]);
    return [...names].filter((name) => {
      const window = groupWindow(group, name);
      const holds = window && (window.after ?? 0) < message.id && message.id <= (window.through ?? Infinity);
      return holds && this.directory.hasUser(name);
    });
  }
}

function gone(id: number): ChatError {
  return new ChatError('not_found', `no message ${id} is retained`, 'path.id');
}
