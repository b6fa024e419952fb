import type { NewEvent } from './change-store.js';

/** One user's emoji on one message. */
export interface Reaction {
  readonly message: number;
  /** One emoji, as src/core/chat/emoji.ts makes it canonical. */
  readonly emoji: string;
  readonly user: string;
}

/** An emoji on a message as one reader sees it. */
export interface ReactionCount {
  readonly emoji: string;
  /** How many users react with it; never 0 (an emoji nobody reacts with is gone). */
  readonly count: number;
  /** Whether the reader is one of them. */
  readonly me: boolean;
}

/** What `setReaction` did: the event's id, or why it wrote nothing. */
export type ReactionChange =
  | number
  /** The user already reacted so (`on`), or did not (off). */
  | 'unchanged'
  /** The message is not retained, is an event, or was deleted. */
  | 'gone'
  /** `on`, with an emoji new to a message that already has `maxEmoji` different ones. */
  | 'too_many';

/**
 * Emoji reactions on retained messages. What a message holds is bounded: at most `maxEmoji` different emoji,
 * each with at most the users who have the message. They go with the message: deleted with it (deleteMessage),
 * pruned with it (retention), in the same step; a deleted user's stay, like what else they sent.
 */
export interface ReactionStore {
  /**
   * Adds (`on`) or takes back `reaction` and appends `event` (its `reaction` event, to everyone who has the
   * message), in one step, and tells the feed. Resolves with the event's id, or says why it wrote nothing.
   */
  setReaction(reaction: Reaction, on: boolean, maxEmoji: number, event: NewEvent): Promise<ReactionChange>;
  /**
   * The reactions on those of `ids` that have any, as `reader` sees them: each emoji in the order of its oldest
   * reaction still standing. One call for a page of history, whatever its length.
   */
  reactionsOn(reader: string, ids: readonly number[]): Promise<ReadonlyMap<number, readonly ReactionCount[]>>;
}
