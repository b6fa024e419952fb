// The Parley page: sign-in, people and groups with live presence, the conversation, and the composer.
// Every text that comes from the server is put into the page as text (textContent), never parsed as HTML.

import { api, ApiError } from './api.js';
import { readCommand } from './command.js';
import { Stream } from './stream.js';

const userKey = 'parley.user';
const historyKey = (name) => `parley.history.${name}`;
/** Messages kept in this browser so that a reload still shows the recent conversation. */
const historyLimit = 300;
const broadcastTarget = '*broadcast';
const commandPlaceholder = 'bob: hi · broad: hi · g1: hi';

const $ = (id) => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const view = {
  session: $('session'),
  conn: $('conn'),
  meName: $('me-name'),
  signOut: $('sign-out'),
  signInView: $('sign-in-view'),
  signInForm: $('sign-in-form'),
  username: $('username'),
  password: $('password'),
  signInError: $('sign-in-error'),
  signInSubmit: $('sign-in-submit'),
  chatView: $('chat-view'),
  sidebar: $('sidebar'),
  sidebarToggle: $('sidebar-toggle'),
  onlineCount: $('online-count'),
  users: $('users'),
  groups: $('groups'),
  groupsEmpty: $('groups-empty'),
  groupForm: $('group-form'),
  groupName: $('group-name'),
  pickBroadcast: $('pick-broadcast'),
  messages: $('messages'),
  messagesEmpty: $('messages-empty'),
  notice: $('notice'),
  composer: $('composer'),
  to: $('to'),
  toUsers: $('to-users'),
  toGroups: $('to-groups'),
  text: $('text'),
};

const state = {
  /** The signed-in user's name, or undefined on the sign-in form. */
  me: undefined,
  /** name -> online */
  users: new Map(),
  /** name -> {name, members, createdBy} */
  groups: new Map(),
  /** Names ticked for a new group. */
  ticked: new Set(),
  /** id -> msgform; the page shows each message once, whatever path it came by. */
  messages: new Map(),
  /** The last message id the stream delivered (never an id of a message this user sent). */
  lastId: undefined,
  stream: undefined,
  noticeTimer: undefined,
};

// ---------------------------------------------------------------------------------------------- sign-in

function showSignIn(error) {
  state.stream?.stop();
  state.stream = undefined;
  state.me = undefined;
  view.chatView.hidden = true;
  view.session.hidden = true;
  view.signInView.hidden = false;
  view.signInError.hidden = !error;
  view.signInError.textContent = error ?? '';
  view.password.value = '';
  view.username.focus();
}

view.signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = view.username.value.trim();
  const password = view.password.value;
  if (username === '' || password === '') {
    view.signInError.textContent = 'Enter a username and a password.';
    view.signInError.hidden = false;
    return;
  }
  view.signInSubmit.disabled = true;
  try {
    const { body } = await api.join(username, password);
    window.localStorage.setItem(userKey, body.username);
    await enterChat(body.username);
    notify(body.created ? `Welcome, ${body.username}: your account is ready.` : `Welcome back, ${body.username}.`);
  } catch (err) {
    view.signInError.textContent = messageOf(err);
    view.signInError.hidden = false;
  } finally {
    view.signInSubmit.disabled = false;
  }
});

async function signOut() {
  try {
    await api.exit();
  } catch {
    // Signed out already, or the server is away: the page forgets the session either way.
  }
  leave();
}

/** Forgets the session in this page: closes the stream, clears what this browser kept, shows the form. */
function leave(error) {
  if (state.me) window.localStorage.removeItem(historyKey(state.me));
  window.localStorage.removeItem(userKey);
  showSignIn(error);
}

view.signOut.addEventListener('click', () => void signOut());

// ---------------------------------------------------------------------------------------------- chat

async function enterChat(name) {
  state.me = name;
  state.users = new Map();
  state.groups = new Map();
  state.ticked = new Set();
  state.messages = new Map();
  state.lastId = undefined;
  view.messages.replaceChildren();
  view.meName.textContent = name;
  view.signInView.hidden = true;
  view.session.hidden = false;
  view.chatView.hidden = false;
  restoreHistory();
  renderPeople();
  renderGroups();
  renderMessagesEmpty();
  await Promise.all([refreshUsers(), refreshGroups()]);
  startStream();
  view.text.focus();
}

