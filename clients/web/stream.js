// The user's event stream, on the browser's own EventSource. The browser reconnects by itself after a dropped
// connection (sending Last-Event-ID, after the server's `retry:` delay); this class only steps in when the
// EventSource gives up (readyState CLOSED, e.g. after an error status) and opens a new one from the last id seen.

const firstDelayMs = 1000;
const maxDelayMs = 30_000;

export class Stream {
  /**
   * @param {string} name the signed-in user
   * @param {string|undefined} lastId the last message id already shown, if any
   * @param {{
   *   message(msg: object): void,
   *   sent(msg: object): void,
   *   presence(users: {name:string, online:boolean}[]): void,
   *   lost(info: {reason:string, after:string, through?:string}): void,
   *   change(change: {type: 'group'|'edited'|'deleted'|'reaction'|'read'|'blocks'|'notifications'|'quiet', id: string, data: object}): void,
   *   state(state: 'connecting'|'connected'|'reconnecting'): void,
   *   opened(): void,
   *   mayReopen(): Promise<boolean>,
   * }} on
   */
  constructor(name, lastId, on) {
    this.name = name;
    this.lastId = lastId;
    this.on = on;
    this.source = undefined;
    this.timer = undefined;
    this.delayMs = firstDelayMs;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = undefined;
  }

  open() {
    // The page shows who is online, and what this user sends from their other devices.
    const query = new URLSearchParams({ presence: 'true', sent: 'true' });
    if (this.lastId !== undefined) query.set('lastEventId', this.lastId);
    const source = new EventSource(`/users/${encodeURIComponent(this.name)}/stream?${query}`);
    this.source = source;
    this.on.state('connecting');
    source.addEventListener('open', () => {
      this.delayMs = firstDelayMs;
      this.on.state('connected');
      this.on.opened();
    });
    source.addEventListener('message', (e) => {
      const msg = parse(e.data);
      if (!msg || typeof msg.id !== 'string') return;
      if (this.lastId === undefined || Number(msg.id) > Number(this.lastId)) this.lastId = msg.id;
      this.on.message(msg);
    });
    // The user's own messages, from any device: no id, not part of the resumable sequence.
    source.addEventListener('sent', (e) => {
      const msg = parse(e.data);
      if (msg && typeof msg.id === 'string') this.on.sent(msg);
    });
    source.addEventListener('presence', (e) => {
      const data = parse(e.data);
      if (data && Array.isArray(data.users)) this.on.presence(data.users);
    });
    // Changes to what was delivered: in the resumable sequence, like messages.
    for (const type of ['group', 'edited', 'deleted', 'reaction', 'read', 'blocks', 'notifications', 'quiet']) {
      source.addEventListener(type, (e) => {
        const data = parse(e.data);
        if (!data || typeof e.lastEventId !== 'string' || e.lastEventId === '') return;
        if (this.lastId === undefined || Number(e.lastEventId) > Number(this.lastId)) this.lastId = e.lastEventId;
        this.on.change({ type, id: e.lastEventId, data });
      });
    }
    source.addEventListener('lost', (e) => {
      const data = parse(e.data);
      if (data) this.on.lost(data);
    });
    source.addEventListener('error', () => {
      if (this.stopped || source !== this.source) return;
      this.on.state('reconnecting');
      if (source.readyState === EventSource.CLOSED) this.reopenLater();
    });
  }

  reopenLater() {
    clearTimeout(this.timer);
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, maxDelayMs);
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      // An error status may mean the session ended; the page then asks for a sign-in instead.
      if (!(await this.on.mayReopen())) return;
      if (!this.stopped) this.open();
    }, delay);
  }
}

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
