import type { Reaction, ReactionChange, ReactionCount } from '../../core/ports/index.js';

/**
 * Emoji reactions kept in this process (see MemoryStore): by message, by emoji, the users who react with it and
 * the id of the event that recorded each, whose order is the order of the emoji.
 */
export class MemoryReactions {
  private readonly byMessage = new Map<number, Map<string, Map<string, number>>>();

  /** Adds or takes back a reaction on a message that may have one; `append` stores its event and gives the id. */
  set({ message, emoji, user }: Reaction, on: boolean, maxEmoji: number, append: () => number): ReactionChange {
    const emojis = this.byMessage.get(message) ?? new Map<string, Map<string, number>>();
    const users = emojis.get(emoji);
    if (on === (users?.has(user) ?? false)) return 'unchanged';
    if (on && !users && emojis.size >= maxEmoji) return 'too_many';
    const id = append();
    if (on) {
      emojis.set(emoji, (users ?? new Map<string, number>()).set(user, id));
      this.byMessage.set(message, emojis);
    } else {
      users!.delete(user);
      if (users!.size === 0) emojis.delete(emoji);
      if (emojis.size === 0) this.byMessage.delete(message);
    }
    return id;
  }

  counts(reader: string, ids: readonly number[]): Map<number, ReactionCount[]> {
    const out = new Map<number, ReactionCount[]>();
    for (const id of ids) {
      const emojis = this.byMessage.get(id);
      if (!emojis) continue;
      const ordered = [...emojis].map(([emoji, users]) => ({ emoji, users, since: Math.min(...users.values()) }));
      ordered.sort((a, b) => a.since - b.since);
      out.set(
        id,
        ordered.map(({ emoji, users }) => ({ emoji, count: users.size, me: users.has(reader) })),
      );
    }
    return out;
  }

  /** The message was deleted or pruned: its reactions go. */
  forget(message: number): void {
    this.byMessage.delete(message);
  }
}
