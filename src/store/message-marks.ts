import type { Message } from '../core/msgform.js';
import type { NewMessage } from '../core/ports/index.js';

type Marks = Pick<Message, 'bot' | 'displayName' | 'mentions' | 'replyTo'>;

/**
 * A new message's bot mark, display name, mentions and quote as every backend reads them back: each only when
 * set, and an empty list of mentions as none.
 */
export function messageMarks({ bot, displayName, mentions, replyTo }: Pick<NewMessage, keyof Marks>): Marks {
  return {
    ...(bot ? { bot } : {}),
    ...(displayName === undefined ? {} : { displayName }),
    ...(mentions?.length ? { mentions: [...mentions] } : {}),
    ...(replyTo === undefined ? {} : { replyTo }),
  };
}