function startStream() {
  state.stream?.stop();
  state.stream = new Stream(state.me, state.lastId, {
    message: (msg) => {
      if (state.lastId === undefined || Number(msg.id) > Number(state.lastId)) state.lastId = msg.id;
      addMessage(msg);
      if (msg.kind === 'group' && msg.group && !state.groups.has(msg.group)) void refreshGroups();
    },
    presence: (users) => {
      for (const u of users) state.users.set(u.name, Boolean(u.online));
      renderPeople();
    },
    lost: (info) => {
      notify(info.reason === 'retention'
        ? 'Some older messages were no longer kept by the server and could not be shown.'
        : 'The server no longer knows where this page left off; showing what it still has.', 'warn');
    },
    state: (s) => {
      view.conn.dataset.state = s;
      view.conn.textContent = s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting…' : 'reconnecting…';
    },
    // Presence may have changed while the stream was away.
    opened: () => void Promise.all([refreshUsers(), refreshGroups()]).catch(() => undefined),
    mayReopen: async () => {
      try {
        await api.users();
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          leave('Your session has ended. Please sign in again.');
          return false;
        }
        return true;
      }
    },
  });
  state.stream.start();
}

async function refreshUsers() {
  try {
    const { body } = await api.users();
    applyUsers(body.users);
  } catch (err) {
    handleError(err);
  }
}

function applyUsers(users) {
  state.users = new Map(users.map((u) => [u.name, Boolean(u.online)]));
  for (const name of state.ticked) if (!state.users.has(name)) state.ticked.delete(name);
  renderPeople();
}

async function refreshGroups() {
  try {
    const { body } = await api.groups();
    state.groups = new Map(body.groups.map((g) => [g.name, g]));
    renderGroups();
  } catch (err) {
    handleError(err);
  }
}

function handleError(err) {
  if (err instanceof ApiError && err.status === 401 && state.me) {
    leave('Your session has ended. Please sign in again.');
    return;
  }
  notify(messageOf(err), 'error');
}

function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------- people and groups

function renderPeople() {
  const names = [...state.users.keys()].sort();
  const items = names.map((name) => {
    const online = state.users.get(name);
    const li = el('li', `user-item ${online ? 'online' : 'offline'}`);
    li.dataset.name = name;
    li.dataset.online = String(online);
    const isMe = name === state.me;
    const box = el('input', 'tick');
    box.type = 'checkbox';
    box.checked = state.ticked.has(name);
    box.disabled = isMe;
    box.setAttribute('aria-label', isMe ? 'You are in every group you create' : `Add ${name} to a new group`);
    box.addEventListener('change', () => {
      if (box.checked) state.ticked.add(name);
      else state.ticked.delete(name);
    });
    const target = el('button', 'target');
    target.type = 'button';
    target.disabled = isMe;
    target.setAttribute('aria-pressed', String(view.to.value === name));
    target.append(el('span', 'dot', ''), el('span', 'name', name));
    if (isMe) target.append(el('span', 'you', 'you'));
    target.append(el('span', 'presence', online ? 'online' : 'offline'));
    target.addEventListener('click', () => pickTarget(name));
    li.append(box, target);
    return li;
  });
  view.users.replaceChildren(...items);
  const online = names.filter((n) => n !== state.me && state.users.get(n)).length;
  view.onlineCount.textContent = `${online} online`;
  renderTargets();
}

