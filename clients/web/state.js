// What the page's modules share, and how they tell each other. A module that owns a part of the page imports no
// other such module: it reads this state, changes it through the methods below, which say what changed, and asks
// for what another one does by a request. Listeners run at once, in the order the modules were imported (app.js).
//
// Changes, said with `emit` once made; any number of modules listen with `on`:
//   signed-in · signed-out {name} · people · groups · conversations · open · mode · blocks: who is blocked
//   level (name): a conversation's notification level · quiet: the quiet time, set or ended
//   device-notifications: this device's setting changed
//   received {conv, msg, fresh, notify}: a message new to the page
//   message-changed (msg): edited, deleted, reacted to, or its quote blanked · replying: the reply being written
//   recount {conv, msg}: a reaction event came for a message whose counts history gave, which may hold it already
//   sent (msg): a message this page sent, from the server's answer · typing: in the composer
//   listed {name, lastId}: the server's lists are read, the stream starts after them
//   signing-out · session-ended (reason) · connection (state) · show-conversation: the pane, on a phone
//   notice {text, tone} · announce (text): to screen readers · failed (error)
//
// Requests, made with `request` and done by the one module that `handle`s them; the promise settles when the
// work is done (a conversation opened and its newest page read, say):
//   enter (name) · sign-out {line?} · show-sign-in (error) · refresh {users, groups, conversations}
//   open-conversation (name) · close-conversation · compose: focus the composer · mark-read
//   load-newest (conv) · load-older {conv, limit}: the page before the oldest held, in the log
//   group-created (group) · notifications-on: on this device, from a click
//   reply-to (msg): write a reply to it · show-message (id): scroll the open log to it, reading back if need be
//   pick-reaction {msg, opener}: the emoji picker for a message, which gives focus back to `opener`

import { Conversations, everyone } from './conversations.js';
import { applyMessageChange } from './message-changes.js';

/** A request in flight: its handler hands back what it started, so that the asker can wait for it. */
class Request extends window.Event {
  constructor(type, detail) {
    super(type);
    this.detail = detail;
    this.done = [];
  }
}

class PageState extends window.EventTarget {
  /** The signed-in user's name, or undefined on the sign-in form. */
  me = undefined;
  /** name -> online */
  users = new Map();
  /** The names of the bot accounts among `users`. */
  bots = new Set();
  /** The names this user blocks: their messages in shared groups show as a placeholder. */
  blocked = new Set();
  /** name -> {name, members, owner, createdBy} */
  groups = new Map();
  /** @type {Conversations} */
  convs = new Conversations('');
  /** The name of the conversation shown, if any. */
  open = undefined;
  /** 'message': the text goes to the open conversation; 'command': it is a line of the command language. */
  mode = 'message';
  /** Until when (epoch ms) the user is not to be disturbed; 0: not quiet. */
  quietUntil = 0;
  /** A conversation asked for from outside the page (conversation-link.js): opened once signed in. */
  linked = undefined;
  /** The message the composer's next message answers, in the open conversation: `{conv, msg}`, or undefined. */
  replying = undefined;

  /** The conversation shown, if any. */
  get current() {
    return this.open === undefined ? undefined : this.convs.get(this.open);
  }

  kindOf(name) {
    if (name === everyone) return 'broadcast';
    return this.groups.has(name) ? 'group' : 'direct';
  }

  on(type, listener) {
    this.addEventListener(type, (event) => listener(event.detail));
  }

  emit(type, detail) {
    this.dispatchEvent(new window.CustomEvent(type, { detail }));
  }

  /** Lets `handler` do what `request(type)` asks; the asker waits for what it returns (a promise, say). */
  handle(type, handler) {
    this.addEventListener(`request:${type}`, (event) => {
      // A listener's exception would be reported and lost: the asker gets it instead.
      try {
        event.done.push(handler(event.detail));
      } catch (err) {
        event.done.push(Promise.reject(err));
      }
    });
  }

