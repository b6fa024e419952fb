// The log of the open conversation (#messages, and #messages-empty when there is nothing in it): its history
// from the server, a page at a time, older pages read as the reader scrolls to the top (or presses Load older)
// while what they look at stays where it is, and new messages put in their place by id. The log is no live
// region: a new message from someone else is announced once instead.

import { api, ApiError } from './api.js';
import { titleOf } from './conversations.js';
import { $, el } from './dom.js';
import { messageItem } from './message-item.js';
import { senderName } from './sender.js';
import { state } from './state.js';

/** Messages read per page of history. */
const pageSize = 50;
/** How close to the top of the log (px) scrolling asks for the page before. */
const olderThreshold = 120;

const log = $('messages');
const empty = $('messages-empty');

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
  empty.hidden = Boolean(conv && (conv.messages.size > 0 || conv.loading));
  empty.textContent = !conv
    ? state.mode === 'command'
      ? 'Type a line of the command language below.'
      : 'Pick a conversation or a person, or use the command line.'
    : conv.kind === 'broadcast'
      ? 'No broadcasts yet. What you send here reaches everyone.'
      : `No messages yet. Say hello to ${conv.name}.`;
}

function renderLog() {
  const conv = state.current;
  const messages = conv ? state.convs.messagesOf(conv) : [];
  log.replaceChildren(...messages.map(messageItem));
  renderHistoryState();
  renderEmpty();
}

const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80;

function insertMessage(msg) {
  const wasNearBottom = nearBottom();
  // In id order: a message sent from here may be numbered before one still on its way.
  const later = [...log.querySelectorAll('li.msg')].find((li) => Number(li.dataset.id) > Number(msg.id));
  log.insertBefore(messageItem(msg), later ?? null);
  renderHistoryState();
  renderEmpty();
  if (wasNearBottom || msg.from === state.me) log.scrollTop = log.scrollHeight;
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
  const keepAtBottom = nearBottom();
  renderLog();
  if (keepAtBottom) log.scrollTop = log.scrollHeight;
  state.emit('conversations');
  void state.request('mark-read');
  fillLog(conv);
}

/** Reads the page before the oldest message shown, and keeps what the reader is looking at where it is. */
async function loadOlder(conv, { fromKeyboard = false } = {}) {
  if (conv.loading || !conv.loaded || !conv.more) return;
  conv.loading = true;
  renderHistoryState();
  const me = state.me;
  let added = [];
  try {
    const { body } = await api.history(conv.name, { before: String(state.convs.oldestId(conv)), limit: pageSize });
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

function focusMessage(li) {
  if (!li) return;
  li.tabIndex = -1;
  li.focus();
}

/** A log shorter than its box cannot be scrolled up: read on until it fills or the history ends. */
function fillLog(conv) {
  if (conv.name === state.open && conv.more && log.scrollHeight <= log.clientHeight + olderThreshold)
    void loadOlder(conv);
}

log.addEventListener('scroll', () => {
  const conv = state.current;
  // Focus on the Load older button scrolls it into view: that is no request to read, the button is.
  const onButton = document.activeElement?.classList.contains('older');
  if (conv && !onButton && log.scrollTop < olderThreshold) void loadOlder(conv);
});

state.handle('load-newest', loadNewest);
state.on('signed-in', renderLog);
state.on('open', () => {
  renderLog();
  if (state.open !== undefined) log.scrollTop = log.scrollHeight;
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
  if ((msg.from !== state.me || msg.bot) && !msg.deleted)
    state.emit('announce', state.hides(msg) ? 'A message from a blocked user.' : `${senderName(msg)}: ${msg.text}`);
});

state.on('message-changed', (msg) => {
  const li = log.querySelector(`li.msg[data-id="${CSS.escape(msg.id)}"]`);
  if (!li) return;
  const hadFocus = li.contains(document.activeElement);
  const fresh = messageItem(msg);
  li.replaceWith(fresh);
  if (hadFocus) fresh.querySelector('button')?.focus();
});
