// The Parley page: sign-in, the list of conversations, one conversation at a time with its history from the
// server, who is online, and a composer with a command-line mode. Every text that comes from the server is put
// into the page as text (textContent), never parsed as HTML.
//
// Messages live on the server. Local storage keeps only the conversation last open and the composer's mode; the
// server says whose session the HttpOnly cookie carries. All tabs of the browser share one stream
// (shared-stream.js).
//
// For keyboard and screen-reader users: every action is a button or a form, focus moves where the next action
// is, new messages are announced once through #announcer (the log itself is no live region), and Escape on a
// phone goes back from the list to the conversation left.

import { AccountPanel } from './account.js';
import { api, ApiError } from './api.js';
import { readCommand } from './command.js';
import { Conversations, everyone } from './conversations.js';
import { applyGroupEvent, describeGroupEvent, GroupPanel } from './group-admin.js';
import { applyMessageChange, editedMark, messageText, ownActions } from './message-changes.js';
import { DesktopNotifier } from './notify.js';
import { SharedStream } from './shared-stream.js';

const keys = {
  mode: 'parley.mode',
  open: (name) => `parley.open.${name}`,
};
/** Messages read per page of history. */
const pageSize = 50;
/** How close to the top of the log (px) scrolling asks for the page before. */
const olderThreshold = 120;
const commandPlaceholder = 'bob: hi · broad: hi · mk_grp:team:bob:carol · get_users · exit';

/** Announcements kept in the live region: a screen reader reads each once as it is added. */
const announcementsKept = 5;

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
  connText: $('conn-text'),
  announcer: $('announcer'),
  meName: $('me-name'),
  signOut: $('sign-out'),
  signInView: $('sign-in-view'),
  signInForm: $('sign-in-form'),
  username: $('username'),
  password: $('password'),
  signInError: $('sign-in-error'),
  signInSubmit: $('sign-in-submit'),
  chatView: $('chat-view'),
  conversations: $('conversations'),
  openCommand: $('open-command'),
  onlineCount: $('online-count'),
  users: $('users'),
  groupForm: $('group-form'),
  groupName: $('group-name'),
  conversation: $('conversation'),
  back: $('back'),
  convAvatar: $('conv-avatar'),
  convTitle: $('conv-title'),
  convSub: $('conv-sub'),
  messages: $('messages'),
  messagesEmpty: $('messages-empty'),
  notice: $('notice'),
  composer: $('composer'),
  modeMessage: $('mode-message'),
  modeCommand: $('mode-command'),
  text: $('text'),
};

const notifier = new DesktopNotifier($('notify'));
const account = new AccountPanel();
document.addEventListener('parley:session-ended', () => leave('Your session has ended. Please sign in again.'));

const groupPanel = new GroupPanel(
  {
    toggle: $('group-manage'), panel: $('group-panel'), list: $('group-members'), addForm: $('group-add'),
    addInput: $('group-add-name'), leave: $('group-leave'), owner: $('group-owner'),
  },
  {
    me: () => state.me,
    group: (name) => state.groups.get(name),
    add: (group, members) => api.addMembers(group, members).then(() => undefined, handleError),
    remove: (group, user) => api.removeMember(group, user).then(() => undefined, handleError),
  },
);

const state = {
  /** The signed-in user's name, or undefined on the sign-in form. */
  me: undefined,
  /** name -> online */
  users: new Map(),
  /** name -> {name, members, createdBy} */
  groups: new Map(),
  /** Names ticked for a new group. */
  ticked: new Set(),
  /** @type {Conversations} */
  convs: new Conversations(''),
  /** The name of the conversation shown, if any. */
  open: undefined,
  /** 'message': the text goes to the open conversation; 'command': it is a line of the command language. */
  mode: 'message',
  /** On a phone, the conversation the back button left: Escape returns to it. */
  left: undefined,
  noticeTimer: undefined,
};

// ---------------------------------------------------------------------------------------------- storage

