// One message in the log: who sent it (sender.js: with the bot mark and a hook's display name), the quote of the
// message it answers (reply-quote.js), its text, its reactions (reaction-list.js), and its foot: Reply on other
// people's messages, React, Edit and Delete on the user's own (message-changes.js), when it was sent, and whether
// it was edited. What the user's own hooks post is theirs to edit or delete, but it is shown as the hook's, on
// the others' side of the log. A message from someone the user blocks is a placeholder until the user asks to
// see it.

import { api } from './api.js';
import { el } from './dom.js';
import { editedMark, messageText, ownActions } from './message-changes.js';
import { callsReader } from './mentions.js';
import { reactionList } from './reaction-list.js';
import { replyQuote } from './reply-quote.js';
import { senderLabel } from './sender.js';
import { state } from './state.js';
import { logTime, timeElement } from './times.js';

async function editOwn(id, text) {
  try {
    const { body } = await api.editMessage(id, text);
    state.changeMessage({ type: 'edited', data: { of: id, text: body.text, editedAt: body.editedAt } });
    return true;
  } catch (err) {
    state.emit('failed', err);
    return false;
  }
}

async function deleteOwn(id) {
  try {
    await api.deleteMessage(id);
    state.changeMessage({ type: 'deleted', data: { of: id } });
    return true;
  } catch (err) {
    state.emit('failed', err);
    return false;
  }
}

/**
 * Answers a message where it came from, quoting it (reply-bar.js); or, for a broadcast, to its sender alone and
 * unquoted: an answer to everyone is a new broadcast, and the server quotes only within one conversation. Focus
 * goes to the composer.
 */
async function replyTo(msg) {
  state.setMode('message');
  if (msg.kind === 'broadcast') await state.request('open-conversation', msg.from);
  else await state.request('reply-to', msg);
}

/** A small button of the message's foot, with words for screen readers after what it shows. */
function action(className, shown, hidden, onClick) {
  const button = el('button', className, shown);
  button.type = 'button';
  button.append(el('span', 'visually-hidden', hidden));
  button.addEventListener('click', onClick);
  return button;
}

/** The ids of blocked users' messages the user chose to see, this page's while it is open. */
const revealed = new Set();

/** The stand-in for a blocked user's message: who it is from stays hidden too, until Show. */
function placeholder(msg) {
  const li = el('li', `msg ${msg.kind} blocked`);
  li.dataset.id = msg.id;
  li.dataset.kind = msg.kind;
  li.dataset.from = msg.from;
  li.dataset.sentAt = msg.sentAt;
  const text = el('p', 'text placeholder', 'Message from a blocked user — ');
  const show = el('button', 'show-blocked', 'Show');
  show.type = 'button';
  show.setAttribute('aria-label', 'Show the message from a blocked user');
  show.addEventListener('click', () => {
    revealed.add(msg.id);
    const item = messageItem(msg);
    li.replaceWith(item);
    // Focus stays in the message, on its first action (or the message itself, which has none).
    const first = item.querySelector('button');
    if (first) first.focus();
    else {
      item.tabIndex = -1;
      item.focus();
    }
  });
  text.append(show);
  li.append(text);
  return li;
}

/** The log's entry for `msg`. */
export function messageItem(msg) {
  if (state.hides(msg) && !msg.deleted && !revealed.has(msg.id)) return placeholder(msg);
  const own = msg.from === state.me;
  const mine = own && !msg.bot;
  const li = el('li', `msg ${msg.kind}${mine ? ' mine' : ''}${msg.bot ? ' bot' : ''}`);
  li.dataset.id = msg.id;
  li.dataset.kind = msg.kind;
  li.dataset.from = msg.from;
  li.dataset.sentAt = msg.sentAt;
  if (msg.displayName !== undefined) li.dataset.sender = msg.displayName;
  const sender = senderLabel(msg, state.me);
  li.append(sender);
  if (msg.replyTo && !msg.deleted) li.append(replyQuote(msg.replyTo, state.me));
  li.append(messageText(msg, state.me));
  const reactions = reactionList(msg);
  if (reactions) li.append(reactions);
  if (msg.deleted) li.classList.add('deleted');
  if (callsReader(msg, state.me)) {
    // Told in words as well as by colour: the mark is read out with the sender.
    li.classList.add('mentioned');
    li.dataset.mentioned = 'true';
    sender.append(' ', el('span', 'mention-mark', 'mentions you'));
  }
  const foot = el('div', 'msg-foot');
  // Shown on hover and while the message has focus (conversation.css); reached from the message with Tab
  // (log-focus.js), so that they are no tab stops of their own in a long log.
  const actions = el('span', 'msg-actions');
  // The actions keep their room while hidden: on the user's own messages a Reply would widen every bubble.
  if (!own && !msg.deleted) {
    const whom = msg.kind === 'broadcast' ? ` to ${msg.from} alone` : ` to ${msg.from}`;
    actions.append(action('reply', 'Reply', whom, () => void replyTo(msg)));
  }
  if (!msg.deleted) {
    const react = action(
      'react',
      'React',
      ' to this message',
      () => void state.request('pick-reaction', { msg, opener: react }),
    );
    react.setAttribute('aria-haspopup', 'dialog');
    react.setAttribute('aria-expanded', 'false');
    actions.append(react);
  }
  if (own) actions.append(...ownActions(li, msg, { edit: editOwn, remove: deleteOwn }));
  if (actions.childElementCount > 0) foot.append(actions);
  foot.append(timeElement(msg.sentAt, 'when', logTime));
  const edited = editedMark(msg);
  if (edited) foot.append(edited);
  li.append(foot);
  return li;
}

/** What `outgoing` (outbox.js) says of a message written and not yet taken by the server. */
const outgoingStates = { sending: 'Sending…', waiting: 'Not sent yet: waiting for the server' };

/** The log's entry for a message the server does not have yet, after the messages it has. */
export function outgoingItem(entry) {
  const li = el('li', `outgoing ${entry.kind}`);
  li.dataset.key = entry.key;
  li.dataset.state = entry.state;
  li.dataset.from = state.me;
  if (entry.replyTo) li.append(replyQuote(entry.replyTo, state.me, { still: true }));
  li.append(messageText({ text: entry.text }, state.me));
  const foot = el('div', 'msg-foot');
  foot.append(el('span', 'outgoing-state', outgoingStates[entry.state]));
  li.append(foot);
  return li;
}
