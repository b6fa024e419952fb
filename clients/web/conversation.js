// The open conversation's frame: opening and closing a conversation, its header (avatar, title, who is in it or
// whether they are online), and on a phone which of the two panes shows, the list or the conversation. The
// back button returns to the list, on the entry just left; Escape there goes back to that conversation.

import { avatar } from './avatar.js';
import { commandPlaceholder } from './command.js';
import { titleOf } from './conversations.js';
import { $ } from './dom.js';
import { state } from './state.js';

const view = {
  chatView: $('chat-view'),
  conversations: $('conversations'),
  conversation: $('conversation'),
  back: $('back'),
  convAvatar: $('conv-avatar'),
  convTitle: $('conv-title'),
  convSub: $('conv-sub'),
};

/** On a phone, the conversation the back button left: Escape returns to it. */
let left;

function renderHeader() {
  const conv = state.current;
  view.convAvatar.hidden = !conv;
  view.conversation.dataset.kind = conv?.kind ?? '';
  delete view.convSub.dataset.online;
  if (!conv) {
    view.convTitle.textContent = state.mode === 'command' ? 'Command line' : 'No conversation open';
    view.convSub.textContent = state.mode === 'command' ? commandPlaceholder : '';
    return;
  }
  avatar(conv, view.convAvatar);
  view.convTitle.textContent = titleOf(conv);
  if (conv.kind === 'broadcast') {
    view.convSub.textContent = `Broadcasts to all ${state.users.size} people`;
  } else if (conv.kind === 'group') {
    const members = state.groups.get(conv.name)?.members;
    view.convSub.textContent = members ? `Group: ${members.join(', ')}` : 'Group';
  } else {
    const online = state.users.get(conv.name);
    view.convSub.textContent = online === undefined ? '' : online ? 'online' : 'offline';
    view.convSub.dataset.online = String(Boolean(online));
  }
}

for (const change of ['signed-in', 'people', 'groups', 'open', 'mode']) state.on(change, renderHeader);

async function openConversation(name) {
  if (!state.me) return;
  const conv = state.convs.ensure(name, state.kindOf(name));
  // The pane first: the log measures itself to scroll to its end, which it cannot do out of sight.
  view.chatView.dataset.pane = 'conversation';
  state.setOpen(name);
  void state.request('mark-read');
  void state.request('compose');
  if (!conv.loaded) await state.request('load-newest', conv);
}

function closeConversation() {
  left = state.open;
  view.chatView.dataset.pane = 'list';
  state.setOpen(undefined);
}

state.handle('open-conversation', openConversation);
state.handle('close-conversation', closeConversation);
state.on('show-conversation', () => {
  view.chatView.dataset.pane = 'conversation';
});

view.back.addEventListener('click', () => {
  const was = state.open;
  closeConversation();
  // Back in the list, on the conversation just left.
  const item =
    was === undefined ? undefined : view.conversations.querySelector(`li[data-with="${CSS.escape(was)}"] button`);
  (item ?? view.conversations.querySelector('button'))?.focus();
});

const phone = window.matchMedia('(max-width: 720px)');

// Escape closes the list on a phone and goes back to the conversation it was opened from.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || !state.me || !phone.matches || view.chatView.dataset.pane !== 'list') return;
  if (left === undefined) return;
  event.preventDefault();
  void state.request('open-conversation', left);
});
