// The composer (#composer) and its two modes: a message to the open conversation, or a line of the original
// command language (bob: hi · broad: hi · mk_grp:team:bob:carol · get_users · exit), which also opens from the
// list's Command line button. A message goes through the outbox (outbox.js), which keeps it until the server has
// it, as a reply when one is being written (reply-bar.js); a command is sent at once. What is sent is shown from
// the server's answer, with its id and time.

import { api, ApiError } from './api.js';
import { commandPlaceholder, readCommand } from './command.js';
import { everyone, titleOf } from './conversations.js';
import { $ } from './dom.js';
import { enqueue } from './outbox.js';
import { quoteOf } from './replies.js';
import { state } from './state.js';
import { setText, withinLimit } from './text-box.js';

const view = {
  composer: $('composer'),
  modeMessage: $('mode-message'),
  modeCommand: $('mode-command'),
  openCommand: $('open-command'),
  text: $('text'),
};

function render() {
  const conv = state.current;
  view.modeMessage.setAttribute('aria-pressed', String(state.mode === 'message'));
  view.modeCommand.setAttribute('aria-pressed', String(state.mode === 'command'));
  view.composer.dataset.mode = state.mode;
  view.text.setAttribute('aria-label', state.mode === 'command' ? 'Command line' : 'Message');
  view.text.placeholder =
    state.mode === 'command' ? commandPlaceholder : conv ? `Message ${titleOf(conv)}` : 'Open a conversation to write';
}

for (const change of ['signed-in', 'open', 'mode']) state.on(change, render);
state.handle('compose', () => view.text.focus());

view.modeMessage.addEventListener('click', () => {
  state.setMode('message');
  view.text.focus();
});
view.modeCommand.addEventListener('click', () => {
  state.setMode('command');
  view.text.focus();
});
view.openCommand.addEventListener('click', () => {
  state.setMode('command');
  state.emit('show-conversation');
  view.text.focus();
});
view.text.addEventListener('input', () => state.emit('typing'));

/** Builds the msgform of a message this page sent, from the server's answer (its id and sentAt). */
function sentByMe({ id, sentAt }, to, kind, text) {
  const msg = { id, from: state.me, to, kind, text, sentAt };
  if (kind === 'group') msg.group = to;
  state.emit('sent', msg);
}

view.composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = view.text.value;
  if (text.trim() === '') return;
  const conv = state.current;
  if (state.mode === 'message' && !conv) {
    state.emit('notice', { text: 'Open a conversation first, or switch to the command line.', tone: 'error' });
    return;
  }
  if (!withinLimit(text)) return;
  if (state.mode === 'message') {
    // The box is free at once: the message waits in the log until the server has it, however long that takes.
    // The quote is made now, from the original as it reads now, as the server makes it.
    const answering = state.replying?.conv === conv.name ? state.replying.msg : undefined;
    enqueue(conv.name, conv.kind, text, answering && quoteOf(answering));
    state.setReplying(undefined);
    setText('');
    return;
  }
  view.text.disabled = true;
  try {
    await runCommand(text);
    if (state.me) setText('');
  } catch (err) {
    // The server does not say why (a block, say): only that the message was not taken.
    if (err instanceof ApiError && err.code === 'not_accepted')
      state.emit('notice', {
        text: 'That was not accepted: the person it names is not taking messages or group invitations from you.',
        tone: 'error',
      });
    else state.emit('failed', err);
  } finally {
    view.text.disabled = false;
    if (state.me) view.text.focus();
  }
});

// A message the server refused comes back to the box, unless something else is being written there.
state.on('unsent', ({ text, conv }) => {
  if (view.text.value === '' && conv === state.open && state.mode === 'message') setText(text);
});

async function runCommand(line) {
  const command = readCommand(line);
  if (command.kind === 'exit') {
    await state.request('sign-out', { line });
    return;
  }
  const { body = {} } = await api.command(line);
  if (Array.isArray(body.users)) {
    state.setUsers(body.users);
    const online = body.users.filter((u) => u.online).map((u) => u.name);
    state.emit('notice', {
      text: `${body.users.length} people, ${online.length} online: ${online.join(', ') || 'nobody'}.`,
    });
  } else if (Array.isArray(body.members)) {
    await state.request('group-created', body);
  } else if (command.kind === 'notify' && body.level) {
    const said = { all: 'every message notifies', mentions: 'mentions only', none: 'notifications off' };
    state.emit('notice', { text: `${body.with}: ${said[body.level]}.` });
  } else if (command.kind === 'quiet' && 'until' in body) {
    const text = body.until ? `Quiet until ${new Date(body.until).toLocaleTimeString()}.` : 'No longer quiet.';
    state.emit('notice', { text });
  } else if (command.kind === 'broadcast') {
    sentByMe(body, everyone, 'broadcast', command.text);
    await state.request('open-conversation', everyone);
  } else if (command.kind === 'send') {
    const to = body.to ?? command.to;
    // Users and groups share one namespace: a name that is no user is a group, perhaps one not listed here yet.
    if (!state.groups.has(to) && !state.users.has(to)) await state.request('refresh', { groups: true });
    sentByMe(body, to, state.groups.has(to) || !state.users.has(to) ? 'group' : 'direct', command.text);
    await state.request('open-conversation', to);
  }
}
