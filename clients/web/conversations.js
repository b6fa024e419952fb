// The user's conversations as this page holds them: the server's list, kept current by the stream and by the
// answers to what the user sends, with the pages of history read so far. No DOM and no network here.
//
// Ids are decimal strings that increase across the server, so a message with an id at or below a
// conversation's last id is already counted in that conversation's summary (its last message, its unread count).

import { callsReader } from './mentions.js';

/** The conversation of the broadcasts, `with: broad` on the server. */
export const everyone = 'broad';

/** What the page calls a conversation: Everyone for the broadcasts, else the person's or the group's name. */
export function titleOf(conv) {
  return conv.kind === 'broadcast' ? 'Everyone' : conv.name;
}

/** How many messages a conversation never opened holds (the largest page the server gives). */
const heldBeforeLoad = 200;

/** Ids have at most 15 digits: exact as numbers. */
const num = (id) => Number(id);

/** The conversation a msgform belongs to, as `me` sees it. */
export function conversationOf(msg, me) {
  if (msg.kind === 'broadcast') return everyone;
  if (msg.kind === 'group') return msg.group ?? msg.to;
  return msg.from === me ? msg.to : msg.from;
}

/**
 * @typedef {{
 *   name: string, kind: 'direct'|'group'|'broadcast',
 *   last: object|undefined, lastId: number, unread: number, readUpTo: number,
 *   messages: Map<string, object>, loaded: boolean, more: boolean, loading: boolean,
 *   level: 'all'|'mentions'|'none'|undefined, mentionId: number,
 * }} Conversation
 * `messages` holds what the page has of the conversation: once `loaded`, an unbroken run from its oldest entry
 * to the newest message; `more` says whether the server keeps older ones. `level` is the user's notification
 * level, as the server said (undefined: not said yet, so the kind's default); `mentionId` the newest message
 * seen that calls the user (0: none), unread while it is after `readUpTo`.
 */

/** A conversation's notification level when the user never set one, as the server has it. */
export const defaultLevel = (kind) => (kind === 'broadcast' ? 'none' : 'all');

/** The level that holds for a conversation. */
export const levelOf = (conv) => conv.level ?? defaultLevel(conv.kind);

/** Whether a message that calls the user is unread in the conversation. */
export const mentioned = (conv) => conv.mentionId > num(conv.readUpTo);

export class Conversations {
  /** @param {string} me the signed-in user */
  constructor(me) {
    this.me = me;
    /** @type {Map<string, Conversation>} */
    this.byName = new Map();
    /**
     * The messages held as a page of history gave them, their reaction counts with them. Those counts may
     * already hold changes whose `reaction` events are still to come (reactions.js); the counts of a message
     * from the stream or a send are the events' alone.
     * @type {WeakSet<object>}
     */
    this.countedByHistory = new WeakSet();
  }

  /** @returns {Conversation|undefined} */
  get(name) {
    return this.byName.get(name);
  }

  /** The conversation of that name, made empty if the page has none yet. */
  ensure(name, kind) {
    let conv = this.byName.get(name);
    if (!conv) {
      conv = {
        name,
        kind,
        last: undefined,
        lastId: 0,
        unread: 0,
        readUpTo: 0,
        messages: new Map(),
        loaded: false,
        more: false,
        loading: false,
        level: undefined,
        mentionId: 0,
      };
      this.byName.set(name, conv);
    }
    return conv;
  }

  /** The conversation that holds the message `id`, and the message (or the summary's last message). */
  holding(id) {
    for (const conv of this.byName.values()) {
      const msg = conv.messages.get(id) ?? (conv.last?.id === id ? conv.last : undefined);
      if (msg) return { conv, msg };
    }
    return undefined;
  }

  /** Most recent first; those without a message after them, by name, as the server sorts them. */
  sorted() {
    return [...this.byName.values()].sort((a, b) => b.lastId - a.lastId || a.name.localeCompare(b.name));
  }

  /** The highest message id the page accounts for (0: none). */
  lastId() {
    let max = 0;
    for (const conv of this.byName.values()) max = Math.max(max, conv.lastId);
    return max;
  }

  totalUnread() {
    let total = 0;
    for (const conv of this.byName.values()) total += conv.unread;
    return total;
  }

