import type { NewMessage, ConversationRef } from '../core/ports/index.js';

/**
 * The key a message is filed under: `d:<a>:<b>` for the direct messages between a and b (names in order),
 * `g:<group>` for a group, `b` for the broadcasts. Names cannot contain `:`, so keys cannot collide.
 */
export function conversationKey(reader: string, conversation: ConversationRef): string {
  switch (conversation.kind) {
    case 'direct':
      return directKey(reader, conversation.with);
    case 'group':
      return `g:${conversation.with}`;
    case 'broadcast':
      return 'b';
  }
}

export function directKey(a: string, b: string): string {
  return a < b ? `d:${a}:${b}` : `d:${b}:${a}`;
}

/** The conversation a new message belongs to. */
export function keyOfMessage(message: NewMessage): string {
  if (message.kind === 'broadcast') return 'b';
  if (message.kind === 'group') return `g:${message.group ?? ''}`;
  return directKey(message.from, message.recipients[0] ?? message.from);
}
