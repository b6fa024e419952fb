// The composer's text box (#text): Enter sends and Shift+Enter starts a new line, the box grows with what is
// written up to a few lines, a counter (#text-count) shows near the length limit, and Up in an empty box edits
// the user's last message. The limit is the server's default (4000 characters, its --max-text-length): the API
// does not say the configured one, and a server set lower still refuses a longer text with its own message.

import { $ } from './dom.js';
import { state } from './state.js';

/** Longest message text, in UTF-16 code units as the server counts them. */
export const maxTextLength = 4000;
/** How close to the limit the counter shows. */
const countFrom = maxTextLength - 500;
/** Lines the box grows to before it scrolls. */
const maxLines = 6;

const form = $('composer');
const box = $('text');
const count = $('text-count');

/** Fits the box to its text, between one line and `maxLines`. */
export function fit() {
  box.style.height = 'auto';
  const style = window.getComputedStyle(box);
  const line = parseFloat(style.lineHeight) || 20;
  const frame =
    parseFloat(style.paddingTop) +
    parseFloat(style.paddingBottom) +
    parseFloat(style.borderTopWidth) +
    parseFloat(style.borderBottomWidth);
  const border = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
  box.style.height = `${Math.min(box.scrollHeight + border, line * maxLines + frame)}px`;
}

function renderCount() {
  const length = box.value.length;
  count.hidden = length < countFrom;
  const left = maxTextLength - length;
  count.textContent = left >= 0 ? `${left} left` : `${-left} over`;
  count.dataset.over = String(left < 0);
}

/** Whether the text fits the server's limit; if not, says so. */
export function withinLimit(text) {
  if (text.length <= maxTextLength) return true;
  const over = text.length - maxTextLength;
  state.emit('notice', {
    text: `That is ${over === 1 ? '1 character' : `${over} characters`} over the limit of ${maxTextLength}: shorten it, or send it in parts.`,
    tone: 'error',
  });
  return false;
}

/** Empties the box, or fills it, and fits it to what it holds. */
export function setText(text) {
  box.value = text;
  renderCount();
  fit();
}

box.addEventListener('input', () => {
  renderCount();
  fit();
});

box.addEventListener('keydown', (event) => {
  // While an input method composes, Enter picks its candidate.
  if (event.isComposing || event.keyCode === 229) return;
  if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    form.requestSubmit();
  } else if (event.key === 'Enter' && event.shiftKey && state.mode === 'command') {
    // A command is one line.
    event.preventDefault();
  } else if (event.key === 'ArrowUp' && box.value === '' && state.mode === 'message' && state.current) {
    event.preventDefault();
    void state.request('edit-last');
  }
});
