// What the page tells the user besides the log: the notice line between the log and the composer (#notice: a
// welcome, what a command did, what went wrong), the announcer a screen reader hears (#announcer), and desktop
// notifications of messages that arrive while the page is hidden (notify.js, behind the #notify button), as the
// conversation's level and the quiet time say: the same rules the server pushes by.
//
// A notice takes its own room under the log, never the log's: the log keeps its newest message in sight as the
// room opens (conversation-log.js). It goes by itself, an info or a warning after a few seconds, and an error
// when dismissed (#notice-close, or Escape on it) or when the next message is typed: an error may need reading.

import { levelOf, titleOf } from './conversations.js';
import { $, el } from './dom.js';
import { callsReader } from './mentions.js';
import { DesktopNotifier } from './notify.js';
import { senderName } from './sender.js';
import { state } from './state.js';

/** Announcements kept in the live region: a screen reader reads each once as it is added. */
const announcementsKept = 5;
/** How long a notice that is not an error stays. */
const shownMs = { info: 4000, warn: 8000 };

const bar = $('notice-bar');
const notice = $('notice');
const close = $('notice-close');
const announcer = $('announcer');
const notifier = new DesktopNotifier($('notify'), () => state.request('notifications-on'));
let noticeTimer;

function dismiss() {
  clearTimeout(noticeTimer);
  const hadFocus = bar.contains(document.activeElement);
  notice.hidden = true;
  bar.hidden = true;
  if (hadFocus && state.me) void state.request('compose');
}

state.on('notice', ({ text, tone = 'info' }) => {
  notice.textContent = text;
  notice.dataset.tone = tone;
  bar.dataset.tone = tone;
  notice.hidden = false;
  bar.hidden = false;
  clearTimeout(noticeTimer);
  if (tone !== 'error') noticeTimer = setTimeout(dismiss, shownMs[tone] ?? shownMs.info);
});

close.addEventListener('click', dismiss);
bar.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  event.preventDefault();
  dismiss();
});

// A notice belongs to the last send; typing the next one puts it away. Nothing of a session stays after it.
state.on('typing', dismiss);
state.on('signed-out', dismiss);

/** Says a line to screen readers, once (a live log: each line added is read, nothing else). */
state.on('announce', (text) => {
  announcer.append(el('p', undefined, text));
  while (announcer.childElementCount > announcementsKept) announcer.firstElementChild.remove();
});

state.on('signed-in', () => notifier.render());
state.on('device-notifications', () => notifier.render());

/** Whether the user wants to hear of `msg` now: the conversation's level, and while quiet only direct messages. */
function wanted(conv, msg) {
  const level = levelOf(conv);
  if (level === 'none' || (level === 'mentions' && !callsReader(msg, state.me))) return false;
  return !state.quiet || conv.kind === 'direct';
}

state.on('received', ({ conv, msg, fresh, notify }) => {
  if (!notify || !fresh || msg.from === state.me || msg.deleted || state.hides(msg) || !wanted(conv, msg)) return;
  const sender = callsReader(msg, state.me) ? `${senderName(msg)} mentioned you` : senderName(msg);
  const body = conv.kind === 'direct' && !msg.displayName ? msg.text : `${sender}: ${msg.text}`;
  notifier.show(titleOf(conv), body, conv.name, () => void state.request('open-conversation', conv.name));
});
