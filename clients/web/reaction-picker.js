// The emoji picker a message's React opens (#reaction-picker), beside the button: a few common emoji in a grid,
// one Tab stop whose arrow keys move between them (Enter or Space picks; picking one the reader reacted with takes
// it back), and a field for any other one emoji. Escape closes it and focus goes back to React; Tab out of it or a
// click elsewhere closes it where focus went. Not modal: the log goes on changing under it.

import { $, el } from './dom.js';
import { setReaction } from './reaction-list.js';
import { state } from './state.js';

/** What most reactions are; the field takes any other. */
const common = [
  ['👍', 'thumbs up'],
  ['❤️', 'red heart'],
  ['😂', 'tears of joy'],
  ['🎉', 'party popper'],
  ['😮', 'surprised'],
  ['😢', 'crying'],
  ['🙏', 'folded hands'],
  ['👀', 'eyes'],
];
/** The grid's width, for Up and Down. */
const columns = 4;
/** Room kept between the picker and the edges of the window (px). */
const edge = 8;

const picker = $('reaction-picker');
const grid = $('picker-grid');
const form = $('picker-form');
const field = $('picker-emoji');
const error = $('picker-error');
const log = $('messages');

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Pictographs, flags and keycaps: the server decides exactly, this only catches words and several emoji. */
const emojiLike = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/** The message the picker is open for, and the React button it gives focus back to. */
let open;

const choices = common.map(([emoji, name]) => {
  const choice = el('button', 'picker-choice', emoji);
  choice.type = 'button';
  choice.title = name;
  choice.dataset.emoji = emoji;
  choice.addEventListener('click', () => {
    const held = open?.msg.reactions?.find((r) => r.emoji === emoji);
    const msg = open?.msg;
    close(true);
    if (msg) void setReaction(msg, emoji, !held?.me);
  });
  return choice;
});
grid.append(...choices);

/** The React button of the message, as the log has it now: a change to the message draws it anew. */
function opener() {
  if (!open) return undefined;
  if (open.opener.isConnected) return open.opener;
  const li = log.querySelector(`li.msg[data-id="${CSS.escape(open.msg.id)}"]`);
  open.opener = li?.querySelector('button.react') ?? open.opener;
  return open.opener.isConnected ? open.opener : undefined;
}

/** Beside the React button: under it, or over it where the window has no room below. */
function place() {
  const button = opener();
  if (!button) return close(false);
  const at = button.getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  const height = document.documentElement.clientHeight;
  let top = at.bottom + 4;
  if (top + picker.offsetHeight > height - edge) top = Math.max(edge, at.top - 4 - picker.offsetHeight);
  const left = Math.max(edge, Math.min(at.left, width - picker.offsetWidth - edge));
  picker.style.top = `${Math.round(top)}px`;
  picker.style.left = `${Math.round(left)}px`;
}

/** One grid choice in the Tab order: the one focus was last on. */
function rove(to) {
  for (const choice of choices) choice.tabIndex = choice === to ? 0 : -1;
  to.focus();
}

function show({ msg, opener: button }) {
  if (open?.msg.id === msg.id) return close(true);
  if (open) close(false);
  open = { msg, opener: button };
  for (const choice of choices) {
    const held = msg.reactions?.find((r) => r.emoji === choice.dataset.emoji);
    choice.setAttribute('aria-pressed', String(Boolean(held?.me)));
  }
  field.value = '';
  error.hidden = true;
  picker.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  place();
  rove(choices[0]);
}

/** Closes the picker; `giveBack`: focus goes back to React (else it stays where the reader put it). */
function close(giveBack) {
  if (!open) return;
  const button = opener();
  open = undefined;
  picker.hidden = true;
  if (!button) return;
  button.setAttribute('aria-expanded', 'false');
  if (giveBack) button.focus();
}

grid.addEventListener('keydown', (event) => {
  const at = choices.indexOf(document.activeElement);
  if (at < 0) return;
  const last = choices.length - 1;
  const to = {
    ArrowRight: Math.min(at + 1, last),
    ArrowLeft: Math.max(at - 1, 0),
    ArrowDown: at + columns <= last ? at + columns : at,
    ArrowUp: at - columns >= 0 ? at - columns : at,
    Home: 0,
    End: last,
  }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  rove(choices[to]);
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const typed = field.value.trim();
  const parts = [...graphemes.segment(typed)];
  if (parts.length !== 1 || !emojiLike.test(typed)) return say('Type one emoji, such as 🙂 or 🇳🇴.');
  const msg = open?.msg;
  if (!msg) return;
  const outcome = await setReaction(msg, typed, true);
  if (outcome === 'not-emoji') say('That is not one emoji the server takes: try another.');
  else if (open?.msg === msg) close(true);
});

function say(text) {
  error.textContent = text;
  error.hidden = false;
  field.focus();
}

field.addEventListener('input', () => {
  error.hidden = true;
});

picker.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  event.preventDefault();
  event.stopPropagation();
  close(true);
});
picker.addEventListener('focusout', (event) => {
  if (open && event.relatedTarget instanceof window.Node && !picker.contains(event.relatedTarget)) close(false);
});
document.addEventListener('pointerdown', (event) => {
  if (!open || picker.contains(event.target)) return;
  // React itself toggles the picker: its click closes what its press would have closed first.
  if (event.target instanceof window.Node && opener()?.contains(event.target)) return;
  close(false);
});

state.handle('pick-reaction', show);
log.addEventListener('scroll', () => {
  if (open) place();
});
window.addEventListener('resize', () => {
  if (open) place();
});
// Listens after the log (app.js): the message is drawn anew by then.
state.on('message-changed', (msg) => {
  if (open?.msg.id !== msg.id) return;
  if (msg.deleted) return close(false);
  open.msg = msg;
  opener()?.setAttribute('aria-expanded', 'true');
});
for (const gone of ['open', 'signed-out']) state.on(gone, () => close(false));
