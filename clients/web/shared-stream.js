// The page's side of the one stream per browser (stream-hub.js). Over HTTP/1.1 a browser opens at most six
// connections to a host, so a stream per tab would leave the seventh tab waiting for ever. Where the browser has
// SharedWorker, a worker holds the stream for every tab; elsewhere the tab holding a Web Lock holds it and relays
// over a BroadcastChannel, and when that tab closes the next one takes the lock and resumes from the last id it
// was relayed. Without either, each tab holds its own.

import { sessionHolds, StreamHub } from './stream-hub.js';

const lockName = 'parley-stream';

export class SharedStream {
  /**
   * @param {{
   *   message(msg: object, notify: boolean): void, sent(msg: object): void,
   *   presence(users: {name:string, online:boolean}[]): void, lost(info: object): void, change(change: object): void,
   *   state(state: 'connecting'|'connected'|'reconnecting'): void, opened(): void,
   *   read(withName: string, upTo: string): void, ended(reason: 'session'|'signed-out'): void,
   * }} on
   */
  constructor(on) {
    this.on = on;
    /** The last stream message id this tab was given: where a stream it takes over resumes. */
    this.lastId = undefined;
    this.startMessage = undefined;
    this.visibleMessage = { t: 'visible', visible: document.visibilityState !== 'hidden' };
    this.post = this.connect();
    this.post(this.visibleMessage);
    window.addEventListener('pagehide', () => this.post({ t: 'bye' }));
  }

  /** Starts (or joins) the stream of `name`, from `lastId`, the newest message id the page accounts for. */
  start(name, lastId) {
    if (this.lastId === undefined || Number(lastId) > Number(this.lastId)) this.lastId = lastId;
    this.startMessage = { t: 'start', name, lastId };
    this.post(this.startMessage);
  }

  /** Signs every tab out: the stream stops and the other tabs show the sign-in form. */
  stop() {
    this.startMessage = undefined;
    this.post({ t: 'stop' });
  }

  /** Tells the other tabs that a conversation was read up to `upTo`. */
  read(withName, upTo) {
    this.post({ t: 'read', with: withName, upTo });
  }

  visible(visible) {
    this.visibleMessage = { t: 'visible', visible };
    this.post(this.visibleMessage);
  }

  deliver(data) {
    if (!data || typeof data.t !== 'string') return;
    switch (data.t) {
      case 'message':
        if (this.lastId === undefined || Number(data.msg.id) > Number(this.lastId)) this.lastId = data.msg.id;
        if (this.startMessage) this.startMessage.lastId = this.lastId;
        this.on.message(data.msg, Boolean(data.notify));
        break;
      case 'sent':
        this.on.sent(data.msg);
        break;
      case 'change':
        if (this.lastId === undefined || Number(data.change.id) > Number(this.lastId)) this.lastId = data.change.id;
        if (this.startMessage) this.startMessage.lastId = this.lastId;
        this.on.change(data.change);
        break;
      case 'presence':
        this.on.presence(data.users);
        break;
      case 'lost':
        this.on.lost(data.info);
        break;
      case 'state':
        this.on.state(data.state);
        break;
      case 'opened':
        this.on.opened();
        break;
      case 'read':
        this.on.read(data.with, data.upTo);
        break;
      case 'ended':
        this.startMessage = undefined;
        this.on.ended(data.reason);
        break;
    }
  }

  /** @returns {(message: object) => void} how this tab talks to the hub */
  connect() {
    if (typeof SharedWorker === 'function') {
      try {
        const worker = new SharedWorker(new URL('stream-worker.js', import.meta.url), {
          type: 'module',
          name: lockName,
        });
        worker.port.addEventListener('message', (e) => this.deliver(e.data));
        worker.port.start();
        return (message) => worker.port.postMessage(message);
      } catch {
        // Refused (a sandbox, a policy): the other ways below.
      }
    }
    if (navigator.locks && typeof BroadcastChannel === 'function') return this.connectByLeader();
    const hub = new StreamHub(sessionHolds);
    hub.attach(this, (message) => this.deliver(message));
    return (message) => hub.receive(this, message);
  }

  connectByLeader() {
    const id = crypto.randomUUID();
    const channel = new BroadcastChannel(lockName);
    /** @type {StreamHub|undefined} set while this tab leads */
    let hub;
    channel.addEventListener('message', (e) => {
      const { to, from, leader, message } = e.data ?? {};
      if (hub && from !== undefined) {
        if (!hub.clients.has(from)) hub.attach(from, (m) => channel.postMessage({ to: from, message: m }));
        hub.receive(from, message);
      } else if (!hub && leader) {
        // A new leader knows nothing of this tab yet.
        channel.postMessage({ from: id, message: this.visibleMessage });
        if (this.startMessage) channel.postMessage({ from: id, message: this.startMessage });
      } else if (!hub && to === id) {
        this.deliver(message);
      }
    });
    void navigator.locks.request(lockName, () => {
      hub = new StreamHub(sessionHolds);
      hub.attach(id, (m) => this.deliver(m));
      hub.receive(id, this.visibleMessage);
      if (this.startMessage) hub.receive(id, this.startMessage);
      channel.postMessage({ leader: id });
      // Held until the tab goes: then the browser gives the lock to the next tab waiting.
      return new Promise(() => undefined);
    });
    return (message) => {
      if (hub) hub.receive(id, message);
      else channel.postMessage({ from: id, message });
    };
  }
}
