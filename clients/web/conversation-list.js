// The list of conversations (#conversations): one entry per person written with, per group and for Everyone,
// most recent first, each with its last message, its time, its unread count, an @ while a message that calls the
// user is unread, and a small mark when the user hears only of mentions there or of nothing; and the unread
// total in the page's title. A click asks for the conversation to be opened.

import { avatar } from './avatar.js';
import { levelOf, mentioned, titleOf } from './conversations.js';
import { $, el } from './dom.js';
import { icon } from './icons.js';
import { senderName } from './sender.js';
import { state } from './state.js';
import { listTime, timeElement } from './times.js';

const list = $('conversations');

function preview(conv) {
  const last = conv.last;
  if (!last) return conv.kind === 'broadcast' ? 'Messages to everyone' : 'No messages yet';
  if (state.hides(last) && !last.deleted) return 'Message from a blocked user';
  const text = last.deleted ? 'Message deleted' : last.text;
  if (last.displayName) return `${senderName(last)}: ${text}`;
  if (last.from === state.me) return `You: ${text}`;
  return conv.kind === 'direct' ? text : `${last.from}: ${text}`;
}

/** Words for a level the list marks: what a screen reader hears after the name. */
const levelMarks = { mentions: ['at', 'mentions only'], none: ['bell-off', 'muted'] };

function levelMark(level) {
  const mark = levelMarks[level];
  if (!mark) return undefined;
  const span = el('span', 'conv-level');
  span.title = level === 'none' ? 'Muted' : 'Notifies of mentions only';
  span.append(icon(mark[0]), el('span', 'visually-hidden', `, ${mark[1]}`));
  return span;
}

function entry(conv) {
  const li = el('li', `conv ${conv.kind}`);
  li.dataset.with = conv.name;
  li.dataset.kind = conv.kind;
  li.dataset.unread = String(conv.unread);
  li.dataset.level = levelOf(conv);
  li.dataset.mentioned = String(mentioned(conv));
  const button = el('button', 'conv-open');
  button.type = 'button';
  if (conv.name === state.open) button.setAttribute('aria-current', 'true');
  const top = el('span', 'conv-top');
  top.append(el('span', 'conv-name', titleOf(conv)));
  const level = levelMark(levelOf(conv));
  if (level) top.append(level);
  if (conv.last) top.append(timeElement(conv.last.sentAt, 'conv-time', listTime));
  const bottom = el('span', 'conv-bottom');
  bottom.append(el('span', 'conv-last', preview(conv)));
  if (mentioned(conv)) {
    const at = el('span', 'mention-badge', '@');
    at.append(el('span', 'visually-hidden', ' mentions you'));
    bottom.append(at);
  }
  if (conv.unread > 0) {
    // Read out as "3 unread": the number alone, or its colour, would say nothing.
    const badge = el('span', 'unread', String(conv.unread));
    badge.append(el('span', 'visually-hidden', ' unread'));
    bottom.append(badge);
  }
  const body = el('span', 'conv-body');
  body.append(top, bottom);
  button.append(avatar(conv), body);
  button.addEventListener('click', () => void state.request('open-conversation', conv.name));
  li.append(button);
  return li;
}

function render() {
  if (!state.me) return;
  list.replaceChildren(...state.convs.sorted().map(entry));
  const unread = state.convs.totalUnread();
  document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
}

// Presence shows on the avatars; a group's arrival or departure changes the entries.
for (const change of ['signed-in', 'conversations', 'people', 'groups', 'open', 'blocks']) state.on(change, render);
state.on('signed-out', () => {
  document.title = 'Parley';
});
