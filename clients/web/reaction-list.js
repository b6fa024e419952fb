// The reactions under a message: one toggle per emoji with its count, pressed when the reader is among those who
// reacted with it; pressing it adds or takes back the reader's own. The counts change when the stream's
// `reaction` event comes (reactions.js), on this device as on every other, never on the answer to the call.

import { api, ApiError } from './api.js';
import { el } from './dom.js';
import { reactionLabel } from './reactions.js';
import { state } from './state.js';

/**
 * Adds (`on`) or takes back the reader's reaction to `msg`. A refusal is said in the notice line, but for an
 * emoji the server does not take as one, which is left to the caller (the picker says it beside the field).
 * @returns {Promise<'done'|'not-emoji'|'failed'>}
 */
export async function setReaction(msg, emoji, on) {
  try {
    await api.react(msg.id, emoji, on);
    return 'done';
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid_request' && err.status === 400) return 'not-emoji';
    if (err instanceof ApiError && err.code === 'too_many_reactions')
      state.emit('notice', {
        text: 'This message has 20 different emoji already, the most it takes: add yours to one of them.',
        tone: 'error',
      });
    else state.emit('failed', err);
    return 'failed';
  }
}

/** The row of a message's reactions, or undefined when it has none. */
export function reactionList(msg) {
  const reactions = msg.reactions ?? [];
  if (msg.deleted || reactions.length === 0) return undefined;
  const row = el('div', 'reactions');
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', 'Reactions');
  for (const reaction of reactions) {
    const toggle = el('button', 'reaction');
    toggle.type = 'button';
    toggle.dataset.emoji = reaction.emoji;
    toggle.setAttribute('aria-pressed', String(reaction.me));
    toggle.setAttribute('aria-label', reactionLabel(reaction));
    toggle.append(el('span', 'reaction-emoji', reaction.emoji), el('span', 'reaction-count', String(reaction.count)));
    toggle.addEventListener('click', () => void setReaction(msg, reaction.emoji, !reaction.me));
    row.append(toggle);
  }
  return row;
}
