// One event stream for every tab of a browser. The hub holds the Stream and relays what it brings to each tab
// (its "clients"); it runs in a SharedWorker, or, where the browser has none, in the tab that holds the leader
// lock (shared-stream.js). It knows nothing of the transport: a client is anything with `post(message)`.
//
// Tabs -> hub:  start {name, lastId} · visible {visible} · read {with, upTo} · stop · bye
// Hub -> tabs:  message {msg, notify} · sent {msg} · change {change} · presence {users} · lost {info} · state {state} · opened ·
//               read {with, upTo} · ended {reason: 'session'|'signed-out'}

import { Stream } from './stream.js';

/** Messages kept for a tab that attaches late: what came between its list and its start. */
const replayKept = 200;

export class StreamHub {
  /** @param {() => Promise<boolean>} mayReopen false when the session has ended (the hub then tells every tab) */
  constructor(mayReopen) {
    this.mayReopen = mayReopen;
    /** @type {Map<object, {post(m: object): void, visible: boolean, seenAt: number}>} */
    this.clients = new Map();
    this.name = undefined;
    /** @type {Stream|undefined} */
    this.stream = undefined;
    this.state = 'connecting';
    /** name -> online, as the presence events said */
    this.presence = new Map();
    /** The latest messages and sent messages, oldest first, for replay. */
    this.recent = [];
  }

  /** Registers a client; it is heard from through `receive(key, message)`. */
  attach(key, post) {
    this.clients.set(key, { post, visible: true, seenAt: Date.now() });
  }

  receive(key, data) {
    const client = this.clients.get(key);
    if (!client || !data || typeof data.t !== 'string') return;
    switch (data.t) {
      case 'start':
        this.start(client, data.name, data.lastId);
        break;
      case 'visible':
        client.visible = Boolean(data.visible);
        if (client.visible) client.seenAt = Date.now();
        break;
      case 'read':
        this.others(client, { t: 'read', with: data.with, upTo: data.upTo });
        break;
      case 'stop':
        this.others(client, { t: 'ended', reason: 'signed-out' });
        this.halt();
        break;
      case 'bye':
        this.clients.delete(key);
        if (this.clients.size === 0) this.halt();
        break;
    }
  }

  start(client, name, lastId) {
    if (typeof name !== 'string') return;
    if (this.stream && this.name === name) {
      // Already streaming: this tab gets what came after the list it read, and where things stand.
      const after = Number(lastId ?? 0);
      for (const event of this.recent) if (Number(event.msg.id) > after) client.post({ ...event, notify: false });
      if (this.presence.size > 0)
        client.post({ t: 'presence', users: [...this.presence].map(([n, online]) => ({ name: n, online })) });
      client.post({ t: 'state', state: this.state });
      if (this.state === 'connected') client.post({ t: 'opened' });
      return;
    }
    this.halt();
    this.name = name;
    this.stream = new Stream(name, lastId, {
      message: (msg) => this.relay({ t: 'message', msg }),
      sent: (msg) => this.relay({ t: 'sent', msg }),
      presence: (users) => {
        for (const u of users) this.presence.set(u.name, Boolean(u.online));
        this.all({ t: 'presence', users });
      },
      lost: (info) => this.all({ t: 'lost', info }),
      change: (change) => this.all({ t: 'change', change }),
      state: (state) => {
        this.state = state;
        this.all({ t: 'state', state });
      },
      opened: () => this.all({ t: 'opened' }),
      mayReopen: async () => {
        const ok = await this.mayReopen();
        if (!ok) {
          this.all({ t: 'ended', reason: 'session' });
          this.halt();
        }
        return ok;
      },
    });
    this.stream.start();
  }

  /** Stops the stream and forgets the user. */
  halt() {
    this.stream?.stop();
    this.stream = undefined;
    this.name = undefined;
    this.state = 'connecting';
    this.presence = new Map();
    this.recent = [];
  }

  relay(event) {
    this.recent.push(event);
    if (this.recent.length > replayKept) this.recent.shift();
    // One desktop notification per browser: from the tab seen last, and only when no tab is in view.
    const clients = [...this.clients.values()];
    const noneVisible = clients.every((c) => !c.visible);
    const notifier = noneVisible ? clients.reduce((a, b) => (b.seenAt > a.seenAt ? b : a), clients[0]) : undefined;
    for (const client of clients) client.post({ ...event, notify: client === notifier });
  }

  all(message) {
    for (const client of this.clients.values()) client.post(message);
  }

  others(sender, message) {
    for (const client of this.clients.values()) if (client !== sender) client.post(message);
  }
}

/** Whether the session still holds: false only on a 401 (anything else may pass). */
export async function sessionHolds() {
  try {
    const res = await fetch('/users', {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
    });
    return res.status !== 401;
  } catch {
    return true;
  }
}