  /** Asks for what another module does. Its handler runs at once; the promise settles when what it started has. */
  async request(type, detail) {
    const event = new Request(`request:${type}`, detail);
    this.dispatchEvent(event);
    await Promise.all(event.done);
  }

  /** A fresh state for `name`, with only Everyone in the list until the server's lists are read. */
  signIn(name) {
    this.me = name;
    this.users = new Map();
    this.bots = new Set();
    this.blocked = new Set();
    this.groups = new Map();
    this.convs = new Conversations(name);
    this.open = undefined;
    this.quietUntil = 0;
    this.replying = undefined;
    this.convs.ensure(everyone, 'broadcast');
    this.emit('signed-in');
  }

  signOut() {
    const name = this.me;
    this.me = undefined;
    this.open = undefined;
    this.emit('signed-out', { name });
  }

  /** The server's list of people. */
  setUsers(users) {
    this.users = new Map(users.map((u) => [u.name, Boolean(u.online)]));
    this.bots = new Set(users.filter((u) => u.bot).map((u) => u.name));
    this.emit('people');
  }

  /** Who came online or went offline, from the stream. */
  setPresence(users) {
    for (const u of users) {
      this.users.set(u.name, Boolean(u.online));
      if (u.bot) this.bots.add(u.name);
    }
    this.emit('people');
  }

  /** The server's list of blocked names, or one change to it (from this page or the stream). */
  setBlocked(names) {
    this.blocked = new Set(names);
    this.emit('blocks');
  }

  block(name, blocked) {
    if (this.blocked.has(name) === blocked) return;
    if (blocked) this.blocked.add(name);
    else this.blocked.delete(name);
    this.emit('blocks');
  }

  /** Whether `msg` is hidden behind a placeholder: sent by someone this user blocks. */
  hides(msg) {
    return msg.from !== this.me && this.blocked.has(msg.from);
  }

  /** The server's list of the user's groups: each is a conversation too. */
  setGroups(groups) {
    this.groups = new Map(groups.map((g) => [g.name, g]));
    for (const name of this.groups.keys()) this.convs.ensure(name, 'group');
    this.emit('groups');
  }

  addGroup(group) {
    this.groups.set(group.name, group);
    this.convs.ensure(group.name, 'group');
    this.emit('groups');
  }

  /** A conversation's notification level, from the server's answer or the stream; one the page lists only. */
  setLevel(name, level) {
    const conv = this.convs.get(name);
    if (!conv || conv.level === level) return;
    conv.level = level;
    this.emit('level', name);
    this.emit('conversations');
  }

  /** The quiet time, as the server has it: an ISO date, or null when not quiet. */
  setQuiet(until) {
    const at = until ? Date.parse(until) : 0;
    this.quietUntil = Number.isNaN(at) ? 0 : at;
    this.emit('quiet');
  }

  /** Whether the user is not to be disturbed now. */
  get quiet() {
    return this.quietUntil > Date.now();
  }

  /** Sets (or, with undefined, drops) the message the next message answers. */
  setReplying(replying) {
    if (this.replying === replying) return;
    this.replying = replying;
    this.emit('replying');
  }

  setMode(mode) {
    this.mode = mode;
    this.emit('mode');
  }

  /**
   * An edit, a deletion or a reaction, from the stream or from this page, applied to what the page holds; each
   * message it changed (a deletion blanks the quotes of replies too) is said once.
   */
  changeMessage(change) {
    const changed = applyMessageChange(this.convs, change);
    if (change.type === 'reaction') {
      const held = this.convs.holding(change.data.of);
      if (held && this.convs.countedByHistory.has(held.msg)) this.emit('recount', held);
    }
    if (changed.length === 0) return;
    for (const msg of changed) this.emit('message-changed', msg);
    // The list shows last messages, which a reaction leaves as they were.
    if (change.type !== 'reaction') this.emit('conversations');
  }

  /** Shows the conversation `name` (undefined: none); it must be in `convs` already. */
  setOpen(name) {
    this.open = name;
    this.emit('open');
  }
}

export const state = new PageState();
