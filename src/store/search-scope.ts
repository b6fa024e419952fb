import type { Message } from '../core/msgform.js';
import type { ConversationRef, SearchRequest } from '../core/ports/index.js';
import { containsTerms } from '../core/search/fold.js';
import { conversationKey } from './conversation-key.js';
import { windowOf } from './group-window.js';

/** One conversation of a search, as the stores read it: its key, and the ids examined, in (above, below). */
export interface ScopeEntry {
  readonly key: string;
  readonly ref: ConversationRef;
  readonly above: number;
  readonly below: number;
}

/**
 * The conversations of a search with the part of each the reader may read, within the request's ids: a group
 * from when they joined until they left; the broadcasts from when they registered (`joinedId`), which holds
 * every one they sent. Those left with nothing to read are dropped.
 */
export function searchScope(request: SearchRequest, joinedId: number): ScopeEntry[] {
  return request.conversations
    .map((ref) => {
      const { after, through } = windowOf(ref);
      const floor = ref.kind === 'broadcast' ? joinedId : after;
      return {
        key: conversationKey(request.reader, ref),
        ref,
        above: Math.max(request.afterId, floor),
        below: Math.min(request.beforeId, through + 1),
      };
    })
    .filter((entry) => entry.above + 1 < entry.below);
}

/** Whether a message of the scope is a hit: not deleted, from the sender asked for, sent in the range, matching. */
export function isHit(request: SearchRequest): (message: Message) => boolean {
  const { from, sentFrom, sentBefore, terms } = request;
  return (message) =>
    !message.deleted &&
    (from === undefined || message.from === from) &&
    (sentFrom === undefined || message.sentAt >= sentFrom) &&
    (sentBefore === undefined || message.sentAt < sentBefore) &&
    containsTerms(message.text, terms);
}