function stored(key) {
  try {
    return window.localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function store(key, value) {
  try {
    if (value === undefined) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage full or disabled: the page works without it.
  }
}

/**
 * Earlier versions of the page kept the name and the messages in local storage, and then the name in a cookie of
 * its own; the server has both now.
 */
function dropOldStorage() {
  document.cookie = 'parley_user=; Path=/; SameSite=Strict; Max-Age=0';
  try {
    for (const key of Object.keys(window.localStorage)) {
      if (key === 'parley.user' || key.startsWith('parley.history.')) window.localStorage.removeItem(key);
    }
  } catch {
    // nothing kept, nothing to drop
  }
}

// ---------------------------------------------------------------------------------------------- sign-in

function showSignIn(error) {
  state.me = undefined;
  state.open = undefined;
  view.chatView.hidden = true;
  view.session.hidden = true;
  view.signInView.hidden = false;
  view.signInError.hidden = !error;
  view.signInError.textContent = error ?? '';
  view.password.value = '';
  document.title = 'Parley';
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
  stream.stop();
  try {
    await api.exit();
  } catch {
    // Signed out already, or the server is away: the page forgets the session either way.
  }
  leave();
}

/** Forgets the session in this page: closes the stream, clears what this browser kept, shows the form. */
function leave(error) {
  account.close();
  if (state.me) store(keys.open(state.me), undefined);
  showSignIn(error);
}

view.signOut.addEventListener('click', () => void signOut());

// ---------------------------------------------------------------------------------------------- chat

async function enterChat(name) {
  state.me = name;
  state.users = new Map();
  state.groups = new Map();
  state.ticked = new Set();
  state.convs = new Conversations(name);
  state.open = undefined;
  state.convs.ensure(everyone, 'broadcast');
  view.meName.textContent = name;
  view.signInView.hidden = true;
  view.session.hidden = false;
  view.chatView.hidden = false;
  notifier.render();
  setMode(stored(keys.mode) === 'command' ? 'command' : 'message');
  renderAll();
  const [conversations] = await Promise.all([api.conversations(), refreshUsers(), refreshGroups()]);
  state.convs.applyList(conversations.body.conversations);
  renderConversations();
  // From the newest message the list accounts for: whatever came after it comes on the stream.
  stream.start(name, String(state.convs.lastId()));
  const last = stored(keys.open(name));
  if (last && (state.convs.get(last) || state.users.has(last) || state.groups.has(last))) await openConversation(last);
  else view.text.focus();
}

const stream = new SharedStream({
  message: (msg, notify) => {
    if (!state.me) return;
    receive(msg, notify);
    if (msg.kind === 'group' && msg.group && !state.groups.has(msg.group)) void refreshGroups();
  },
  sent: (msg) => receive(msg),
  // Changes to what was delivered, from this user's devices or anyone's.
  change: (change) => {
    if (!state.me) return;
    if (change.type === 'read') readElsewhere(change.data.with, change.data.upTo, false);
    else if (change.type === 'group') groupChanged(change.data);
    else messageChanged(change);
  },
  presence: (users) => {
    if (!state.me) return;
    for (const u of users) state.users.set(u.name, Boolean(u.online));
    renderPeople();
    renderConversations();
    renderHeader();
  },
  lost: (info) => {
    if (!state.me) return;
    notify(info.reason === 'retention'
      ? 'Some older messages were no longer kept by the server and could not be shown.'
      : 'The server\'s store went back in time (restored from a backup or failed over): some messages shown here are no longer kept; newer ones follow.', 'warn');
  },
  state: (s) => {
    view.conn.dataset.state = s;
    view.connText.textContent = s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting…' : 'reconnecting…';
  },
  // Presence, groups and messages sent from other devices may have changed while the stream was away.
  opened: () => {
    if (state.me) void Promise.all([refreshUsers(), refreshGroups(), refreshConversations()]).catch(() => undefined);
  },
  // Another tab read a conversation.
  read: (withName, upTo) => readElsewhere(withName, upTo),
  ended: (reason) => {
    if (!state.me) return;
    leave(reason === 'session' ? 'Your session has ended. Please sign in again.' : undefined);
  },
});

/**
 * Another tab or device read a conversation up to `upTo`. A tab asks the server again when that was short of
 * the newest message; a `read` event from the stream (this page's own marks come back that way too) never
 * does, so that marking read can never set off another round of reading.
 */
function readElsewhere(withName, upTo, refresh = true) {
  const conv = state.me ? state.convs.get(withName) : undefined;
  if (!conv || Number(upTo) <= Number(conv.readUpTo)) return;
  if (Number(upTo) >= conv.lastId) {
    conv.unread = 0;
    conv.readUpTo = Math.max(Number(conv.readUpTo), Number(upTo));
    renderConversations();
  } else if (refresh) {
    void refreshConversations();
  }
}

function groupChanged(data) {
  const outcome = applyGroupEvent(state.groups, state.me, data);
  if (outcome === 'gone') {
    // Left or removed: the group leaves the list; its history up to then stays readable on the server.
    const conv = state.convs.get(data.group);
    if (conv) state.convs.byName.delete(data.group);
    if (state.open === data.group) closeConversation();
  } else {
    state.convs.ensure(data.group, 'group');
  }
  if (data.by !== state.me || outcome === 'joined') notify(describeGroupEvent(state.me, data));
  renderConversations();
  renderHeader();
  groupPanel.render();
}

function messageChanged(change) {
  const msg = applyMessageChange(state.convs, change);
  if (!msg) return;
  const li = view.messages.querySelector(`li.msg[data-id="${CSS.escape(msg.id)}"]`);
  if (li) {
    const hadFocus = li.contains(document.activeElement);
    const fresh = renderMessage(msg);
    li.replaceWith(fresh);
    if (hadFocus) fresh.querySelector('button')?.focus();
  }
  renderConversations();
}

async function editOwn(id, text) {
  try {
    const { body } = await api.editMessage(id, text);
    messageChanged({ type: 'edited', data: { of: id, text: body.text, editedAt: body.editedAt } });
    return true;
  } catch (err) {
    handleError(err);
    return false;
  }
}

async function deleteOwn(id) {
  try {
    await api.deleteMessage(id);
    messageChanged({ type: 'deleted', data: { of: id } });
    return true;
  } catch (err) {
    handleError(err);
    return false;
  }
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
  renderConversations();
  renderHeader();
}

async function refreshGroups() {
  try {
    const { body } = await api.groups();
    state.groups = new Map(body.groups.map((g) => [g.name, g]));
    for (const name of state.groups.keys()) state.convs.ensure(name, 'group');
    renderConversations();
    renderHeader();
  } catch (err) {
    handleError(err);
  }
}

/** Reads the server's list again: read marks from other devices, and anything the stream could not carry. */
async function refreshConversations() {
  if (!state.me) return;
  const me = state.me;
  let body;
  try {
    ({ body } = await api.conversations());
  } catch (err) {
    handleError(err);
    return;
  }
  if (state.me !== me) return;
  for (const conv of state.convs.applyList(body.conversations)) {
    if (conv.name === state.open) void loadNewest(conv);
    else state.convs.unload(conv);
  }
  renderConversations();
  markOpenRead();
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

// ---------------------------------------------------------------------------------------------- messages in

/** A message from the stream, a `sent` event or a send's answer: each id is shown once, whatever its path. */
function receive(msg, notify = false) {
  if (!state.me) return;
  const { conv, added, fresh } = state.convs.add(msg);
  if (!added) return;
  if (conv.name === state.open) {
    insertMessage(msg);
    if (msg.from !== state.me && !msg.deleted) announce(`${msg.from}: ${msg.text}`);
    markOpenRead();
  }
  renderConversations();
  if (notify && fresh && msg.from !== state.me && !msg.deleted) {
    notifier.show(titleOf(conv), conv.kind === 'direct' ? msg.text : `${msg.from}: ${msg.text}`, conv.name, () => void openConversation(conv.name));
  }
}

/** Builds the msgform of a message this page sent, from the server's answer (its id and sentAt). */
function sentByMe({ id, sentAt }, to, kind, text) {
  const msg = { id, from: state.me, to, kind, text, sentAt };
  if (kind === 'group') msg.group = to;
  receive(msg);
}

function markOpenRead() {
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  if (!conv || document.visibilityState === 'hidden') return;
  const upTo = state.convs.markRead(conv);
  if (upTo === undefined) return;
  renderConversations();
  stream.read(conv.name, upTo);
  api.markRead(conv.name, upTo).catch((err) => {
    if (err instanceof ApiError && err.status === 401) handleError(err);
    // Otherwise the mark is made again the next time the conversation is read.
  });
}

document.addEventListener('visibilitychange', () => {
  stream.visible(document.visibilityState !== 'hidden');
  if (document.visibilityState !== 'visible' || !state.me) return;
  markOpenRead();
  void refreshConversations();
});

// ---------------------------------------------------------------------------------------------- conversations

function kindOf(name) {
  if (name === everyone) return 'broadcast';
  return state.groups.has(name) ? 'group' : 'direct';
}

function titleOf(conv) {
  return conv.kind === 'broadcast' ? 'Everyone' : conv.name;
}

/** One of the stylesheet's eight avatar colours, the same for a name on every device (FNV-1a). */
function hueOf(name) {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0;
  return String(h % 8);
}

function avatar(conv, node = el('span', 'avatar')) {
  node.className = `avatar ${conv.kind}`;
  node.setAttribute('aria-hidden', 'true');
  node.dataset.hue = hueOf(conv.name);
  node.textContent = conv.kind === 'broadcast' ? 'All' : conv.name.slice(0, 1).toUpperCase();
  if (conv.kind === 'direct') {
    node.dataset.online = String(Boolean(state.users.get(conv.name)));
    const dot = el('span', 'presence-dot');
    dot.setAttribute('aria-hidden', 'true');
    node.append(dot);
  } else {
    delete node.dataset.online;
  }
  return node;
}

function preview(conv) {
  const last = conv.last;
  if (!last) return conv.kind === 'broadcast' ? 'Messages to everyone' : 'No messages yet';
  const text = last.deleted ? 'Message deleted' : last.text;
  if (last.from === state.me) return `You: ${text}`;
  return conv.kind === 'direct' ? text : `${last.from}: ${text}`;
}

function renderConversations() {
  if (!state.me) return;
  const items = state.convs.sorted().map((conv) => {
    const li = el('li', `conv ${conv.kind}`);
    li.dataset.with = conv.name;
    li.dataset.kind = conv.kind;
    li.dataset.unread = String(conv.unread);
    const button = el('button', 'conv-open');
    button.type = 'button';
    if (conv.name === state.open) button.setAttribute('aria-current', 'true');
    const top = el('span', 'conv-top');
    top.append(el('span', 'conv-name', titleOf(conv)));
    if (conv.last) top.append(timeElement(conv.last.sentAt, 'conv-time', listTime));
    const bottom = el('span', 'conv-bottom');
    bottom.append(el('span', 'conv-last', preview(conv)));
    if (conv.unread > 0) {
      // Read out as "3 unread": the number alone, or its colour, would say nothing.
      const badge = el('span', 'unread', String(conv.unread));
      badge.append(el('span', 'visually-hidden', ' unread'));
      bottom.append(badge);
    }
    const body = el('span', 'conv-body');
    body.append(top, bottom);
    button.append(avatar(conv), body);
    button.addEventListener('click', () => void openConversation(conv.name));
    li.append(button);
    return li;
  });
  view.conversations.replaceChildren(...items);
  const unread = state.convs.totalUnread();
  document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
}

function renderHeader() {
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  view.convAvatar.hidden = !conv;
  view.conversation.dataset.kind = conv?.kind ?? '';
  delete view.convSub.dataset.online;
  groupPanel.show(conv?.kind === 'group' ? conv.name : undefined);
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

async function openConversation(name) {
  if (!state.me) return;
  const conv = state.convs.ensure(name, kindOf(name));
  state.open = name;
  store(keys.open(state.me), name);
  view.chatView.dataset.pane = 'conversation';
  renderConversations();
  renderHeader();
  renderComposer();
  renderLog();
  view.messages.scrollTop = view.messages.scrollHeight;
  markOpenRead();
  view.text.focus();
  if (!conv.loaded) await loadNewest(conv);
}

function closeConversation() {
  state.left = state.open;
  state.open = undefined;
  if (state.me) store(keys.open(state.me), undefined);
  view.chatView.dataset.pane = 'list';
  renderConversations();
  renderHeader();
  renderComposer();
  renderLog();
}

view.back.addEventListener('click', () => {
  const left = state.open;
  closeConversation();
  // Back in the list, on the conversation just left.
  const item = left === undefined ? undefined : view.conversations.querySelector(`li[data-with="${CSS.escape(left)}"] button`);
  (item ?? view.conversations.querySelector('button'))?.focus();
});

const phone = window.matchMedia('(max-width: 720px)');

// Escape closes the list on a phone and goes back to the conversation it was opened from.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || !state.me || !phone.matches || view.chatView.dataset.pane !== 'list') return;
  if (state.left === undefined) return;
  event.preventDefault();
  void openConversation(state.left);
});

/** Reads the newest page of the conversation's history and shows it if the conversation is still open. */
async function loadNewest(conv) {
  if (conv.loading) return;
  conv.loading = true;
  if (conv.name === state.open) renderHistoryState();
  const me = state.me;
  try {
    const { body } = await api.history(conv.name, { limit: pageSize });
    if (state.me !== me) return;
    state.convs.addNewest(conv, body);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && conv.name === state.open) notify(err.message, 'error');
    else handleError(err);
  } finally {
    conv.loading = false;
  }
  if (conv.name !== state.open) return;
  const log = view.messages;
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  renderLog();
  if (nearBottom) log.scrollTop = log.scrollHeight;
  renderConversations();
  markOpenRead();
  fillLog(conv);
}

/** Reads the page before the oldest message shown, and keeps what the reader is looking at where it is. */
async function loadOlder(conv, { fromKeyboard = false } = {}) {
  if (conv.loading || !conv.loaded || !conv.more) return;
  conv.loading = true;
  renderHistoryState();
  const me = state.me;
  let added = [];
  try {
    const { body } = await api.history(conv.name, { before: String(state.convs.oldestId(conv)), limit: pageSize });
    if (state.me !== me) return;
    added = state.convs.addOlder(conv, body);
  } catch (err) {
    handleError(err);
  } finally {
    conv.loading = false;
  }
  if (conv.name !== state.open) return;
  const log = view.messages;
  const fromBottom = log.scrollHeight - log.scrollTop;
  const first = log.querySelector('li.msg');
  for (const msg of added) log.insertBefore(renderMessage(msg), first);
  // The entry above the messages changes height too (the button, or the beginning): measure after it.
  renderHistoryState();
  log.scrollTop = log.scrollHeight - fromBottom;
  if (fromKeyboard) {
    // One line for the whole page read, never each message; focus stays on the button, or goes to the oldest.
    announce(added.length === 1 ? 'Loaded 1 older message.' : `Loaded ${added.length} older messages.`);
    const older = log.querySelector('button.older');
    if (older) older.focus();
    else focusMessage(log.querySelector('li.msg'));
  } else {
    fillLog(conv);
  }
}

function focusMessage(li) {
  if (!li) return;
  li.tabIndex = -1;
  li.focus();
}

/** A log shorter than its box cannot be scrolled up: read on until it fills or the history ends. */
function fillLog(conv) {
  const log = view.messages;
  if (conv.name === state.open && conv.more && log.scrollHeight <= log.clientHeight + olderThreshold) void loadOlder(conv);
}

view.messages.addEventListener('scroll', () => {
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  // Focus on the Load older button scrolls it into view: that is no request to read, the button is.
  const onButton = document.activeElement?.classList.contains('older');
  if (conv && !onButton && view.messages.scrollTop < olderThreshold) void loadOlder(conv);
});

// ---------------------------------------------------------------------------------------------- the log

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const sameDay = (a, b) => a.toDateString() === b.toDateString();

function timeElement(sentAt, className, format) {
  const when = new Date(sentAt);
  const time = el('time', className);
  if (Number.isNaN(when.getTime())) return time;
  time.textContent = format(when);
  time.dateTime = when.toISOString();
  time.title = fullFormat.format(when);
  return time;
}

/** In a message: the time today, the day and time before. */
function logTime(date) {
  return (sameDay(date, new Date()) ? timeFormat : dayFormat).format(date);
}

/** In the list: the time today, the weekday this week, the date before. */
function listTime(date) {
  const now = new Date();
  if (sameDay(date, now)) return timeFormat.format(date);
  return (now.getTime() - date.getTime() < 6 * 24 * 3600 * 1000 ? weekdayFormat : dateFormat).format(date);
}

function renderMessage(msg) {
  const mine = msg.from === state.me;
  const li = el('li', `msg ${msg.kind}${mine ? ' mine' : ''}`);
  li.dataset.id = msg.id;
  li.dataset.kind = msg.kind;
  li.dataset.from = msg.from;
  li.append(el('span', 'from', mine ? 'you' : msg.from), messageText(msg));
  if (msg.deleted) li.classList.add('deleted');
  const foot = el('div', 'msg-foot');
  if (mine) foot.append(...ownActions(li, msg, { edit: editOwn, remove: deleteOwn }));
  if (!mine && !msg.deleted) {
    const reply = el('button', 'reply', 'Reply');
    reply.type = 'button';
    reply.append(el('span', 'visually-hidden', msg.kind === 'broadcast' ? ` to ${msg.from} alone` : ` to ${msg.from}`));
    reply.addEventListener('click', () => void replyTo(msg));
    foot.append(reply);
  }
  foot.append(timeElement(msg.sentAt, 'when', logTime));
  const edited = editedMark(msg);
  if (edited) foot.append(edited);
  li.append(foot);
  return li;
}

/**
 * Answers a message where it came from: in its conversation, or, for a broadcast, to its sender alone (an answer
 * to everyone is a new broadcast). Focus goes to the composer.
 */
async function replyTo(msg) {
  setMode('message');
  if (msg.kind === 'broadcast') await openConversation(msg.from);
  else view.text.focus();
}

/** The first entry of the log: whether older messages are being read, can be, or there are none. */
function historyState() {
  let node = view.messages.querySelector('li.history-state');
  if (!node) {
    node = el('li', 'history-state');
    view.messages.prepend(node);
  }
  return node;
}

function renderHistoryState() {
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  const node = historyState();
  node.hidden = !conv || (conv.messages.size === 0 && !conv.loading);
  if (!conv) return;
  const next = conv.loading ? 'loading' : conv.more ? 'more' : 'start';
  if (node.dataset.state === next && node.dataset.with === conv.name) return;
  const hadFocus = node.contains(document.activeElement);
  node.dataset.state = next;
  node.dataset.with = conv.name;
  if (next === 'more') {
    // Scrolling up reads older messages too; the button is the way without a mouse or a wheel.
    const older = el('button', 'older', 'Load older messages');
    older.type = 'button';
    older.addEventListener('click', () => void loadOlder(conv, { fromKeyboard: true }));
    node.replaceChildren(older);
    if (hadFocus) older.focus();
  } else {
    node.textContent = next === 'loading'
      ? 'Loading messages…'
      : `The beginning of ${conv.kind === 'direct' ? `your conversation with ${conv.name}` : titleOf(conv)}.`;
    // While a page is read, focus waits on the log itself rather than falling back to the page.
    if (hadFocus) view.messages.focus();
  }
}

function renderLog() {
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  const messages = conv ? state.convs.messagesOf(conv) : [];
  view.messages.replaceChildren(...messages.map(renderMessage));
  renderHistoryState();
  renderMessagesEmpty();
}

function insertMessage(msg) {
  const log = view.messages;
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  // In id order: a message sent from here may be numbered before one still on its way.
  const later = [...log.querySelectorAll('li.msg')].find((li) => Number(li.dataset.id) > Number(msg.id));
  log.insertBefore(renderMessage(msg), later ?? null);
  renderHistoryState();
  renderMessagesEmpty();
  if (nearBottom || msg.from === state.me) log.scrollTop = log.scrollHeight;
}

function renderMessagesEmpty() {
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  view.messagesEmpty.hidden = Boolean(conv && (conv.messages.size > 0 || conv.loading));
  view.messagesEmpty.textContent = !conv
    ? state.mode === 'command'
      ? 'Type a line of the command language below.'
      : 'Pick a conversation or a person, or use the command line.'
    : conv.kind === 'broadcast'
      ? 'No broadcasts yet. What you send here reaches everyone.'
      : `No messages yet. Say hello to ${conv.name}.`;
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
    target.title = isMe ? 'You' : `Open the conversation with ${name}`;
    target.append(el('span', 'dot', ''), el('span', 'name', name));
    if (isMe) target.append(el('span', 'you', 'you'));
    target.append(el('span', 'presence', online ? 'online' : 'offline'));
    target.addEventListener('click', () => void openConversation(name));
    li.append(box, target);
    return li;
  });
  view.users.replaceChildren(...items);
  const online = names.filter((n) => n !== state.me && state.users.get(n)).length;
  view.onlineCount.textContent = `${online} online`;
}

