// The bar above the composer while a reply is written (#reply-bar): "Replying to alice: “the start of it…”" and
// its × (#reply-cancel). Escape in the text box, or ×, drops the reply and keeps the text; the composer sends the
// next message with it (state.replying). A reply belongs to the conversation it was started in: opening another,
// switching to the command line or signing out drops it, and so does the original's deletion, which the server
// would refuse to quote.

import { conversationOf } from './conversations.js';
import { $, el } from './dom.js';
import { excerpt } from './replies.js';
import { senderName } from './sender.js';
import { state } from './state.js';

/** How much of the original the bar shows; the rest is in the log. */
const shownLength = 80;

const bar = $('reply-bar');
const label = $('reply-bar-text');
const cancel = $('reply-cancel');
const text = $('text');

/** The text box's description, with the bar's words while a reply is written (read out as it gets focus). */
const describedBy = text.getAttribute('aria-describedby') ?? '';

function render() {
  const replying = state.replying;
  bar.hidden = !replying;
  text.setAttribute('aria-describedby', replying ? `${label.id} ${describedBy}` : describedBy);
  if (!replying) return;
  const { msg } = replying;
  const whom = msg.from === state.me && !msg.displayName ? 'yourself' : senderName(msg);
  label.replaceChildren(
    el('span', 'reply-bar-whom', 'Replying to '),
    el('strong', undefined, whom),
    ': ',
    el('span', 'reply-bar-quote', `“${excerpt(msg.text ?? '', shownLength)}”`),
  );
}

function drop() {
  state.setReplying(undefined);
}

state.on('replying', render);
state.handle('reply-to', (msg) => {
  state.setReplying({ conv: conversationOf(msg, state.me), msg });
  return state.request('compose');
});

cancel.addEventListener('click', () => {
  drop();
  text.focus();
});
for (const where of [text, bar])
  where.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !state.replying || event.isComposing) return;
    event.preventDefault();
    drop();
    text.focus();
  });

state.on('open', () => {
  if (state.replying && state.replying.conv !== state.open) drop();
});
state.on('mode', () => {
  if (state.mode === 'command') drop();
});
state.on('signed-out', drop);
state.on('message-changed', (msg) => {
  if (!state.replying || state.replying.msg.id !== msg.id) return;
  if (!msg.deleted) return render();
  drop();
  state.emit('notice', { text: `The message from ${senderName(msg)} you were answering was deleted.`, tone: 'warn' });
});
