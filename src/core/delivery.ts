import { isEventRow, type Appended, type NewEvent, type NewMessage, type QueueCursor, type QueueRow, type Store } from '../store/store.js';
import type { Cluster } from './cluster.js';
import { ChatError, queueFull } from './errors.js';
import { MsgformEncoder, type Message, type QueuedMsgform, type StoredEvent } from './msgform.js';
import type { Presence } from './presence.js';
import { StreamSession, type EndReason, type SessionEndReason, type StreamSink } from './stream-session.js';

export interface DeliveryLimits {
  /** Undelivered direct and group messages a user may have waiting; past it sends to them are refused. @default 10_000 */
  readonly queueLimit: number;
  /** Streams one user may have open at once; past it too_many_streams. @default 16 */
  readonly maxStreamsPerUser?: number;
  /** Streams open in all; past it unavailable, so the server degrades instead of falling over. @default 10_000 */
  readonly maxStreams?: number;
  /**
   * How long a stream may stay full (its client reads nothing while messages wait) before it is closed (ms).
   * Nothing is lost: a reconnect with Last-Event-ID reads on from the store. @default 30_000
   */
  readonly slowConsumerMs?: number;
  /** Messages a stream that is behind reads from the store at a time. @default 500 */
  readonly pageSize?: number;
}

/** A message as stored: its id, and when it was sent (the first send's, for a retry with the same key). */
export interface Stored {
  readonly id: number;
  readonly sentAt: number;
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
 * What this process knows of one user: a few numbers, whatever their traffic. The messages themselves are in
 * the store; a stream that is not caught up reads them from there.
 */
class Reader {
  /** The highest id written to any stream of this user. */
  deliveredId = 0;
  /** Direct and group messages above deliveredId (for the queue limit). */
  pending = 0;
  /** The highest id fanned out to this user while a stream of theirs was open; a stream caught up to it is live. */
  lastId = 0;
  readonly streams = new Set<StreamSession>();
  /** Whether presence last announced this user online; streams open and close around awaits, so count alone misleads. */
  announcedOnline = false;
  /** Streams the cluster has counted (see `admit`) that have yet to open. */
  admitted = 0;

  constructor(readonly name: string) {}
}

/**
 * Delivers messages to streams. Each stream is a cursor over its user's messages in the store: while it is live
 * (caught up, its transport taking writes) new messages are written to it as they are accepted; once it falls
 * behind (its transport is full, or it opens with a backlog) it reads from the store, in pages, from its own
 * position, until it has caught up and is live again. So every stream of a user gets every message after its
 * position, whatever the others do, and memory holds no message beyond the write in progress.
 *
 * With a `cluster` (several processes on one store), messages are fanned out from the cluster's events only,
 * whichever process accepted them, so that every process writes in the store's order; presence, the streams per
 * user and the queue limit are the cluster's and the store's, which see every process.
 */
export class Delivery {
  private readonly readers = new Map<string, Reader>();
  /** Users with at least one stream open: what a broadcast fans out to. */
  private readonly online = new Map<string, Reader>();
  private lastAssignedId = 0;
  /**
   * Every id the store holds is at most lastAssignedId: restored from the store, and this process alone writes
   * to it. A stream placed at or past it then has nothing to read and goes live at once.
   */
  private knowsNewest = false;
  private openStreams = 0;
  private deliveries = 0;
  /** The close timer of every stream whose transport is full. */
  private readonly stalls = new Map<StreamSession, NodeJS.Timeout>();
  private readonly pageSize: number;
  /** Fan-outs waiting their turn, in id order (see `inOrder`). */
  private readonly backlog: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly limits: DeliveryLimits,
    private readonly onError: (err: unknown, user: string) => void = () => {},
    private readonly cluster?: Cluster,
    /** The store's last id is below one this process saw: it went back in time (restarted from older files, failed over). */
    private readonly onWentBack: (lastId: number, seenId: number) => void = () => {},
  ) {
    this.pageSize = limits.pageSize ?? 500;
  }

  /** Restores the counters of every queue from the store (on start). */
  restore(cursors: readonly QueueCursor[], lastMessageId: number): void {
    this.lastAssignedId = lastMessageId;
    this.knowsNewest = !this.cluster;
    for (const cursor of cursors) {
      const r = this.reader(cursor.name);
      r.deliveredId = cursor.deliveredId;
      r.pending = cursor.pending;
    }
  }