view.groupForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = view.groupName.value.trim();
  const members = [...state.ticked];
  if (name === '') return notify('Name the group first.', 'error');
  if (members.length === 0) return notify('Tick at least one person for the group.', 'error');
  try {
    const { body } = await api.createGroup(name, members);
    view.groupName.value = '';
    state.ticked.clear();
    renderPeople();
    await groupCreated(body);
  } catch (err) {
    handleError(err);
  }
});

async function groupCreated(group) {
  state.groups.set(group.name, group);
  state.convs.ensure(group.name, 'group');
  notify(`Group ${group.name} created with ${group.members.join(', ')}.`);
  await openConversation(group.name);
}

// ---------------------------------------------------------------------------------------------- composer

function setMode(mode) {
  state.mode = mode;
  store(keys.mode, mode);
  view.modeMessage.setAttribute('aria-pressed', String(mode === 'message'));
  view.modeCommand.setAttribute('aria-pressed', String(mode === 'command'));
  renderComposer();
  renderHeader();
  renderMessagesEmpty();
}

function renderComposer() {
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  view.composer.dataset.mode = state.mode;
  view.text.setAttribute('aria-label', state.mode === 'command' ? 'Command line' : 'Message');
  view.text.placeholder = state.mode === 'command'
    ? commandPlaceholder
    : conv ? `Message ${titleOf(conv)}` : 'Open a conversation to write';
}