function renderGroups() {
  const groups = [...state.groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  view.groups.replaceChildren(
    ...groups.map((g) => {
      const li = el('li', 'group-item');
      li.dataset.name = g.name;
      const target = el('button', 'target');
      target.type = 'button';
      target.setAttribute('aria-pressed', String(view.to.value === g.name));
      target.title = g.members.join(', ');
      target.append(el('span', 'kind-dot group', ''), el('span', 'name', g.name), el('span', 'members', `${g.members.length} members`));
      target.addEventListener('click', () => pickTarget(g.name));
      li.append(target);
      return li;
    }),
  );
  view.groupsEmpty.hidden = groups.length > 0;
  renderTargets();
}

/** Keeps the composer's recipient list in step with the people and groups. */
function renderTargets() {
  const chosen = view.to.value;
  const option = (name) => {
    const o = el('option', '', name);
    o.value = name;
    return o;
  };
  view.toUsers.replaceChildren(...[...state.users.keys()].filter((n) => n !== state.me).sort().map(option));
  view.toGroups.replaceChildren(...[...state.groups.keys()].sort().map(option));
  view.to.value = [...view.to.options].some((o) => o.value === chosen) ? chosen : '';
  markTarget();
}

function pickTarget(value) {
  view.to.value = value;
  markTarget();
  closeSidebar();
  view.text.focus();
}

function markTarget() {
  const chosen = view.to.value;
  for (const button of view.sidebar.querySelectorAll('li .target')) {
    button.setAttribute('aria-pressed', String(button.closest('li').dataset.name === chosen));
  }
  view.pickBroadcast.setAttribute('aria-pressed', String(chosen === broadcastTarget));
  view.text.placeholder = chosen === ''
    ? commandPlaceholder
    : chosen === broadcastTarget ? 'Message everyone' : `Message ${chosen}`;
}

view.to.addEventListener('change', markTarget);
// A notice belongs to the last send; typing the next one puts it away.
view.text.addEventListener('input', () => {
  view.notice.hidden = true;
});
view.pickBroadcast.addEventListener('click', () => pickTarget(broadcastTarget));

view.groupForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = view.groupName.value.trim();
  const members = [...state.ticked];
  if (name === '') return notify('Name the group first.', 'error');
  if (members.length === 0) return notify('Tick at least one person for the group.', 'error');
  try {
    const { body } = await api.createGroup(name, members);
    groupCreated(body);
    view.groupName.value = '';
    state.ticked.clear();
    renderPeople();
    pickTarget(body.name);
  } catch (err) {
    handleError(err);
  }
});

function groupCreated(group) {
  state.groups.set(group.name, group);
  renderGroups();
  notify(`Group ${group.name} created with ${group.members.join(', ')}.`);
}

function closeSidebar() {
  view.sidebar.classList.remove('open');
  view.sidebarToggle.setAttribute('aria-expanded', 'false');
}

view.sidebarToggle.addEventListener('click', () => {
  const open = view.sidebar.classList.toggle('open');
  view.sidebarToggle.setAttribute('aria-expanded', String(open));
});

// ---------------------------------------------------------------------------------------------- composer

view.composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = view.text.value;
  const to = view.to.value;
  if (text.trim() === '') return;
  view.text.disabled = true;
  try {
    if (to === '') await runCommand(text);
    else if (to === broadcastTarget) sent(await api.broadcast(text), { kind: 'broadcast', text });
    else sent(await api.send(to, text), { kind: 'send', to, text });
    if (state.me) view.text.value = '';
  } catch (err) {
    handleError(err);
  } finally {
    view.text.disabled = false;
    if (state.me) view.text.focus();
  }
});

async function runCommand(line) {
  const command = readCommand(line);
  if (command.kind === 'exit') {
    await api.command(line).catch(() => undefined);
    leave();
    return;
  }
  const result = await api.command(line);
  const body = result.body ?? {};
  if (Array.isArray(body.users)) {
    applyUsers(body.users);
    const online = body.users.filter((u) => u.online).map((u) => u.name);
    notify(`${body.users.length} people, ${online.length} online: ${online.join(', ') || 'nobody'}.`);
  } else if (Array.isArray(body.members)) {
    groupCreated(body);
  } else if (command.kind === 'send' || command.kind === 'broadcast') {
    sent(result, command);
  }
}

/** Shows a message this user sent: the server does not echo it back on the sender's stream. */
function sent({ body }, command) {
  const base = { id: body.id, from: state.me, text: command.text, sentAt: new Date().toISOString() };
  if (command.kind === 'broadcast') {
    addMessage({ ...base, to: '', kind: 'broadcast' });
    return;
  }
  const to = body.to ?? command.to;
  // Users and groups share one namespace: a name that is no user is a group, perhaps one not listed here yet.
  const group = state.groups.has(to) || !state.users.has(to);
  addMessage(group ? { ...base, to, group: to, kind: 'group' } : { ...base, to, kind: 'direct' });
  if (group && !state.groups.has(to)) void refreshGroups();
}