  isOnline(name: string): boolean {
    return this.online.has(name);
  }

  /** Who is online now: on this process, or with a cluster, on any. */
  async onlineNow(): Promise<(name: string) => boolean> {
    if (!this.cluster) return (name) => this.online.has(name);
    const online = await this.cluster.onlineUsers();
    return (name) => online.has(name);
  }

  /** Users whose pending queue cannot take another message. */
  private fullQueues(recipients: readonly string[]): string[] {
    return recipients.filter((name) => (this.readers.get(name)?.pending ?? 0) >= this.limits.queueLimit);
  }

  /**
   * Stores a direct or group message for its recipients, then writes it to their live streams; queue_full when
   * a recipient cannot take it. Resolves once the store has made it durable.
   */
  async send(draft: Omit<Message, 'id'>, recipients: readonly string[], idempotencyKey?: string): Promise<Stored> {
    if (this.cluster) return this.noted(await this.append({ ...draft, recipients, queueLimit: this.limits.queueLimit }, idempotencyKey));
    const full = this.fullQueues(recipients);
    if (full.length > 0) {
      throw queueFull(full);
    }
    // Reserve the places now: concurrent sends must not overshoot the bound while the store commits.
    const readers = recipients.map((name) => this.reader(name));
    for (const r of readers) r.pending++;
    let appended: Appended;
    try {
      appended = await this.append({ ...draft, recipients }, idempotencyKey);
    } catch (err) {
      for (const r of readers) r.pending--;
      throw err;
    }
    // A retry of a message stored before: delivered then (or read from the store), not again.
    if (appended.replayed) for (const r of readers) r.pending--;
    else this.distribute({ ...draft, id: appended.id }, recipients);
    return appended;
  }

  /** Appends once per Idempotency-Key of the sender when there is one. */
  private async append(message: NewMessage, idempotencyKey: string | undefined): Promise<Appended> {
    if (idempotencyKey === undefined) return { id: await this.store.appendMessage(message), replayed: false, sentAt: message.sentAt };
    return this.store.appendMessageOnce(message, idempotencyKey);
  }

  /**
   * Stores a broadcast once, in the store's shared log, then writes it to every live stream but the sender's.
   * Its cost in the store does not depend on the number of users; offline users read it when they come back.
   */
  async broadcast(draft: Omit<Message, 'id' | 'kind'>, idempotencyKey?: string): Promise<Stored> {
    const appended = await this.append({ ...draft, kind: 'broadcast', recipients: [] }, idempotencyKey);
    if (this.cluster) return this.noted(appended);
    if (!appended.replayed) this.distribute({ ...draft, kind: 'broadcast', id: appended.id }, []);
    return appended;
  }

  /**
   * Writes a stored message to the live streams of its recipients here, and to its sender's streams that show
   * what they sent: called for every message the cluster tells of, in its order.
   */
  distribute(message: Message, recipients: readonly string[]): void {
    this.appended(message.id);
    // A broadcast is thousands of writes: the sender's 202 goes out first, the fan-out right after.
    this.inOrder(message.kind === 'broadcast', () => {
      const encoder = new MsgformEncoder(message);
      if (message.kind === 'broadcast') {
        for (const r of this.online.values()) if (r.name !== message.from) this.fanOut(r, encoder, false);
      } else {
        for (const name of recipients) {
          const r = this.online.get(name);
          if (r) this.fanOut(r, encoder, true);
        }
      }
      this.echo(message.from, encoder, addressedBySender(message, recipients));
    });
  }

  /**
   * Makes a change through `write`, which stores it and appends its events (see `NewEvent`) in one step and
   * resolves with their ids, then writes the events to the live streams of their recipients; with a cluster,
   * the cluster's events do that. Resolves with the ids, or undefined when the store made no change.
   */
  async change(events: readonly NewEvent[], write: () => Promise<readonly number[] | undefined>): Promise<readonly number[] | undefined> {
    const ids = await write();
    if (ids === undefined) return undefined;
    for (const id of ids) this.appended(id);
    if (this.cluster) return ids;
    ids.forEach((id, i) => {
      const event = events[i]!;
      if (id > 0) this.distributeEvent({ id, type: event.type, json: event.json, at: event.at }, event.recipients);
    });
    return ids;
  }

