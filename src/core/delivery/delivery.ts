import { ChatError } from '../errors.js';
import { MsgformEncoder, type Message, type QueuedMsgform, type StoredEvent } from '../msgform.js';
import type { Appended, Feed, NewMessage, QueueStore } from '../ports/index.js';
import { Admission, type StreamLimits } from './admission.js';
import { CatchUp } from './catch-up.js';
import { FanOutOrder } from './fan-out-order.js';
import { Reader } from './reader.js';
import { SlowConsumers } from './slow-consumers.js';
import { StreamSession, type EndReason, type SessionEndReason, type StreamSink } from './stream-session.js';

export interface DeliveryLimits extends StreamLimits {
  /** Undelivered direct and group messages a user may have waiting; past it sends to them are refused. @default 10_000 */
  readonly queueLimit: number;
  /**
   * How long a stream may stay full (its client reads nothing while messages wait) before it is closed (ms).
   * Nothing is lost: a reconnect with Last-Event-ID reads on from the store. @default 30_000
   */
  readonly slowConsumerMs?: number;
  /** Messages a stream that is behind reads from the store at a time. @default 500 */
  readonly pageSize?: number;
}

export interface DeliveryHooks {
  readonly onError?: (err: unknown, user: string) => void;
  /** The store's last id is below one this process saw: it went back in time (restarted from older files, failed over). */
  readonly onWentBack?: (lastId: number, seenId: number) => void;
}

/** A message as stored: its id, and when it was sent (the first send's, for a retry with the same key). */
export interface Stored {
  readonly id: number;
  readonly sentAt: number;
}

/** How a send is stored. */
export interface Sending {
  /** A retry with the same key by the same sender gets the first send's id; nothing is stored twice. */
  readonly idempotencyKey?: string;
  /** The sender's session, for the store to check as it writes (NewMessage.session); absent: checked already. */
  readonly session?: string;
}

export interface StreamOptions {
  /** The client's Last-Event-ID: send what follows it. Absent: what was never written to any stream of the user. */
  readonly resumeAfter?: number;
  /** Whether the stream carries presence events. @default false */
  readonly presence?: boolean;
  /** Whether the stream carries the user's own messages as `sent` events. @default false */
  readonly sent?: boolean;
}

/**
 * Delivers messages to streams. Each stream is a cursor over its user's messages in the store: while it is live
 * (caught up, its transport taking writes) new messages are written to it as the feed tells of them; once it
 * falls behind (its transport is full, or it opens with a backlog) it reads from the store, in pages, from its
 * own position, until it has caught up and is live again. So every stream of a user gets every message after
 * its position, whatever the others do, and memory holds no message beyond the write in progress.
 *
 * Messages and events are written to the store here and fanned out from the feed only (see `followFeed`),
 * whichever process accepted them, so that every process writes in the store's order. A process alone on its
 * store has a feed of one; the path is the same.
 */
export class Delivery {
  private readonly readers = new Map<string, Reader>();
  /** Users with at least one stream open here: what a broadcast fans out to. */
  private readonly online = new Map<string, Reader>();
  private lastAssignedId = 0;
  private openStreams = 0;
  private deliveries = 0;
  private readonly admission: Admission;
  private readonly slow: SlowConsumers;
  private readonly order: FanOutOrder;
  private readonly catchUp: CatchUp;
  private readonly onError: (err: unknown, user: string) => void;

  constructor(
    private readonly store: QueueStore,
    private readonly feed: Feed,
    private readonly limits: DeliveryLimits,
    private readonly hooks: DeliveryHooks = {},
  ) {
    this.onError = hooks.onError ?? (() => {});
    this.admission = new Admission(feed, limits);
    this.slow = new SlowConsumers(limits.slowConsumerMs, (session) => this.end(session, 'slow_consumer'));
    this.order = new FanOutOrder((err) => this.onError(err, ''));
    this.catchUp = new CatchUp({
      store,
      pageSize: limits.pageSize ?? 500,
      lastAssignedId: () => this.lastAssignedId,
      write: (r, session, entry) => this.write(r, session, entry),
      end: (session, reason) => this.end(session, reason),
      onError: this.onError,
    });
  }

  /** The store's last id (on start, once the feed runs): every later id reaches this process through the feed. */
  restore(lastMessageId: number): void {
    this.appended(lastMessageId);
  }

  /** Whether the user has a stream open on this process. */
  isOnline(name: string): boolean {
    return this.online.has(name);
  }

  /** Who is online now, on any process. */
  async onlineNow(): Promise<(name: string) => boolean> {
    const online = await this.feed.onlineUsers();
    return (name) => online.has(name);
  }

  /**
   * Stores a direct or group message for its recipients; queue_full when a recipient cannot take it. Resolves
   * once the store has made it durable; the feed has then told of it, and it is on its way to live streams.
   */
  async send(draft: Omit<Message, 'id'>, recipients: readonly string[], how: Sending = {}): Promise<Stored> {
    return this.append({ ...draft, recipients, queueLimit: this.limits.queueLimit, session: how.session }, how);
  }