  /**
   * Takes the server's list. Where the server knows as much as the page or more, its summary wins (it carries
   * read marks made on other devices); where the page has newer messages from the stream, the page keeps its own.
   * @returns {Conversation[]} loaded conversations the server knows newer messages of: their pages have a gap.
   */
  applyList(entries) {
    const behind = [];
    for (const entry of entries) {
      const conv = this.ensure(entry.with, entry.kind);
      conv.kind = entry.kind;
      if (entry.notifications !== undefined) conv.level = entry.notifications;
      // The list tells only of the last message: one that calls the user, unread, marks the conversation.
      if (entry.unread > 0) this.noteMention(conv, entry.last);
      const serverLast = entry.last ? num(entry.last.id) : 0;
      if (serverLast < conv.lastId) {
        conv.readUpTo = Math.max(conv.readUpTo, num(entry.readUpTo));
        continue;
      }
      if (serverLast > conv.lastId && conv.loaded) behind.push(conv);
      conv.last = entry.last;
      conv.lastId = serverLast;
      conv.unread = entry.unread;
      conv.readUpTo = num(entry.readUpTo);
    }
    return behind;
  }

  /**
   * Adds one message from the stream or from a send's answer.
   * @returns {{conv: Conversation, added: boolean, fresh: boolean}} `added`: it is new to the page's messages;
   *   `fresh`: it is newer than anything the conversation's summary counted (so it changed last and unread).
   */
  add(msg) {
    const conv = this.ensure(conversationOf(msg, this.me), msg.kind);
    const id = num(msg.id);
    const fresh = id > conv.lastId;
    // Below the oldest message of a loaded run it would leave a gap: the page before brings it instead. Before
    // the first page is read anything goes; addNewest keeps what that page reaches back to.
    const fits = fresh || !conv.loaded || id > this.oldestId(conv);
    if (conv.messages.has(msg.id) || !fits) return { conv, added: false, fresh: false };
    conv.messages.set(msg.id, msg);
    // Never opened: the newest page of history will have what matters, so hold no more than a page could.
    if (!conv.loaded && conv.messages.size > heldBeforeLoad) conv.messages.delete(String(this.oldestId(conv)));
    if (fresh) {
      conv.last = msg;
      conv.lastId = id;
      if (msg.from !== this.me) conv.unread += 1;
    }
    this.noteMention(conv, msg);
    return { conv, added: true, fresh };
  }

  /**
   * Takes the newest page of a conversation's history. On the first page, or when the page does not reach back
   * to what is held (a gap), what is held older than the page goes, so that what stays is an unbroken run.
   * @returns {object[]} the messages new to the page, oldest first
   */
  addNewest(conv, page) {
    const first = page.messages[0];
    const gap = conv.loaded && first !== undefined && page.more && num(first.id) > this.newestId(conv);
    if (!conv.loaded || gap) {
      // What was held is not yet (or no longer) an unbroken run: keep only what the page reaches back to.
      if (first !== undefined && page.more) {
        for (const id of [...conv.messages.keys()]) if (num(id) < num(first.id)) conv.messages.delete(id);
      }
      conv.more = page.more;
    }
    // Otherwise the page overlaps the run held, whose own oldest page said whether more is kept.
    conv.loaded = true;
    if (page.notifications !== undefined) conv.level = page.notifications;
    const added = this.merge(conv, page.messages);
    const newest = page.messages.at(-1);
    if (newest && num(newest.id) > conv.lastId) {
      conv.last = newest;
      conv.lastId = num(newest.id);
    }
    return added;
  }

  /** Takes a page of older messages (asked for with `before` = oldestId). @returns {object[]} oldest first */
  addOlder(conv, page) {
    conv.more = page.more;
    return this.merge(conv, page.messages);
  }

  /** Forgets the messages held, so that history is read again when the conversation is opened. */
  unload(conv) {
    conv.messages = new Map();
    conv.loaded = false;
    conv.more = false;
  }

  /**
   * Marks the conversation read up to its last message, if anything in it is unread.
   * @returns {string|undefined} the id to send to the server, or undefined when nothing changed
   */
  markRead(conv) {
    if (conv.unread === 0 || !conv.last) return undefined;
    conv.unread = 0;
    conv.readUpTo = Math.max(conv.readUpTo, conv.lastId);
    return conv.last.id;
  }

  /** @returns {object[]} oldest first */
  messagesOf(conv) {
    return [...conv.messages.values()].sort((a, b) => num(a.id) - num(b.id));
  }

  oldestId(conv) {
    let min = Infinity;
    for (const id of conv.messages.keys()) min = Math.min(min, num(id));
    return min;
  }

  newestId(conv) {
    let max = 0;
    for (const id of conv.messages.keys()) max = Math.max(max, num(id));
    return max;
  }

  merge(conv, messages) {
    const added = messages.filter((m) => !conv.messages.has(m.id));
    for (const m of added) {
      conv.messages.set(m.id, m);
      this.countedByHistory.add(m);
      this.noteMention(conv, m);
    }
    return added;
  }

  /** Remembers `msg` as the newest that calls the user, if it does and is newer. */
  noteMention(conv, msg) {
    if (callsReader(msg, this.me)) conv.mentionId = Math.max(conv.mentionId, num(msg.id));
  }
}
