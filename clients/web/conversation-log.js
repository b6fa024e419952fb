// The log of the open conversation (#messages, and #messages-empty when there is nothing in it): its history
// from the server, a page at a time, older pages read as the reader scrolls to the top (or presses Load older)
// while what they look at stays where it is, new messages put in their place by id, and after them what the user
// wrote that the server does not have yet (outbox.js). A conversation opened with unread messages opens where
// they begin (log-marks.js draws the line); one read opens at its end, and stays there as the log's box changes
// size (the composer grows, a notice shows). Scrolled up, a message that arrives shows the New messages button
// (#jump-new) instead of moving the log. The log is no live region: a new message from someone else is
// announced once instead.

import { api, ApiError } from './api.js';
import { titleOf } from './conversations.js';
import { $, el } from './dom.js';
import { focusMessage, replaceMessage } from './log-focus.js';
import { markLog } from './log-marks.js';
import { messageItem, outgoingItem } from './message-item.js';
import { outgoingIn } from './outbox.js';
import { senderName } from './sender.js';
import { state } from './state.js';

/** Messages read per page of history. */
const pageSize = 50;
/** How close to the top of the log (px) scrolling asks for the page before. */
const olderThreshold = 120;

const log = $('messages');
const empty = $('messages-empty');
const jump = $('jump-new');

/** The read mark the open conversation was opened with, while something after it was unread then. */
let unreadAfter;
/** Whether the reader is at the end of the log: it stays there as messages come and its box changes size. */
let pinned = true;

/** The first entry of the log: whether older messages are being read, can be, or there are none. */
function historyState() {
  let node = log.querySelector('li.history-state');
  if (!node) {
    node = el('li', 'history-state');
    log.prepend(node);
  }
  return node;
}

function renderHistoryState() {
  const conv = state.current;
  const node = historyState();
  node.hidden = !conv || (conv.messages.size === 0 && !conv.loading);
  if (!conv) return;
  const next = conv.loading ? 'loading' : conv.more ? 'more' : 'start';
  if (node.dataset.state === next && node.dataset.with === conv.name) return;
  const hadFocus = node.contains(document.activeElement);
  node.dataset.state = next;
  node.dataset.with = conv.name;
  if (next === 'more') {
    // Scrolling up reads older messages too; the button is the way without a mouse or a wheel.
    const older = el('button', 'older', 'Load older messages');
    older.type = 'button';
    older.addEventListener('click', () => void loadOlder(conv, { fromKeyboard: true }));
    node.replaceChildren(older);
    if (hadFocus) older.focus();
  } else {
    node.textContent =
      next === 'loading'
        ? 'Loading messages…'
        : `The beginning of ${conv.kind === 'direct' ? `your conversation with ${conv.name}` : titleOf(conv)}.`;
    // While a page is read, focus waits on the log itself rather than falling back to the page.
    if (hadFocus) log.focus();
  }
}

function renderEmpty() {
  const conv = state.current;
  empty.hidden = Boolean(conv && (conv.messages.size > 0 || conv.loading || outgoingIn(conv.name).length > 0));
  empty.textContent = !conv
    ? state.mode === 'command'
      ? 'Type a line of the command language below.'
      : 'Pick a conversation or a person, or use the command line.'
    : conv.kind === 'broadcast'
      ? 'No broadcasts yet. What you send here reaches everyone.'
      : `No messages yet. Say hello to ${conv.name}.`;
}

/**
 * The marks between messages, drawn again after any change to the messages shown. The unread line only once the
 * log reaches back to the read mark: above the oldest page read, where the unread begin is not known yet.
 */
function remark() {
  const conv = state.current;
  const reaches =
    conv !== undefined && unreadAfter !== undefined && (!conv.more || state.convs.oldestId(conv) <= unreadAfter);
  markLog(log, { unreadAfter: reaches ? unreadAfter : undefined, me: state.me });
}

function renderOutgoing() {
  for (const li of log.querySelectorAll(':scope > li.outgoing')) li.remove();
  if (state.current) log.append(...outgoingIn(state.current.name).map(outgoingItem));
}

function renderLog() {
  const conv = state.current;
  const messages = conv ? state.convs.messagesOf(conv) : [];
  log.replaceChildren(...messages.map(messageItem));
  renderOutgoing();
  renderHistoryState();
  renderEmpty();
  remark();
}

const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80;

function toBottom() {
  log.scrollTop = log.scrollHeight;
  pinned = true;
  jump.hidden = true;
}

/** Where a conversation opens: at the line before its unread messages, or at its end. */
function toStart() {
  const divider = log.querySelector('li.unread-divider');
  if (!divider) return toBottom();
  log.scrollTop += divider.getBoundingClientRect().top - log.getBoundingClientRect().top - 16;
  pinned = nearBottom();
}

function insertMessage(msg) {
  const wasPinned = pinned || nearBottom();
  // In id order: a message sent from here may be numbered before one still on its way.
  const later = [...log.querySelectorAll(':scope > li.msg')].find((li) => Number(li.dataset.id) > Number(msg.id));
  log.insertBefore(messageItem(msg), later ?? log.querySelector(':scope > li.outgoing'));
  renderHistoryState();
  renderEmpty();
  remark();
  if (wasPinned || msg.from === state.me) toBottom();
  else if (!msg.deleted) jump.hidden = false;
}