  /**
   * Stores a broadcast once, in the store's shared log. Its cost in the store does not depend on the number of
   * users; offline users read it when they come back.
   */
  async broadcast(draft: Omit<Message, 'id' | 'kind'>, how: Sending = {}): Promise<Stored> {
    return this.append({ ...draft, kind: 'broadcast', recipients: [], session: how.session }, how);
  }

  /** Appends once per Idempotency-Key of the sender when there is one. */
  private async append(message: NewMessage, { idempotencyKey }: Sending): Promise<Appended> {
    const appended =
      idempotencyKey === undefined
        ? { id: await this.store.appendMessage(message), replayed: false, sentAt: message.sentAt }
        : await this.store.appendMessageOnce(message, idempotencyKey);
    this.appended(appended.id);
    return appended;
  }

  /**
   * Makes a change through `write`, which stores it and appends its events in one step (the feed tells of
   * them) and resolves with their ids; resolves with the ids, or undefined when the store made no change.
   */
  async change(write: () => Promise<readonly number[] | undefined>): Promise<readonly number[] | undefined> {
    const ids = await write();
    for (const id of ids ?? []) this.appended(id);
    return ids;
  }

  /**
   * Writes a stored message to the live streams of its recipients here, and to its sender's streams that show
   * what they sent: called for every message the feed tells of, in its order.
   */
  distribute(message: Message, recipients: readonly string[]): void {
    this.appended(message.id);
    this.order.run(message.kind === 'broadcast', () => {
      const encoder = new MsgformEncoder(message);
      if (message.kind === 'broadcast') {
        for (const r of this.online.values()) if (r.name !== message.from) this.fanOut(r, encoder);
      } else {
        for (const name of recipients) {
          const r = this.online.get(name);
          if (r) this.fanOut(r, encoder);
        }
      }
      this.echo(message.from, encoder, addressedBySender(message, recipients));
    });
  }

  /**
   * Writes a stored event to the live streams of its recipients here, in id order with the messages: called
   * for every event the feed tells of. The entry is one for all of them: the same data, encoded once.
   */
  distributeEvent(event: StoredEvent, recipients: readonly string[]): void {
    this.appended(event.id);
    this.order.run(false, () => {
      const entry: QueuedMsgform = { id: event.id, sentAt: event.at, json: event.json, type: event.type };
      for (const name of recipients) {
        const r = this.online.get(name);
        if (r) this.fanOutEntry(r, entry);
      }
    });
  }

  /**
   * Reads again, from the store, for every stream: the feed may have missed events (its connection was cut),
   * and a live stream would wait for them for ever.
   */
  reread(): void {
    this.checkLastId(this.lastAssignedId);
    for (const r of this.online.values()) {
      for (const session of r.streams) {
        if (session.full) continue;
        session.live = false;
        void this.catchUp.catchUp(r, session, true);
      }
    }
  }

  /**
   * Compares the store's last id with the highest this process saw: lower, the store went back in time. The feed
   * may be back before the store's own connection is: an unreachable store is asked again after its retry hint.
   */
  private checkLastId(seen: number): void {
    this.store.lastMessageId().then(
      (id) => {
        if (id < seen) this.hooks.onWentBack?.(id, seen);
        this.appended(id);
      },
      (err: unknown) => {
        if (err instanceof ChatError && err.code === 'unavailable')
          setTimeout(() => this.checkLastId(seen), err.retryAfterMs ?? 1_000).unref();
      },
    );
  }

  /**
   * Refuses a new stream of `name` past the per-user limit (over every process) or the total one, else counts
   * it; await it right before `open`.
   */
  admit(name: string): Promise<void> {
    return this.admission.admit(this.reader(name), this.openStreams);
  }

  /**
   * Opens a stream at its position and sends the first page of what follows; then it goes on by itself. Rejects,
   * detaching the stream, when it is refused or the store cannot be read.
   */
  async open(name: string, sessionId: string, sink: StreamSink, options: StreamOptions = {}): Promise<StreamSession> {
    const r = this.reader(name);
    const session = new StreamSession(name, sessionId, sink, options.presence ?? false, options.sent ?? false);
    // Attached at once, before any await: a message fanned out meanwhile marks the reader, and the first read
    // then goes on until it has it.
    r.streams.add(session);
    this.online.set(name, r);
    this.openStreams++;
    session.counted = this.admission.consume(r);
    sink.onDrain(() => {
      this.slow.drained(session);
      session.full = false;
      void this.catchUp.catchUp(r, session);
    });
    try {
      await this.join(r, session, options.resumeAfter);
      await this.catchUp.position(r, session, options.resumeAfter);
      await this.catchUp.readOn(r, session);
    } catch (err) {
      this.close(session);
      throw err;
    }
    return session;
  }

  /** Counts the stream if `admit` did not, and learns where the user's streams on every process got to. */
  private async join(r: Reader, session: StreamSession, resumeAfter: number | undefined): Promise<void> {
    if (!session.counted) {
      await this.admission.count(r);
      session.counted = true;
      // Its transport ended while it was being counted, before close could see it counted.
      if (session.closed) this.feed.streamClosed(r.name);
    }
    const [deliveredId, lastId] = await Promise.all([
      this.store.deliveredId(r.name),
      resumeAfter !== undefined && resumeAfter > this.lastAssignedId ? this.store.lastMessageId() : 0,
    ]);
    if (deliveredId > r.deliveredId) r.deliveredId = deliveredId;
    this.appended(lastId);
  }