// ---------------------------------------------------------------------------------------------- messages

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

function addMessage(msg, { save = true } = {}) {
  if (state.messages.has(msg.id)) return;
  state.messages.set(msg.id, msg);
  const list = view.messages;
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const node = renderMessage(msg);
  // Keep the log in id order: a reply of ours may be numbered before messages still on their way to us.
  const later = [...list.children].find((li) => Number(li.dataset.id) > Number(msg.id));
  list.insertBefore(node, later ?? null);
  renderMessagesEmpty();
  if (nearBottom || msg.from === state.me) list.scrollTop = list.scrollHeight;
  if (save) saveHistory();
}

function renderMessage(msg) {
  const mine = msg.from === state.me;
  const li = el('li', `msg ${msg.kind}${mine ? ' mine' : ''}`);
  li.dataset.id = msg.id;
  li.dataset.kind = msg.kind;
  li.dataset.from = msg.from;

  const meta = el('div', 'meta');
  const label = { direct: 'Direct', group: 'Group', broadcast: 'Broadcast' }[msg.kind] ?? msg.kind;
  meta.append(el('span', 'badge', label));
  meta.append(el('span', 'from', mine ? 'you' : msg.from));
  meta.append(el('span', 'arrow', '→'));
  const target = msg.kind === 'broadcast' ? 'everyone' : msg.kind === 'group' ? msg.group ?? msg.to : msg.to === state.me ? 'you' : msg.to;
  meta.append(el('span', `to${msg.kind === 'group' ? ' group-name' : ''}`, target));
  const when = new Date(msg.sentAt);
  const time = el('time', 'when', formatTime(when));
  if (!Number.isNaN(when.getTime())) {
    time.dateTime = when.toISOString();
    time.title = fullFormat.format(when);
  }
  meta.append(time);

  const reply = el('button', 'reply', 'Reply');
  reply.type = 'button';
  reply.hidden = mine || msg.kind === 'broadcast';
  reply.setAttribute('aria-label', msg.kind === 'group' ? `Reply in ${msg.group ?? msg.to}` : `Reply to ${msg.from}`);
  reply.addEventListener('click', () => pickTarget(msg.kind === 'group' ? msg.group ?? msg.to : msg.from));
  meta.append(reply);

  li.append(meta, el('p', 'text', msg.text));
  return li;
}

function formatTime(date) {
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return (sameDay ? timeFormat : dayFormat).format(date);
}

function renderMessagesEmpty() {
  view.messagesEmpty.hidden = state.messages.size > 0;
}

function saveHistory() {
  if (!state.me) return;
  const messages = [...state.messages.values()].sort((a, b) => Number(a.id) - Number(b.id)).slice(-historyLimit);
  try {
    window.localStorage.setItem(historyKey(state.me), JSON.stringify({ lastId: state.lastId, messages }));
  } catch {
    // Storage full or disabled: the page works without it.
  }
}

function restoreHistory() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(historyKey(state.me)) ?? 'null');
    if (!saved || !Array.isArray(saved.messages)) return;
    for (const msg of saved.messages) {
      if (msg && typeof msg.id === 'string' && typeof msg.text === 'string') addMessage(msg, { save: false });
    }
    if (typeof saved.lastId === 'string') state.lastId = saved.lastId;
  } catch {
    window.localStorage.removeItem(historyKey(state.me));
  }
}

// ---------------------------------------------------------------------------------------------- notices

function notify(text, tone = 'info') {
  view.notice.textContent = text;
  view.notice.dataset.tone = tone;
  view.notice.hidden = false;
  clearTimeout(state.noticeTimer);
  state.noticeTimer = setTimeout(() => {
    view.notice.hidden = true;
  }, tone === 'info' ? 5000 : 10_000);
}

// ---------------------------------------------------------------------------------------------- start

async function resume() {
  const name = window.localStorage.getItem(userKey);
  if (!name) return showSignIn();
  try {
    await api.users();
    await enterChat(name);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.localStorage.removeItem(userKey);
      window.localStorage.removeItem(historyKey(name));
      return showSignIn();
    }
    showSignIn(messageOf(err));
  }
}

void resume();
