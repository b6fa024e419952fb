// People and groups: everyone on the server, online or not, bots marked (#users), found by name with the filter
// above them (#people-filter: at most a hundred are drawn at once), with a box to tick each for a new group
// and the form that names and creates it (#group-form); and the members of the open group with their owner's
// controls (group-admin.js). A name clicked opens the conversation with that person; the button beside it blocks
// or unblocks them.

import { api } from './api.js';
import { $, el } from './dom.js';
import { GroupPanel } from './group-admin.js';
import { botBadge } from './sender.js';
import { state } from './state.js';

/** People drawn at most: a server of thousands is found by name, and a list that long is no help. */
const shownAtMost = 100;

const view = {
  users: $('users'),
  filter: $('people-filter'),
  shown: $('people-shown'),
  onlineCount: $('online-count'),
  groupForm: $('group-form'),
  groupName: $('group-name'),
};

/** Names ticked for a new group. */
let ticked = new Set();

const failed = (err) => state.emit('failed', err);

const groupPanel = new GroupPanel(
  {
    toggle: $('group-manage'),
    panel: $('group-panel'),
    list: $('group-members'),
    addForm: $('group-add'),
    addInput: $('group-add-name'),
    leave: $('group-leave'),
    owner: $('group-owner'),
  },
  {
    me: () => state.me,
    group: (name) => state.groups.get(name),
    add: (group, members) => api.addMembers(group, members).then(() => undefined, failed),
    remove: (group, user) => api.removeMember(group, user).then(() => undefined, failed),
  },
);

function person(name) {
  const online = state.users.get(name);
  const li = el('li', `user-item ${online ? 'online' : 'offline'}`);
  li.dataset.name = name;
  li.dataset.online = String(online);
  const isMe = name === state.me;
  const box = el('input', 'tick');
  box.type = 'checkbox';
  box.checked = ticked.has(name);
  box.disabled = isMe;
  box.setAttribute('aria-label', isMe ? 'You are in every group you create' : `Add ${name} to a new group`);
  box.addEventListener('change', () => {
    if (box.checked) ticked.add(name);
    else ticked.delete(name);
  });
  const target = el('button', 'target');
  target.type = 'button';
  target.disabled = isMe;
  target.title = isMe ? 'You' : `Open the conversation with ${name}`;
  target.append(el('span', 'dot', ''), el('span', 'name', name));
  if (state.bots.has(name)) {
    li.classList.add('bot');
    target.append(botBadge());
  }
  if (isMe) target.append(el('span', 'you', 'you'));
  const blocked = state.blocked.has(name);
  if (blocked) {
    // In the place of the presence, which the dot still shows: the row has no room for both.
    li.classList.add('blocked');
    const mark = el('span', 'presence blocked-mark', 'blocked');
    mark.append(el('span', 'visually-hidden', online ? ', online' : ', offline'));
    target.append(mark);
  } else target.append(el('span', 'presence', online ? 'online' : 'offline'));
  target.addEventListener('click', () => void state.request('open-conversation', name));
  li.append(box, target);
  if (!isMe) li.append(blockButton(name, blocked));
  return li;
}

function blockButton(name, blocked) {
  const button = el('button', 'block-toggle ghost small', blocked ? 'Unblock' : 'Block');
  button.type = 'button';
  button.setAttribute('aria-label', `${blocked ? 'Unblock' : 'Block'} ${name}`);
  button.title = blocked
    ? `Let ${name} message you again, and show their group messages`
    : `Refuse ${name}'s direct messages and group invitations, and hide their group messages`;
  button.addEventListener('click', () => void setBlocked(name, !blocked));
  return button;
}

async function setBlocked(name, blocked) {
  try {
    await (blocked ? api.block(name) : api.unblock(name));
  } catch (err) {
    return failed(err);
  }
  state.block(name, blocked);
  state.emit('notice', {
    text: blocked
      ? `You blocked ${name}: their direct messages and group invitations are refused, and their group messages hidden.`
      : `You unblocked ${name}.`,
  });
  // The list is drawn again: focus goes back to this person's button.
  view.users.querySelector(`li[data-name="${CSS.escape(name)}"] .block-toggle`)?.focus();
}

/** Names containing what is typed in the filter, in any case, sorted. */
function matching() {
  const wanted = view.filter.value.trim().toLowerCase();
  return [...state.users.keys()].filter((name) => wanted === '' || name.toLowerCase().includes(wanted)).sort();
}

function renderPeople() {
  const names = matching();
  view.users.replaceChildren(...names.slice(0, shownAtMost).map(person));
  const online = [...state.users].filter(([n, on]) => on && n !== state.me).length;
  view.onlineCount.textContent = `${online} online`;
  const filtered = view.filter.value.trim() !== '';
  view.shown.textContent =
    names.length > shownAtMost
      ? `Showing ${shownAtMost} of ${names.length}: type a name to find the others.`
      : filtered
        ? names.length === 0
          ? 'Nobody by that name.'
          : `${names.length} found.`
        : '';
  view.shown.hidden = view.shown.textContent === '';
}

view.filter.addEventListener('input', renderPeople);
view.filter.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && view.filter.value !== '') {
    event.preventDefault();
    event.stopPropagation();
    view.filter.value = '';
    renderPeople();
  } else if (event.key === 'Enter') {
    // The one found, or the first: opened as a click on the name would.
    event.preventDefault();
    const first = matching().find((name) => name !== state.me);
    if (first !== undefined) void state.request('open-conversation', first);
  }
});

view.groupForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = view.groupName.value.trim();
  const members = [...ticked];
  if (name === '') return state.emit('notice', { text: 'Name the group first.', tone: 'error' });
  if (members.length === 0)
    return state.emit('notice', { text: 'Tick at least one person for the group.', tone: 'error' });
  try {
    const { body } = await api.createGroup(name, members);
    view.groupName.value = '';
    ticked.clear();
    renderPeople();
    await groupCreated(body);
  } catch (err) {
    failed(err);
  }
});

/** A group made here, by the form or by a command: it is announced and opened. */
async function groupCreated(group) {
  state.addGroup(group);
  state.emit('notice', { text: `Group ${group.name} created with ${group.members.join(', ')}.` });
  await state.request('open-conversation', group.name);
}

state.handle('group-created', groupCreated);

state.on('signed-in', () => {
  ticked = new Set();
  view.filter.value = '';
  renderPeople();
});
state.on('blocks', renderPeople);
state.on('people', () => {
  for (const name of ticked) if (!state.users.has(name)) ticked.delete(name);
  renderPeople();
});

// The members shown are those of the open conversation, if it is a group, as they change.
function showGroup() {
  const conv = state.current;
  groupPanel.show(conv?.kind === 'group' ? conv.name : undefined);
}
for (const change of ['signed-in', 'people', 'groups', 'open', 'mode']) state.on(change, showGroup);