  /** Detaches a stream whose transport ended; the last one anywhere takes the user offline. */
  close(session: StreamSession): void {
    const r = this.readers.get(session.user);
    if (!r || !r.streams.delete(session)) return;
    this.openStreams--;
    this.slow.drained(session);
    session.closed = true;
    if (session.counted) this.feed.streamClosed(r.name);
    if (r.streams.size === 0) this.online.delete(r.name);
  }

  /** Forgets what this process knew of a deleted user with no stream left here: a user who takes the name later starts from nothing. */
  forget(name: string): void {
    if (this.readers.get(name)?.streams.size === 0) this.readers.delete(name);
  }

  /** Ends every stream opened through one session (on exit, or when another session revoked it). */
  endSession(name: string, sessionId: string, reason: SessionEndReason = 'exit'): void {
    for (const session of [...(this.readers.get(name)?.streams ?? [])]) {
      if (session.sessionId === sessionId) this.end(session, reason);
    }
  }

  /** Ends every stream of a user (every session of theirs ended). */
  endSessionsOf(name: string): void {
    for (const session of [...(this.readers.get(name)?.streams ?? [])]) this.end(session, 'exit');
  }

  /** Ends every stream (on shutdown). */
  endAll(): void {
    for (const r of [...this.online.values()]) for (const session of [...r.streams]) this.end(session, 'shutdown');
  }

  /**
   * Writes a shared event or a heartbeat to every stream that can take it (with `presenceOnly`, to those that
   * asked for presence). A stream whose transport fills up waits for drain like after a message, and its
   * slow-consumer clock starts: control traffic alone must not let a client that reads nothing grow the server's
   * buffers.
   */
  broadcastControl(write: (sink: StreamSink) => boolean, presenceOnly = false): void {
    for (const r of this.online.values()) {
      for (const session of r.streams) {
        if (session.full || (presenceOnly && !session.presence) || write(session.sink)) continue;
        this.slow.fill(session);
      }
    }
  }

  /** Calls `visit` for every open stream. */
  forEachStream(visit: (session: StreamSession) => void): void {
    for (const r of this.online.values()) for (const session of r.streams) visit(session);
  }

  /** Counts for monitoring, read when asked. */
  stats(): { streamsOpen: number; usersOnline: number; deliveries: number } {
    return { streamsOpen: this.openStreams, usersOnline: this.online.size, deliveries: this.deliveries };
  }

  private appended(id: number): void {
    if (id > this.lastAssignedId) this.lastAssignedId = id;
  }

  /** One event to the live streams of one online user. */
  private fanOutEntry(r: Reader, entry: QueuedMsgform): void {
    r.lastId = entry.id;
    for (const session of r.streams) {
      if (session.live && entry.id > session.cursor) this.write(r, session, entry);
    }
  }

  /** The hot path: one accepted message to the live streams of one online user, encoded once for them all. */
  private fanOut(r: Reader, encoder: MsgformEncoder): void {
    const id = encoder.message.id;
    r.lastId = id;
    let entry: QueuedMsgform | undefined;
    for (const session of r.streams) {
      if (session.live && id > session.cursor) this.write(r, session, (entry ??= encoder.forRecipient(r.name)));
    }
  }

  /**
   * Shows a message to its sender's streams that asked for it, as the sender sees it (`to` is what they
   * addressed). Like presence it is not part of the resumable sequence: a full stream misses it, and history has it.
   */
  private echo(sender: string, encoder: MsgformEncoder, addressed: string): void {
    const r = this.online.get(sender);
    if (!r) return;
    let entry: QueuedMsgform | undefined;
    for (const session of r.streams) {
      if (!session.sent || session.full) continue;
      if (!session.sink.sent((entry ??= encoder.forRecipient(addressed)))) this.slow.fill(session);
    }
  }

  private write(r: Reader, session: StreamSession, entry: QueuedMsgform): void {
    const more = session.sink.message(entry);
    session.cursor = entry.id;
    // Messages, as the metric says; events are changes to them.
    if (entry.type === undefined) this.deliveries++;
    if (entry.id > r.deliveredId) {
      r.deliveredId = entry.id;
      this.store.markDelivered(r.name, entry.id);
    }
    if (!more) this.slow.fill(session);
  }

  private end(session: StreamSession, reason: EndReason): void {
    this.close(session);
    session.sink.end(reason);
  }

  private reader(name: string): Reader {
    let r = this.readers.get(name);
    if (!r) {
      r = new Reader(name);
      this.readers.set(name, r);
    }
    return r;
  }
}

/** What the sender of a message addressed: the recipient, the group, or `broad`. */
function addressedBySender(message: Message, recipients: readonly string[]): string {
  if (message.kind === 'group') return message.group!;
  return message.kind === 'broadcast' ? 'broad' : recipients[0]!;
}
