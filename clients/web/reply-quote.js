// The quote above a reply's text: who wrote the message it answers and the start of it, or "deleted message"
// once the original is gone. A button: a click, Enter or Space goes to the original (message-jump.js). Both
// parts are text nodes; a quote is another user's words and never markup.

import { el } from './dom.js';
import { state } from './state.js';

/**
 * @param {{id: string, from: string, text?: string, deleted?: true}} quote a reply's `replyTo`
 * @param {string} me the reader, named "you" in a quote of their own message
 * @param {{still?: boolean}} options `still`: only shown (a reply not sent yet), no way to go anywhere
 */
export function replyQuote(quote, me, { still = false } = {}) {
  const box = el(still ? 'div' : 'button', quote.deleted ? 'quote deleted' : 'quote');
  box.dataset.of = quote.id;
  box.append(el('span', 'visually-hidden', 'In reply to '));
  if (quote.deleted) {
    box.append(el('span', 'quote-text', 'deleted message'));
  } else {
    box.append(
      el('span', 'quote-from', quote.from === me ? 'you' : quote.from),
      el('span', 'visually-hidden', ': '),
      el('span', 'quote-text', quote.text ?? ''),
    );
  }
  if (still) return box;
  box.type = 'button';
  box.title = 'Go to the message this answers';
  box.addEventListener('click', () => void state.request('show-message', quote.id));
  return box;
}
