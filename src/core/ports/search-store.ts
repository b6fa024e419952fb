import type { Message } from '../msgform.js';
import type { ConversationRef } from './conversation-store.js';

/** One search, with what the reader may read already decided by the core. */
export interface SearchRequest {
  readonly reader: string;
  /**
   * Every conversation searched, each with its window as history reads it (a group's `after` and `through`; the
   * broadcasts the reader sent or could read, as `readConversation` says). Nothing outside them is examined.
   */
  readonly conversations: readonly ConversationRef[];
  /** Folded (src/core/search/fold.ts), at least one: a message matches when its folded text contains each. */
  readonly terms: readonly string[];
  /** Only messages from this user. */
  readonly from?: string;
  /** Only messages with an id in (afterId, beforeId). */
  readonly beforeId: number;
  readonly afterId: number;
  /** Only messages sent in [sentFrom, sentBefore) (epoch ms). */
  readonly sentFrom?: number;
  readonly sentBefore?: number;
  readonly limit: number;
  /**
   * The most messages the store examines in this call (a candidate of an index counts as one): the bound on its
   * cost, whatever the query and however much is retained.
   */
  readonly budget: number;
}

export interface SearchHit {
  readonly message: Message;
  /** The `with` of the conversation of the request it belongs to. */
  readonly with: string;
}

export interface SearchPage {
  /** Up to `limit` matching messages, newest first; never a deleted one. */
  readonly hits: SearchHit[];
  /**
   * Absent when everything in the request's range was examined. Otherwise where the next call continues (its
   * `beforeId`): every message at or above it was examined, and those that matched are in `hits`.
   */
  readonly next?: number;
}

/**
 * Search over retained messages. The store examines only the conversations and windows it is given, newest first,
 * stops at `limit` hits or `budget` messages examined, and says where to continue: paging by `next` returns each
 * hit once. Edits are found by their current text only; a deleted text is found by nothing.
 */
export interface SearchStore {
  searchMessages(request: SearchRequest): Promise<SearchPage>;
}
