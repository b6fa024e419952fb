import { ChatError } from '../errors.js';
import { excerptOf } from '../excerpt.js';
import type { ReplyQuote } from '../msgform.js';
import type { ConversationRef, ConversationStore } from '../ports/index.js';
import { messageIn } from './conversations.js';

/** Characters of the original a reply quotes at most, before its `…`: about a line of a terminal. */
export const quoteLength = 120;

/**
 * What a reply in `conversation` keeps of message `id`: its sender, and the start of its text on one line. The
 * original must be one `sender` reads in that conversation's history, and not deleted; not_found otherwise.
 */
export async function quoteOf(
  store: ConversationStore,
  sender: string,
  conversation: ConversationRef,
  id: number,
): Promise<ReplyQuote> {
  const original = await messageIn(store, sender, conversation, id);
  if (!original || original.deleted) {
    throw new ChatError('not_found', `no message ${id} to answer in this conversation`, 'body.replyTo');
  }
  return { id, from: original.from, text: excerptOf(original.text.replace(/\s+/g, ' ').trim(), quoteLength) };
}
