// Search (#search, at the top of the list): a box, and the messages the user may read that hold every word,
// newest first, each with its conversation, sender, time and the words found marked. The marks come from the
// server's offsets into the text and are cut from it as text (textContent), never as markup. A hit opens its
// conversation and, once the message is on the page (older pages are read for it, a few at most), scrolls to it
// and marks it.
//
// A page of the server's answer examines a bounded number of messages: a short one with a cursor is followed,
// a few pages at most, before "More results" asks the user.

import { api, ApiError } from './api.js';
import { everyone, titleOf } from './conversations.js';
import { $, el } from './dom.js';
import { senderName } from './sender.js';
import { state } from './state.js';
import { listTime, timeElement } from './times.js';

/** Hits asked for at a time, and pages followed on their own before the user is asked. */
const pageSize = 20;
const pagesAlone = 5;
/** Characters of context shown before the first match, and of the text in all. */
const before = 30;
const shown = 160;
/** Pages of history read, at most, to reach a hit further back than the conversation shows. */
const olderPages = 10;

const root = $('search');
const form = el('form', 'search-form');
form.noValidate = true;
const label = el('label', 'visually-hidden', 'Search messages');
label.htmlFor = 'search-q';
const input = el('input');
input.id = 'search-q';
input.type = 'search';
input.placeholder = 'Search messages';
input.maxLength = 200;
input.autocomplete = 'off';
input.enterKeyHint = 'search';
input.setAttribute('aria-describedby', 'search-status');
const submit = el('button', 'secondary small', 'Search');
submit.type = 'submit';
form.append(label, input, submit);

const results = el('div', 'search-results');
results.hidden = true;
const status = el('p', 'search-status');
status.id = 'search-status';
status.setAttribute('role', 'status');
const hits = el('ol', 'search-hits');
hits.setAttribute('aria-label', 'Search results');
const actions = el('div', 'search-actions');
const more = el('button', 'ghost small', 'More results');
more.type = 'button';
more.hidden = true;
const clear = el('button', 'ghost small', 'Clear search');
clear.type = 'button';
actions.append(more, clear);
results.append(status, hits, actions);
root.append(form, results);

/** The search shown: its words, where the server stopped (while there may be more), and how many were found. */
let current = { q: '', cursor: undefined, found: 0 };
/** Counts searches, so that the answer to one replaced meanwhile is dropped. */
let asked = 0;

/** The conversation a hit opens, as the page names it: `broad` is the page's Everyone too. */
const conversationName = (hit) => (hit.message.kind === 'broadcast' ? everyone : hit.with);

/** [from, to) of the text to show: some context before the first match, at most `shown` characters. */
function excerpt(text, match) {
  if (text.length <= shown) return [0, text.length];
  let from = Math.max(0, (match[0]?.[0] ?? 0) - before);
  let to = Math.min(text.length, from + shown);
  from = Math.max(0, to - shown);
  // Never half of a character outside the BMP.
  if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from])) from--;
  if (to < text.length && /[\uD800-\uDBFF]/.test(text[to - 1])) to++;
  return [from, to];
}

/** The part of the text shown, each match in a <mark>, every piece as text. */
function markedText(text, match) {
  const [from, to] = excerpt(text, match);
  const out = el('span', 'hit-text');
  if (from > 0) out.append('…');
  let at = from;
  for (const [start, end] of match) {
    const a = Math.max(start, at);
    const b = Math.min(end, to);
    if (b <= a) continue;
    if (a > at) out.append(text.slice(at, a));
    out.append(el('mark', 'hit-mark', text.slice(a, b)));
    at = b;
  }
  if (at < to) out.append(text.slice(at, to));
  if (to < text.length) out.append('…');
  return out;
}

