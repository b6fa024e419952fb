import type { Message } from '../msgform.js';
import type { NewEvent } from './change-store.js';

/**
 * One conversation: the direct messages between two users (`with` is the other one), every message to a group,
 * or the broadcasts (`with` is `broad`).
 */
export type ConversationRef =
  | { readonly kind: 'direct'; readonly with: string }
  | {
      readonly kind: 'group';
      readonly with: string;
      /** The reader's part of a group's history: above `after` (when they joined) and up to `through` (when they left). */
      readonly after?: number;
      readonly through?: number;
    }
  | { readonly kind: 'broadcast'; readonly with: 'broad' };

/** Where a user stands in one conversation. */
export interface ConversationSummary {
  /** Its newest retained message, if any. */
  readonly last?: Message;
  /** Messages from others with an id above `readId`. */
  readonly unread: number;
  /** The position the user marked read (0: none). */
  readonly readId: number;
}

/**
 * History: every retained message belongs to one conversation (a pair of users, a group, or the broadcasts) and
 * is read back by conversation, newest first, by position; a sender's own messages are part of it at no extra
 * cost, since a message is stored once.
 */
export interface ConversationStore {
  /**
   * Up to `limit` retained messages of a conversation `reader` is part of, with an id below `beforeId`, newest
   * first. For the broadcasts, those `reader` sent or could read (sent after they registered). The caller checks
   * that the reader may see the conversation.
   */
  readConversation(reader: string, conversation: ConversationRef, beforeId: number, limit: number): Promise<Message[]>;
  /** The users `reader` has exchanged direct messages with (whether or not any is still retained). */
  directPeers(reader: string): Promise<string[]>;
  summarize(reader: string, conversation: ConversationRef): Promise<ConversationSummary>;
  /**
   * Records that `reader` has seen the conversation up to `upTo`; never moves backwards. Durable once resolved.
   * With an event (the reader's own `read`, for their other devices), appends it in the same step and resolves
   * with its id; 0 otherwise.
   */
  markRead(reader: string, conversation: ConversationRef, upTo: number, event?: NewEvent): Promise<number>;
}