  /**
   * Writes a stored event to the live streams of its recipients here, in id order with the messages: called
   * for every event the cluster tells of. The entry is one for all of them: the same data, encoded once.
   */
  distributeEvent(event: StoredEvent, recipients: readonly string[]): void {
    this.appended(event.id);
    this.inOrder(false, () => {
      const entry: QueuedMsgform = { id: event.id, sentAt: event.at, json: event.json, type: event.type };
      for (const name of recipients) {
        const r = this.online.get(name);
        if (r) this.fanOutEntry(r, entry);
      }
    });
  }

  /**
   * Reads again, from the store, for every stream: the cluster's events may have been missed (its feed was
   * cut), and a live stream would wait for them for ever.
   */
  reread(): void {
    this.checkLastId(this.lastAssignedId);
    for (const r of this.online.values()) {
      for (const session of r.streams) {
        if (session.full) continue;
        session.live = false;
        void this.catchUp(r, session);
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
        if (id < seen) this.onWentBack(id, seen);
        this.appended(id);
      },
      (err: unknown) => {
        if (err instanceof ChatError && err.code === 'unavailable') setTimeout(() => this.checkLastId(seen), err.retryAfterMs ?? 1_000).unref();
      },
    );
  }

  /**
   * Refuses a new stream of `name` past the per-user or the total limit; call it right before `open`, with no
   * await in between, so that concurrent opens cannot overshoot. With a cluster it also counts the stream over
   * every process, and returns a promise to await before `open` (the count is then the open's).
   */
  admit(name: string): Promise<void> | undefined {
    this.admitHere(name);
    return this.cluster && this.admitShared(name);
  }

  private async admitShared(name: string): Promise<void> {
    const perUser = this.limits.maxStreamsPerUser ?? Number.MAX_SAFE_INTEGER;
    if (!(await this.cluster!.streamOpened(name, perUser))) throw tooManyStreams(perUser);
    this.reader(name).admitted++;
  }

  private admitHere(name: string): void {
    const perUser = this.limits.maxStreamsPerUser ?? Infinity;
    if ((this.readers.get(name)?.streams.size ?? 0) >= perUser) {
      throw tooManyStreams(perUser);
    }
    if (this.openStreams >= (this.limits.maxStreams ?? Infinity)) {
      throw new ChatError('unavailable', 'the server has as many open streams as it takes; try again later', undefined, 5_000);
    }
  }

  /**
   * Opens a stream at its position and sends the first page of what follows; then it goes on by itself. The
   * user is online from the moment this is called. Rejects, detaching the stream, when the store cannot be read.
   */
  async open(name: string, sessionId: string, sink: StreamSink, options: StreamOptions = {}): Promise<StreamSession> {
    const r = this.reader(name);
    const session = new StreamSession(name, sessionId, sink, options.presence ?? false, options.sent ?? false);
    // Attached at once, before any await: a message fanned out meanwhile marks the reader, and the first read
    // then goes on until it has it.
    r.streams.add(session);
    this.online.set(name, r);
    this.openStreams++;
    if (this.cluster) {
      try {
        await this.joinCluster(r, session, options.resumeAfter);
      } catch (err) {
        this.close(session);
        throw err;
      }
    } else if (!r.announcedOnline) {
      r.announcedOnline = true;
      this.presence.changed(name, true);
    }

    sink.onDrain(() => {
      this.unstall(session);
      session.full = false;
      void this.catchUp(r, session);
    });
    try {
      await this.position(r, session, options.resumeAfter);
      await this.readOn(r, session);
    } catch (err) {
      this.close(session);
      throw err;
    }
    return session;
  }