view.modeMessage.addEventListener('click', () => {
  setMode('message');
  view.text.focus();
});
view.modeCommand.addEventListener('click', () => {
  setMode('command');
  view.text.focus();
});
view.openCommand.addEventListener('click', () => {
  setMode('command');
  view.chatView.dataset.pane = 'conversation';
  view.text.focus();
});
// A notice belongs to the last send; typing the next one puts it away.
view.text.addEventListener('input', () => {
  view.notice.hidden = true;
});

view.composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = view.text.value;
  if (text.trim() === '') return;
  const conv = state.open === undefined ? undefined : state.convs.get(state.open);
  if (state.mode === 'message' && !conv) {
    notify('Open a conversation first, or switch to the command line.', 'error');
    return;
  }
  view.text.disabled = true;
  try {
    if (state.mode === 'command') await runCommand(text);
    else if (conv.kind === 'broadcast') sentByMe((await api.broadcast(text)).body, everyone, 'broadcast', text);
    else {
      const { body } = await api.send(conv.name, text);
      sentByMe(body, body.to, conv.kind, text);
    }
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
    stream.stop();
    await api.command(line).catch(() => undefined);
    leave();
    return;
  }
  const { body = {} } = await api.command(line);
  if (Array.isArray(body.users)) {
    applyUsers(body.users);
    const online = body.users.filter((u) => u.online).map((u) => u.name);
    notify(`${body.users.length} people, ${online.length} online: ${online.join(', ') || 'nobody'}.`);
  } else if (Array.isArray(body.members)) {
    await groupCreated(body);
  } else if (command.kind === 'broadcast') {
    sentByMe(body, everyone, 'broadcast', command.text);
    await openConversation(everyone);
  } else if (command.kind === 'send') {
    const to = body.to ?? command.to;
    // Users and groups share one namespace: a name that is no user is a group, perhaps one not listed here yet.
    if (!state.groups.has(to) && !state.users.has(to)) await refreshGroups();
    sentByMe(body, to, state.groups.has(to) || !state.users.has(to) ? 'group' : 'direct', command.text);
    await openConversation(to);
  }
}

// ---------------------------------------------------------------------------------------------- notices

/** Says a line to screen readers, once (a live log: each line added is read, nothing else). */
function announce(text) {
  view.announcer.append(el('p', undefined, text));
  while (view.announcer.childElementCount > announcementsKept) view.announcer.firstElementChild.remove();
}

function notify(text, tone = 'info') {
  view.notice.textContent = text;
  view.notice.dataset.tone = tone;
  view.notice.hidden = false;
  clearTimeout(state.noticeTimer);
  state.noticeTimer = setTimeout(() => {
    view.notice.hidden = true;
  }, tone === 'info' ? 5000 : 10_000);
}

function renderAll() {
  renderPeople();
  renderConversations();
  renderHeader();
  renderComposer();
  renderLog();
}

// ---------------------------------------------------------------------------------------------- start

async function resume() {
  dropOldStorage();
  try {
    const { body } = await api.whoami();
    if (!body.signedIn) return showSignIn();
    await enterChat(body.username);
  } catch (err) {
    showSignIn(messageOf(err));
  }
}

void resume();
