// The log as one stop in the Tab order (WAI-ARIA's roving tabindex): one message at a time is reachable with Tab,
// the newest until the reader picks another; Up and Down (and Home and End) move between messages, and Tab from a
// message goes on to its quote, reactions and actions (Reply, React, Edit, Delete), which no other message offers
// to Tab. A message clicked or focused by the page becomes the one Tab returns to.

import { $ } from './dom.js';

const log = $('messages');
const items = () => log.querySelectorAll(':scope > li.msg');

/** The message Tab reaches: the newest, until the reader goes to another (`chosen`) while it is in the log. */
let current;
let chosen = false;

/** Makes the message in hand the log's one tab stop, and its actions reachable. */
function sync() {
  const all = [...items()];
  if (!current || current.parentElement !== log) chosen = false;
  if (!chosen) current = all.at(-1);
  for (const li of all) {
    const here = li === current;
    li.tabIndex = here ? 0 : -1;
    for (const control of li.querySelectorAll('button, input, a[href]')) control.tabIndex = here ? 0 : -1;
  }
  // With messages to stop on, the list itself is no stop; without, it still is, so that it can be scrolled.
  log.tabIndex = all.length > 0 ? -1 : 0;
}

function move(to) {
  if (!to) return;
  current = to;
  chosen = true;
  sync();
  to.focus();
}

new window.MutationObserver(sync).observe(log, { childList: true });

log.addEventListener('focusin', (event) => {
  const li = event.target.closest?.('li.msg');
  if (li && li.parentElement === log && li !== current) {
    current = li;
    chosen = true;
    sync();
  }
});

log.addEventListener('keydown', (event) => {
  const li = event.target;
  if (!(li instanceof window.HTMLElement) || !li.matches('li.msg') || li.parentElement !== log) return;
  const all = [...items()];
  const at = all.indexOf(li);
  const to = {
    ArrowUp: all[at - 1],
    ArrowDown: all[at + 1],
    Home: all[0],
    End: all.at(-1),
  }[event.key];
  if (event.key in { ArrowUp: 1, ArrowDown: 1, Home: 1, End: 1 }) {
    event.preventDefault();
    move(to);
  }
});

/**
 * Puts `fresh` in the place of a message's entry drawn anew (edited, reacted to). It stays the log's tab stop if
 * the old one was, and focus that was in it goes to the same control in the new one (a reaction's toggle, say),
 * else to the message.
 */
export function replaceMessage(li, fresh) {
  const active = li.contains(document.activeElement) ? document.activeElement : undefined;
  if (current === li) current = fresh;
  li.replaceWith(fresh);
  if (!active) return;
  const twin =
    active === li
      ? fresh
      : [...fresh.querySelectorAll(active.tagName)].find(
          (node) => node.className === active.className && node.dataset.emoji === active.dataset.emoji,
        );
  (twin ?? fresh).focus();
}

/** Puts focus on a message of the log, which becomes its tab stop. */
export function focusMessage(li) {
  if (li) move(li);
}