/** Reads the newest page of the conversation's history and shows it if the conversation is still open. */
async function loadNewest(conv) {
  if (conv.loading) return;
  conv.loading = true;
  if (conv.name === state.open) renderHistoryState();
  const me = state.me;
  try {
    const { body } = await api.history(conv.name, { limit: pageSize });
    if (state.me !== me) return;
    state.convs.addNewest(conv, body);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && conv.name === state.open)
      state.emit('notice', { text: err.message, tone: 'error' });
    else state.emit('failed', err);
  } finally {
    conv.loading = false;
  }
  if (conv.name !== state.open) return;
  const first = !log.querySelector(':scope > li.msg');
  const keepAtBottom = pinned || nearBottom();
  renderLog();
  if (first) toStart();
  else if (keepAtBottom) toBottom();
  state.emit('conversations');
  void state.request('mark-read');
  fillLog(conv);
}

/** The page of older messages being read, per conversation: a second ask waits for it rather than for nothing. */
const readingOlder = new WeakMap();

/**
 * Reads the page before the oldest message shown (`limit` messages at most), and keeps what the reader is looking
 * at where it is. Settles once the page is in the log, or once the one already being read is.
 */
function loadOlder(conv, options = {}) {
  const reading = readingOlder.get(conv);
  if (reading) return reading;
  if (conv.loading || !conv.loaded || !conv.more) return Promise.resolve();
  const read = readOlder(conv, options).finally(() => readingOlder.delete(conv));
  readingOlder.set(conv, read);
  return read;
}

async function readOlder(conv, { fromKeyboard = false, limit = pageSize }) {
  conv.loading = true;
  renderHistoryState();
  const me = state.me;
  let added = [];
  try {
    const { body } = await api.history(conv.name, { before: String(state.convs.oldestId(conv)), limit });
    if (state.me !== me) return;
    added = state.convs.addOlder(conv, body);
  } catch (err) {
    state.emit('failed', err);
  } finally {
    conv.loading = false;
  }
  if (conv.name !== state.open) return;
  const fromBottom = log.scrollHeight - log.scrollTop;
  const first = log.querySelector('li.msg');
  for (const msg of added) log.insertBefore(messageItem(msg), first);
  // The entry above the messages changes height too (the button, or the beginning): measure after it.
  renderHistoryState();
  remark();
  log.scrollTop = log.scrollHeight - fromBottom;
  if (fromKeyboard) {
    // One line for the whole page read, never each message; focus stays on the button, or goes to the oldest.
    state.emit('announce', added.length === 1 ? 'Loaded 1 older message.' : `Loaded ${added.length} older messages.`);
    const older = log.querySelector('button.older');
    if (older) older.focus();
    else focusMessage(log.querySelector('li.msg'));
  } else {
    fillLog(conv);
  }
}

/** A log shorter than its box cannot be scrolled up: read on until it fills or the history ends. */
function fillLog(conv) {
  if (conv.name === state.open && conv.more && log.scrollHeight <= log.clientHeight + olderThreshold)
    void loadOlder(conv);
}

log.addEventListener('scroll', () => {
  pinned = nearBottom();
  if (pinned) jump.hidden = true;
  const conv = state.current;
  // Focus on the Load older button scrolls it into view: that is no request to read, the button is.
  const onButton = document.activeElement?.classList.contains('older');
  if (conv && !onButton && log.scrollTop < olderThreshold) void loadOlder(conv);
});

state.handle('load-newest', loadNewest);
state.handle('load-older', ({ conv, limit }) => loadOlder(conv, { limit }));
// A box that shrinks (the composer grows, a notice shows) would hide the newest messages of a reader at the end.
new window.ResizeObserver(() => {
  if (pinned) log.scrollTop = log.scrollHeight;
}).observe(log);

jump.addEventListener('click', () => {
  toBottom();
  focusMessage([...log.querySelectorAll(':scope > li.msg')].at(-1));
});

state.on('signed-in', renderLog);
state.on('open', () => {
  // Read before the page marks the conversation read: the line stays where it was for as long as it is open.
  const conv = state.current;
  unreadAfter = conv && conv.unread > 0 ? Number(conv.readUpTo) : undefined;
  jump.hidden = true;
  renderLog();
  if (state.open !== undefined) toStart();
});
state.on('outbox', (name) => {
  if (name !== state.open) return;
  const wasPinned = pinned || nearBottom();
  renderOutgoing();
  renderEmpty();
  remark();
  if (wasPinned) toBottom();
});

/** Up in an empty composer: the user's newest message that can still be edited opens for editing. */
state.handle('edit-last', () => {
  const own = [...log.querySelectorAll(':scope > li.msg.mine:not(.deleted)')].at(-1);
  own?.querySelector('button.edit')?.click();
});
state.on('mode', renderEmpty);
// A block or an unblock changes which messages are placeholders; the reader stays where they were.
state.on('blocks', () => {
  const top = log.scrollTop;
  renderLog();
  log.scrollTop = top;
});

state.on('received', ({ conv, msg }) => {
  if (conv.name !== state.open) return;
  insertMessage(msg);
  if ((msg.from !== state.me || msg.bot) && !msg.deleted) {
    const answering = msg.replyTo ? `, replying to ${msg.replyTo.from === state.me ? 'you' : msg.replyTo.from}` : '';
    state.emit(
      'announce',
      state.hides(msg) ? 'A message from a blocked user.' : `${senderName(msg)}${answering}: ${msg.text}`,
    );
  }
});

state.on('message-changed', (msg) => {
  const li = log.querySelector(`li.msg[data-id="${CSS.escape(msg.id)}"]`);
  if (!li) return;
  // A message at the end that grows (its first reaction) would push the end out of sight of a reader there.
  const wasPinned = pinned || nearBottom();
  replaceMessage(li, messageItem(msg));
  remark();
  if (wasPinned) toBottom();
});
