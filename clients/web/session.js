// A session in this page, from sign-in to sign-out: entering the chat (a fresh state, the server's lists, the
// stream from where they end, the conversation last open), leaving it (signed out here or elsewhere, or the
// session ended), and reading the server's lists again when they may have changed.

import { api, ApiError } from './api.js';
import { state } from './state.js';
import { dropOldStorage, keys, stored } from './storage.js';

const sessionEnded = 'Your session has ended. Please sign in again.';
const messageOf = (err) => (err instanceof Error ? err.message : String(err));
const failed = (err) => state.emit('failed', err);

async function enter(name) {
  state.signIn(name);
  state.setMode(stored(keys.mode) === 'command' ? 'command' : 'message');
  const [conversations] = await Promise.all([
    api.conversations(),
    refreshUsers(),
    refreshGroups(),
    refreshBlocks(),
    refreshQuiet(),
  ]);
  state.convs.applyList(conversations.body.conversations);
  state.emit('conversations');
  // From the newest message the list accounts for: whatever came after it comes on the stream.
  state.emit('listed', { name, lastId: String(state.convs.lastId()) });
  // A conversation linked from outside (a notification's click) comes before the one last open.
  const last = state.linked ?? stored(keys.open(name));
  state.linked = undefined;
  if (last && (state.convs.get(last) || state.users.has(last) || state.groups.has(last)))
    await state.request('open-conversation', last);
  else await state.request('compose');
}

/** Forgets the session in this page and shows the sign-in form, saying `error` if there is one. */
function leave(error) {
  state.signOut();
  void state.request('show-sign-in', error);
}

/**
 * Signs out on the server, by the button or the command line's `exit`, and every tab of this browser with it;
 * `said` is shown on the sign-in form (the account was deleted, say).
 */
async function signOut({ line, said } = {}) {
  state.emit('signing-out');
  try {
    await (line === undefined ? api.exit() : api.command(line));
  } catch {
    // Signed out already, or the server is away: the page forgets the session either way.
  }
  leave(said);
}

async function refreshUsers() {
  try {
    const { body } = await api.users();
    state.setUsers(body.users);
  } catch (err) {
    failed(err);
  }
}

async function refreshBlocks() {
  try {
    const { body } = await api.blocks();
    state.setBlocked(body.blocked);
  } catch (err) {
    failed(err);
  }
}

async function refreshQuiet() {
  try {
    const { body } = await api.quiet();
    state.setQuiet(body.until);
  } catch (err) {
    failed(err);
  }
}

async function refreshGroups() {
  try {
    const { body } = await api.groups();
    state.setGroups(body.groups);
  } catch (err) {
    failed(err);
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
    failed(err);
    return;
  }
  if (state.me !== me) return;
  for (const conv of state.convs.applyList(body.conversations)) {
    if (conv.name === state.open) void state.request('load-newest', conv);
    else state.convs.unload(conv);
  }
  state.emit('conversations');
  void state.request('mark-read');
}

state.handle('enter', enter);
state.handle('sign-out', signOut);
state.handle('refresh', ({ users, groups, conversations }) =>
  Promise.all([
    users && refreshUsers(),
    users && refreshBlocks(),
    groups && refreshGroups(),
    conversations && refreshConversations(),
  ]),
);

// Whatever fails says so in the notice line; a 401 means the session is gone, and the page asks for a sign-in.
state.on('failed', (err) => {
  if (err instanceof ApiError && err.status === 401 && state.me) leave(sessionEnded);
  else state.emit('notice', { text: messageOf(err), tone: 'error' });
});
state.on('session-ended', (reason) => leave(reason === 'session' ? sessionEnded : undefined));
document.addEventListener('parley:session-ended', () => leave(sessionEnded));

/** Enters the chat if the cookie still carries a session, else shows the sign-in form. */
export async function resume() {
  dropOldStorage();
  try {
    const { body } = await api.whoami();
    if (!body.signedIn) return state.request('show-sign-in');
    await enter(body.username);
  } catch (err) {
    await state.request('show-sign-in', messageOf(err));
  }
}
