// What the log shows between its messages: a heading for each day (Today, Yesterday, a date), the line where the
// unread messages begin, and which messages follow one from the same sender closely enough to go without the
// name (it stays for screen readers). Drawn again from the messages in the log after every change to it, so that
// a message put in anywhere, or a page of older ones, finds its place.

import { el } from './dom.js';
import { dayLabel } from './times.js';

/** Messages from one sender this close together read as one run. */
const runGapMs = 5 * 60 * 1000;

const sentAt = (li) => {
  const at = Date.parse(li.dataset.sentAt ?? '');
  return Number.isNaN(at) ? undefined : new Date(at);
};

/** The sender as the log names them: a hook's display name differs from its account's own messages. */
const senderKey = (li) => `${li.dataset.from}\n${li.dataset.sender ?? ''}`;

/**
 * @param {HTMLElement} log the list of messages
 * @param {{unreadAfter?: number, me?: string}} options `unreadAfter`: the read mark the conversation was opened
 *   with, when something after it was unread; the line goes before the first message from someone else after it
 */
export function markLog(log, { unreadAfter, me }) {
  for (const mark of log.querySelectorAll(':scope > li.day, :scope > li.unread-divider')) mark.remove();
  let previous;
  let unreadMarked = unreadAfter === undefined;
  for (const li of log.querySelectorAll(':scope > li.msg, :scope > li.outgoing')) {
    const at = li.classList.contains('outgoing') ? new Date() : sentAt(li);
    const before = previous && (previous.classList.contains('outgoing') ? new Date() : sentAt(previous));
    let broken = !previous;
    if (at && (!before || at.toDateString() !== before.toDateString())) {
      const day = el('li', 'day');
      day.append(el('h3', 'day-label', dayLabel(at)));
      li.before(day);
      broken = true;
    }
    if (
      !unreadMarked &&
      li.classList.contains('msg') &&
      Number(li.dataset.id) > unreadAfter &&
      li.dataset.from !== me
    ) {
      const divider = el('li', 'unread-divider');
      divider.id = 'unread-divider';
      divider.append(el('span', 'unread-label', 'New messages'));
      li.before(divider);
      unreadMarked = true;
      broken = true;
    }
    const joins =
      !broken &&
      !li.classList.contains('blocked') &&
      !previous.classList.contains('blocked') &&
      senderKey(li) === senderKey(previous) &&
      at !== undefined &&
      before !== undefined &&
      at.getTime() - before.getTime() < runGapMs;
    li.classList.toggle('grouped', joins);
    previous = li;
  }
}
