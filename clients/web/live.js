// What comes live from the server, on the one stream this browser's tabs share (shared-stream.js): messages, the
// user's own from other devices, edits, deletions, group changes, read marks, notification levels and quiet
// time, who is online, and the connection's state. And the read marks this page makes, which go to the server and to the other tabs.

import { api, ApiError } from './api.js';
import { applyGroupEvent, describeGroupEvent } from './group-admin.js';
import { SharedStream } from './shared-stream.js';
import { state } from './state.js';

const stream = new SharedStream({
  message: (msg, notify) => {
    if (!state.me) return;
    receive(msg, notify);
    if (msg.kind === 'group' && msg.group && !state.groups.has(msg.group))
      void state.request('refresh', { groups: true });
  },
  sent: (msg) => receive(msg),
  // Changes to what was delivered, from this user's devices or anyone's.
  change: (change) => {
    if (!state.me) return;
    if (change.type === 'read') readElsewhere(change.data.with, change.data.upTo, false);
    else if (change.type === 'group') groupChanged(change.data);
    else if (change.type === 'blocks') state.block(change.data.user, change.data.blocked);
    else if (change.type === 'notifications') state.setLevel(change.data.with, change.data.level);
    else if (change.type === 'quiet') state.setQuiet(change.data.until);
    else state.changeMessage(change);
  },
  presence: (users) => {
    if (state.me) state.setPresence(users);
  },
  lost: (info) => {
    if (!state.me) return;
    state.emit('notice', {
      text:
        info.reason === 'retention'
          ? 'Some older messages were no longer kept by the server and could not be shown.'
          : "The server's store went back in time (restored from a backup or failed over): some messages shown here are no longer kept; newer ones follow.",
      tone: 'warn',
    });
  },
  state: (s) => state.emit('connection', s),
  // Presence, groups and messages sent from other devices may have changed while the stream was away.
  opened: () => {
    if (state.me)
      void state.request('refresh', { users: true, groups: true, conversations: true }).catch(() => undefined);
  },
  // Another tab read a conversation.
  read: (withName, upTo) => readElsewhere(withName, upTo),
  ended: (reason) => {
    if (state.me) state.emit('session-ended', reason);
  },
});

/** A message from the stream, a `sent` event or a send's answer: each id is shown once, whatever its path. */
function receive(msg, notify = false) {
  if (!state.me) return;
  const { conv, added, fresh } = state.convs.add(msg);
  if (!added) return;
  state.emit('received', { conv, msg, fresh, notify });
  if (conv.name === state.open) markOpenRead();
  state.emit('conversations');
}

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
    state.emit('conversations');
  } else if (refresh) {
    void state.request('refresh', { conversations: true });
  }
}

function groupChanged(data) {
  const outcome = applyGroupEvent(state.groups, state.me, data);
  if (outcome === 'gone') {
    // Left or removed: the group leaves the list; its history up to then stays readable on the server.
    state.convs.byName.delete(data.group);
    if (state.open === data.group) void state.request('close-conversation');
  } else {
    state.convs.ensure(data.group, 'group');
  }
  if (data.by !== state.me || outcome === 'joined') state.emit('notice', { text: describeGroupEvent(state.me, data) });
  state.emit('groups');
}

/** Marks the open conversation read, if the page is in view: on the server, and in the other tabs at once. */
function markOpenRead() {
  const conv = state.current;
  if (!conv || document.visibilityState === 'hidden') return;
  const upTo = state.convs.markRead(conv);
  if (upTo === undefined) return;
  state.emit('conversations');
  stream.read(conv.name, upTo);
  api.markRead(conv.name, upTo).catch((err) => {
    if (err instanceof ApiError && err.status === 401) state.emit('failed', err);
    // Otherwise the mark is made again the next time the conversation is read.
  });
}

state.handle('mark-read', markOpenRead);
state.on('sent', (msg) => receive(msg));
state.on('listed', ({ name, lastId }) => stream.start(name, lastId));
// Every tab signs out with this one.
state.on('signing-out', () => stream.stop());

document.addEventListener('visibilitychange', () => {
  stream.visible(document.visibilityState !== 'hidden');
  if (document.visibilityState !== 'visible' || !state.me) return;
  markOpenRead();
  void state.request('refresh', { conversations: true });
});