function hitItem(hit) {
  const msg = hit.message;
  const name = conversationName(hit);
  const conv = state.convs.get(name) ?? { name, kind: msg.kind };
  const li = el('li', `search-hit ${msg.kind}`);
  li.dataset.id = msg.id;
  li.dataset.with = name;
  const button = el('button', 'hit-open');
  button.type = 'button';
  const top = el('span', 'hit-top');
  top.append(el('span', 'hit-where', titleOf(conv)), timeElement(msg.sentAt, 'hit-time', listTime));
  const body = el('span', 'hit-body');
  const from = msg.from === state.me ? 'You' : senderName(msg);
  body.append(el('span', 'hit-from', `${from}: `));
  if (state.hides(msg)) body.append(el('span', 'hit-text', 'Message from a blocked user'));
  else body.append(markedText(msg.text, hit.match));
  button.append(top, body);
  button.addEventListener('click', () => void reveal(name, msg.id));
  li.append(button);
  return li;
}

function say(text, tone) {
  status.textContent = text;
  if (tone) status.dataset.tone = tone;
  else delete status.dataset.tone;
}

function renderStatus() {
  const { q, cursor, found } = current;
  more.hidden = cursor === undefined;
  if (found === 0)
    say(cursor === undefined ? `No messages hold “${q}”.` : `Nothing yet for “${q}”: older messages may hold it.`);
  else say(`${found} ${found === 1 ? 'message' : 'messages'}${cursor === undefined ? '' : ' so far'} for “${q}”.`);
}

/** Reads pages of hits, from where the search stopped, until some came, none is left, or `pagesAlone` were read. */
async function readOn() {
  const search = ++asked;
  const me = state.me;
  more.disabled = true;
  say('Searching…');
  try {
    let pages = 0;
    do {
      const { body } = await api.search(current.q, { cursor: current.cursor, limit: pageSize });
      if (search !== asked || state.me !== me) return;
      hits.append(...body.hits.map(hitItem));
      current = { ...current, cursor: body.cursor, found: current.found + body.hits.length };
      if (body.hits.length > 0) break;
    } while (current.cursor !== undefined && ++pages < pagesAlone);
    renderStatus();
  } catch (err) {
    if (search !== asked) return;
    current = { ...current, cursor: undefined };
    more.hidden = true;
    say(err instanceof ApiError ? err.message : String(err), 'error');
  } finally {
    if (search === asked) more.disabled = false;
  }
}

function start(q) {
  current = { q, cursor: undefined, found: 0 };
  hits.replaceChildren();
  results.hidden = false;
  void readOn();
}

function reset() {
  asked++;
  current = { q: '', cursor: undefined, found: 0 };
  hits.replaceChildren();
  results.hidden = true;
  say('');
}

/** Resolves once the log changes (a page of history came in), or after a while. */
function logChanged(log) {
  return new Promise((resolve) => {
    const observer = new window.MutationObserver(() => done());
    const timer = setTimeout(() => done(), 10_000);
    const done = () => {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    };
    observer.observe(log, { childList: true, subtree: true });
  });
}

/** Opens the hit's conversation and brings its message into view, reading older pages for it if need be. */
async function reveal(name, id) {
  await state.request('open-conversation', name);
  const log = $('messages');
  for (const marked of log.querySelectorAll('li.search-target')) marked.classList.remove('search-target');
  for (let read = 0; read <= olderPages && state.open === name; read++) {
    const item = log.querySelector(`li.msg[data-id="${CSS.escape(id)}"]`);
    if (item) {
      item.scrollIntoView({ block: 'center' });
      item.classList.add('search-target');
      item.tabIndex = -1;
      item.focus({ preventScroll: true });
      return;
    }
    const older = log.querySelector('button.older');
    const changed = logChanged(log);
    if (older) older.click();
    else if (!log.querySelector('li.history-state[data-state="loading"]')) return;
    await changed;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = input.value.trim();
  if (q === '') reset();
  else start(q);
});
input.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || results.hidden) return;
  event.preventDefault();
  input.value = '';
  reset();
});
more.addEventListener('click', () => void readOn());
clear.addEventListener('click', () => {
  input.value = '';
  reset();
  input.focus();
});
state.on('signed-out', () => {
  input.value = '';
  reset();
});