  /** Detaches a stream whose transport ended; the last one takes the user offline. */
  close(session: StreamSession): void {
    const r = this.readers.get(session.user);
    if (!r || !r.streams.delete(session)) return;
    this.openStreams--;
    this.unstall(session);
    session.closed = true;
    if (session.counted) this.cluster?.streamClosed(r.name);
    if (r.streams.size > 0) return;
    this.online.delete(r.name);
    if (r.announcedOnline && !this.cluster) {
      r.announcedOnline = false;
      this.presence.changed(r.name, false);
    }
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
        this.fill(session);
      }
    }
  }

  /** Calls `visit` for every open stream. */
  forEachStream(visit: (session: StreamSession) => void): void {
    for (const r of this.online.values()) for (const session of r.streams) visit(session);
  }

  /** Counts for monitoring, read when asked. */
  stats(): { streamsOpen: number; usersOnline: number; deliveries: number; pending: number } {
    let pending = 0;
    for (const r of this.readers.values()) pending += r.pending;
    return { streamsOpen: this.openStreams, usersOnline: this.online.size, deliveries: this.deliveries, pending };
  }

  /**
   * Runs fan-outs in the order their messages were accepted, which is id order. One may be deferred to the next
   * turn of the event loop; every fan-out accepted after it then waits behind it, so no stream ever gets a later
   * message before an earlier one (a live stream skips ids at or below its position).
   */
  private inOrder(defer: boolean, fanOut: () => void): void {
    if (!defer && this.backlog.length === 0) return fanOut();
    this.backlog.push(fanOut);
    if (this.backlog.length > 1) return;
    setImmediate(() => {
      // Fan-outs queued while this runs are run by it too.
      for (let i = 0; i < this.backlog.length; i++) {
        try {
          this.backlog[i]!();
        } catch (err) {
          this.onError(err, '');
        }
      }
      this.backlog.length = 0;
    });
  }

  private noted(stored: Stored): Stored {
    this.appended(stored.id);
    return stored;
  }

  private appended(id: number): number {
    if (id > this.lastAssignedId) this.lastAssignedId = id;
    return id;
  }

  /**
   * Counts the stream in the cluster (too_many_streams past the per-user limit over every process) and brings
   * this process up to date with the others: where the user's streams got to, and the newest id.
   */
  private async joinCluster(r: Reader, session: StreamSession, resumeAfter: number | undefined): Promise<void> {
    const cluster = this.cluster!;
    const perUser = this.limits.maxStreamsPerUser ?? Number.MAX_SAFE_INTEGER;
    if (r.admitted > 0) {
      r.admitted--;
    } else {
      // Opened without `admit` (the core's own callers): counted here.
      if (!(await cluster.streamOpened(r.name, perUser))) throw tooManyStreams(perUser);
      if (session.closed) {
        // Its transport ended while it was being counted, before close could uncount it.
        cluster.streamClosed(r.name);
        return;
      }
    }
    // From here on, close uncounts it, whatever fails next.
    session.counted = true;
    const [deliveredId, lastId] = await Promise.all([
      cluster.deliveredId(r.name),
      resumeAfter !== undefined && resumeAfter > this.lastAssignedId ? this.store.lastMessageId() : 0,
    ]);
    if (deliveredId > r.deliveredId) r.deliveredId = deliveredId;
    this.appended(lastId);
  }

  /** One event to the live streams of one online user; events never count as pending. */
  private fanOutEntry(r: Reader, entry: QueuedMsgform): void {
    r.lastId = entry.id;
    for (const session of r.streams) {
      if (session.live && entry.id > session.cursor) this.write(r, session, entry, false);
    }
  }

  /**
   * Places a new stream: after its resume position, or where the user's streams got to. A position the store
   * does not know was handed out by a state of the store that it went back from (a restore, a failover to a
   * replica that lagged): the client is told, and gets everything the store has after it. Ids come from the
   * clock, so whatever the store assigns from now on lies above it; a position above every id (not one this
   * store lineage issued) reads on from the newest instead.
   */
  private async position(r: Reader, session: StreamSession, resumeAfter: number | undefined): Promise<void> {
    if (resumeAfter === undefined) {
      session.cursor = r.deliveredId;
      return;
    }
    if (!(await this.store.knowsPosition(r.name, resumeAfter))) {
      session.sink.lost({ reason: 'store', after: resumeAfter });
      session.cursor = Math.min(resumeAfter, this.lastAssignedId);
      return;
    }
    session.cursor = resumeAfter;
  }

  /** The hot path: one accepted message to the live streams of one online user. */
  private fanOut(r: Reader, encoder: MsgformEncoder, queued: boolean): void {
    const id = encoder.message.id;
    r.lastId = id;
    let entry: QueuedMsgform | undefined;
    for (const session of r.streams) {
      if (session.live && id > session.cursor) this.write(r, session, (entry ??= encoder.forRecipient(r.name)), queued);
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
      if (!session.sink.sent((entry ??= encoder.forRecipient(addressed)))) this.fill(session);
    }
  }

  /**
   * A stream that is behind reads on from the store; concurrent calls share one reading. While the store is
   * unreachable the stream stays open and tries again after the store's retry hint: it catches up once the
   * store is back.
   */
  private catchUp(r: Reader, session: StreamSession): Promise<void> {
    return this.readOn(r, session).catch((err: unknown) => {
      if (session.closed) return;
      if (err instanceof ChatError && err.code === 'unavailable') {
        setTimeout(() => void this.catchUp(r, session), err.retryAfterMs ?? 1_000).unref();
        return;
      }
      this.onError(err, r.name);
      this.end(session, 'unavailable');
    });
  }

  private async readOn(r: Reader, session: StreamSession): Promise<void> {
    if (session.reading) {
      session.readAgain = true;
      return;
    }
    if (this.knowsNewest && session.cursor >= this.lastAssignedId && session.cursor >= r.lastId && !session.full) {
      session.live = true;
      return;
    }
    session.reading = true;
    try {
      while (!session.closed && !session.full) {
        session.readAgain = false;
        const fannedOut = r.lastId;
        const page = await this.store.readQueue(r.name, session.cursor, this.pageSize);
        if (session.closed) return;
        if (session.cursor < page.prunedId) {
          session.sink.lost({ reason: 'retention', after: session.cursor, through: page.prunedId });
          session.cursor = page.prunedId;
        }
        for (const row of page.rows) {
          if (row.id <= session.cursor) continue;
          this.write(r, session, toQueued(row), !isEventRow(row) && row.kind !== 'broadcast');
          if (session.full) return;
        }
        // Caught up: nothing more in the store, and nothing fanned out since that this stream has not written.
        // Checked with no await before going live, so no message can slip between the read and the live writes.
        if (page.rows.length < this.pageSize && session.cursor >= r.lastId && !session.readAgain) {
          session.live = true;
          return;
        }
        if (session.readAgain) continue;
        // Empty, yet short of what was fanned out: with a cluster, the read may have reached the store before
        // messages whose events arrived while its answer was on the way (the feed is another connection); read
        // again. Only when nothing was fanned out during the read is the store really missing a message.
        if (page.rows.length === 0 && r.lastId === fannedOut) {
          // A message was fanned out to this user that the store does not return: never spin on it.
          this.onError(new Error(`the store returned nothing after ${session.cursor} for ${r.name}, who was sent ${r.lastId}`), r.name);
          session.live = true;
          return;
        }
      }
    } finally {
      session.reading = false;
    }
  }

  private write(r: Reader, session: StreamSession, entry: QueuedMsgform, queued: boolean): void {
    const more = session.sink.message(entry);
    session.cursor = entry.id;
    // Messages, as the metric says; events are changes to them.
    if (entry.type === undefined) this.deliveries++;
    if (entry.id > r.deliveredId) {
      r.deliveredId = entry.id;
      if (queued && r.pending > 0) r.pending--;
      this.store.markDelivered(r.name, entry.id);
    }
    if (!more) this.fill(session);
  }

  /** The transport is full: stop writing, read on from the store at drain, and start the slow-consumer clock. */
  private fill(session: StreamSession): void {
    session.full = true;
    session.live = false;
    const limitMs = this.limits.slowConsumerMs;
    if (limitMs === undefined || this.stalls.has(session)) return;
    const timer = setTimeout(() => {
      this.stalls.delete(session);
      if (!session.closed && session.full) this.end(session, 'slow_consumer');
    }, limitMs);
    timer.unref();
    this.stalls.set(session, timer);
  }

  private unstall(session: StreamSession): void {
    const timer = this.stalls.get(session);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.stalls.delete(session);
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

function tooManyStreams(perUser: number): ChatError {
  return new ChatError('too_many_streams', `a user may have at most ${perUser} streams open; close one first`, undefined, 1_000);
}

/** What the sender of a message addressed: the recipient, the group, or `broad`. */
function addressedBySender(message: Message, recipients: readonly string[]): string {
  if (message.kind === 'group') return message.group!;
  return message.kind === 'broadcast' ? 'broad' : recipients[0]!;
}

function toQueued(row: QueueRow): QueuedMsgform {
  if (isEventRow(row)) return { id: row.id, sentAt: row.at, json: row.json, type: row.type };
  return new MsgformEncoder(row).forRecipient(row.to);
}
