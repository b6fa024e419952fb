import type { ConversationRef } from '../core/ports/index.js';

/** The part of a group's history a reader has: all of it unless the reference says otherwise. */
export function windowOf(conversation: ConversationRef): { after: number; through: number } {
  if (conversation.kind !== 'group') return { after: 0, through: Number.MAX_SAFE_INTEGER };
  return { after: conversation.after ?? 0, through: conversation.through ?? Number.MAX_SAFE_INTEGER };
}
