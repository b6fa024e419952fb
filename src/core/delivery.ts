import type { QueueCursor, QueueRow, Store } from '../store/store.js';
import { ChatError } from './errors.js';
import { MsgformEncoder, type Message, type QueuedMsgform } from './msgform.js';
import type { Presence } from './presence.js';
import { StreamSession, type EndReason, type LostNotice, type StreamSink } from './stream-session.js';

export interface DeliveryLimits {
  /** Undelivered messages a user may have waiting; past it direct and group sends are refused. @default 10_000 */
  readonly queueLimit: number;
  /** Delivered messages kept in memory per online user for Last-Event-ID resume. @default 1_000 */
  readonly keepDelivered: number;
  /** Streams one user may have open at once; past it too_many_streams. @default 16 */
  readonly maxStreamsPerUser?: number;
  /** Streams open in all; past it unavailable, so the server degrades instead of falling over. @default 10_000 */
  readonly maxStreams?: number;
  /**
   * How long a stream may stay full (its client reads nothing while messages wait) before it is closed (ms).
   * Its messages stay on the queue; a reconnect with Last-Event-ID resumes them. @default 30_000
   */
  readonly slowConsumerMs?: number;
}

/**
 * One recipient's queue. Counters are kept for every user; the entries themselves are materialised only while
 * the user has a stream open (or one is opening), so an offline user costs a few numbers, not their backlog.
 */
class UserQueue {
  deliveredId = 0;
  prunedId = 0;
  pending = 0;
  entries: QueuedMsgform[] | undefined;
  /** Arrivals while `entries` is being loaded from the store; merged once the load completes. */
  arrivals: QueuedMsgform[] | undefined;
  loading: Promise<void> | undefined;
  readonly streams = new Set<StreamSession>();
  /** Whether presence last announced this user online; streams open and close around awaits, so count alone misleads. */
  announcedOnline = false;

  constructor(readonly name: string) {}
}

/** Index of the first entry with an id above `id` (entries are sorted by id). */
function firstAfter(entries: readonly QueuedMsgform[], id: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.id <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const loadPage = 2_000;

/**
 * Puts msgforms on recipients' queues and drains them into streams. Per recipient the work is O(1) apart from
 * a binary search; a stream whose transport is full is paused and resumed on drain, never buffered into.
 */
export class Delivery {
  private readonly queues = new Map<string, UserQueue>();
  private lastAssignedId = 0;
  private openStreams = 0;
  /** The close timer of every stream whose transport is full. */
  private readonly stalls = new Map<StreamSession, NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly limits: DeliveryLimits,
  ) {}

  /** Restores the counters of every queue from the store (on start). */
  restore(cursors: readonly QueueCursor[], lastMessageId: number): void {
    this.lastAssignedId = lastMessageId;
    for (const cursor of cursors) {
      const q = this.queue(cursor.name);
      q.deliveredId = cursor.deliveredId;
      q.prunedId = cursor.prunedId;
      q.pending = cursor.pending;
    }
  }

  isOnline(name: string): boolean {
    return (this.queues.get(name)?.streams.size ?? 0) > 0;
  }

  /** Users whose pending queue cannot take another message. */
  fullQueues(recipients: readonly string[]): string[] {
    return recipients.filter((name) => (this.queues.get(name)?.pending ?? 0) >= this.limits.queueLimit);
  }

  /**
   * Stores a message for every recipient, then puts it on their queues and into their open streams.
   * With `skipFull` recipients whose queue is full are left out and returned; without it they refuse the whole
   * message (queue_full). Resolves once the store has made the message durable.
   */
  async send(
    draft: Omit<Message, 'id'>,
    recipients: readonly string[],
    skipFull: boolean,
  ): Promise<{ id: number; recipients: readonly string[]; skipped: readonly string[] }> {
    const full = this.fullQueues(recipients);
    if (full.length > 0 && !skipFull) {
      throw new ChatError('queue_full', `the pending queue of ${full.join(', ')} is full; try again once they have read it`);
    }
    const accepted = full.length === 0 ? recipients : recipients.filter((r) => !full.includes(r));
    // Reserve the places now: concurrent sends must not overshoot the bound while the store commits.
    const queues = accepted.map((name) => this.queue(name));
    for (const q of queues) q.pending++;
    let id: number;
    try {
      id = await this.store.appendMessage({ ...draft, recipients: accepted });
    } catch (err) {
      for (const q of queues) q.pending--;
      throw err;
    }
    this.lastAssignedId = Math.max(this.lastAssignedId, id);
    const encoder = new MsgformEncoder({ ...draft, id });
    for (const q of queues) {
      if (q.entries) this.append(q, encoder.forRecipient(q.name));
      else if (q.arrivals) q.arrivals.push(encoder.forRecipient(q.name));
    }
    return { id, recipients: accepted, skipped: full };
  }

  /**
   * Refuses a new stream of `name` past the per-user or the total limit; call it right before `open`, with no
   * await in between, so that concurrent opens cannot overshoot.
   */
  admit(name: string): void {
    const perUser = this.limits.maxStreamsPerUser ?? Infinity;
    if ((this.queues.get(name)?.streams.size ?? 0) >= perUser) {
      throw new ChatError('too_many_streams', `a user may have at most ${perUser} streams open; close one first`, undefined, 1_000);
    }
    if (this.openStreams >= (this.limits.maxStreams ?? Infinity)) {
      throw new ChatError('unavailable', 'the server has as many open streams as it takes; try again later', undefined, 5_000);
    }
  }

  /**
   * Opens a stream: first what is waiting (or, with `resumeAfter`, everything retained after it), then live
   * messages. The user is online from the moment this resolves.
   */
  async open(name: string, sessionId: string, sink: StreamSink, resumeAfter?: number): Promise<StreamSession> {
    const q = this.queue(name);
    const session = new StreamSession(name, sessionId, sink);
    q.streams.add(session);
    this.openStreams++;
    try {
      await this.materialise(q);
    } catch (err) {
      if (q.streams.delete(session)) this.openStreams--;
      throw err;
    }
    if (session.closed) return session;
    if (!q.announcedOnline) {
      q.announcedOnline = true;
      this.presence.changed(name, true);
    }

    let start = q.deliveredId;
    let lost: LostNotice | undefined;
    if (resumeAfter !== undefined) {
      if (resumeAfter > this.lastAssignedId) {
        lost = { reason: 'unknown_position', after: resumeAfter };
        start = 0;
      } else {
        if (resumeAfter < q.prunedId) lost = { reason: 'retention', after: resumeAfter, through: q.prunedId };
        start = resumeAfter;
        // The client has seen up to here on some stream: that counts as delivered.
        if (start > q.deliveredId) this.markDelivered(q, start);
      }
    }
    if (lost) sink.lost(lost);
    session.cursor = start;
    session.waiting = false;
    sink.onDrain(() => {
      this.unstall(session);
      session.waiting = false;
      this.pump(q, session);
    });
    this.pump(q, session);
    return session;
  }

  /** Applies what the store's retention removed: resumes from below `prunedId` are told they lost messages. */
  pruned(cursors: readonly { name: string; prunedId: number }[]): void {
    for (const { name, prunedId } of cursors) {
      const q = this.queues.get(name);
      if (!q || prunedId <= q.prunedId) continue;
      q.prunedId = prunedId;
      if (q.entries) q.entries.splice(0, firstAfter(q.entries, prunedId));
    }
  }

  /** Detaches a stream whose transport ended; the last one takes the user offline. */
  close(session: StreamSession): void {
    const q = this.queues.get(session.user);
    if (!q || !q.streams.delete(session)) return;
    this.openStreams--;
    this.unstall(session);
    session.closed = true;
    if (q.streams.size === 0) {
      q.entries = undefined;
      if (q.announcedOnline) {
        q.announcedOnline = false;
        this.presence.changed(q.name, false);
      }
    }
  }

  /** Ends every stream opened through one session (on exit). */
  endSession(name: string, sessionId: string): void {
    for (const session of [...(this.queues.get(name)?.streams ?? [])]) {
      if (session.sessionId === sessionId) this.end(session, 'exit');
    }
  }

  /** Ends every stream (on shutdown). */
  endAll(): void {
    for (const q of this.queues.values()) for (const session of [...q.streams]) this.end(session, 'shutdown');
  }

  /**
   * Writes a shared event (presence) or a heartbeat to every stream that can take it. A stream whose transport
   * fills up waits for drain like after a message, and its slow-consumer clock starts: control traffic alone must
   * not let a client that reads nothing grow the server's buffers.
   */
  broadcastControl(write: (sink: StreamSink) => boolean): void {
    for (const q of this.queues.values()) {
      for (const session of q.streams) {
        if (session.waiting || write(session.sink)) continue;
        session.waiting = true;
        this.stall(session);
      }
    }
  }

  /** Calls `visit` for every open stream. */
  forEachStream(visit: (session: StreamSession) => void): void {
    for (const q of this.queues.values()) for (const session of q.streams) visit(session);
  }

  private end(session: StreamSession, reason: EndReason): void {
    this.close(session);
    session.sink.end(reason);
  }

  /** Starts the clock of a stream whose transport is full: past slowConsumerMs it is closed. */
  private stall(session: StreamSession): void {
    const limitMs = this.limits.slowConsumerMs;
    if (limitMs === undefined || this.stalls.has(session)) return;
    const timer = setTimeout(() => {
      this.stalls.delete(session);
      if (!session.closed && session.waiting) this.end(session, 'slow_consumer');
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

  private queue(name: string): UserQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = new UserQueue(name);
      this.queues.set(name, q);
    }
    return q;
  }

  private materialise(q: UserQueue): Promise<void> {
    if (q.entries) return Promise.resolve();
    q.loading ??= this.load(q).finally(() => {
      q.loading = undefined;
    });
    return q.loading;
  }

  private async load(q: UserQueue): Promise<void> {
    q.arrivals = [];
    const entries: QueuedMsgform[] = [];
    try {
      // Everything retained: the delivered window (for resume) and the pending backlog.
      let after = 0;
      for (;;) {
        const rows = await this.store.readQueue(q.name, after, loadPage);
        for (const row of rows) entries.push(toQueued(row));
        if (rows.length < loadPage) break;
        after = rows[rows.length - 1]!.id;
      }
      const last = entries.length > 0 ? entries[entries.length - 1]!.id : 0;
      for (const entry of q.arrivals) if (entry.id > last) entries.push(entry);
      // What this process already pruned stays pruned, even where the store's pruner has not caught up.
      entries.splice(0, firstAfter(entries, q.prunedId));
      q.entries = q.streams.size > 0 ? entries : undefined;
    } finally {
      q.arrivals = undefined;
    }
  }

  private append(q: UserQueue, entry: QueuedMsgform): void {
    q.entries!.push(entry);
    for (const session of q.streams) this.pump(q, session);
  }

  /** Writes every entry after the stream's cursor until caught up or the transport asks to wait. */
  private pump(q: UserQueue, session: StreamSession): void {
    const entries = q.entries;
    if (!entries || session.closed || session.waiting) return;
    for (let i = firstAfter(entries, session.cursor); i < entries.length; i++) {
      const entry = entries[i]!;
      const more = session.sink.message(entry);
      this.deliveryCount++;
      session.cursor = entry.id;
      if (entry.id > q.deliveredId) this.markDelivered(q, entry.id, 1);
      if (!more) {
        session.waiting = true;
        this.stall(session);
        break;
      }
    }
    this.trim(q);
  }

  private markDelivered(q: UserQueue, id: number, count?: number): void {
    const entries = q.entries;
    if (count !== undefined) q.pending = Math.max(0, q.pending - count);
    else if (entries) q.pending = entries.length - firstAfter(entries, id);
    q.deliveredId = id;
    this.store.markDelivered(q.name, id);
  }

  /** Drops the oldest delivered entries past the retention count, in slices so the cost is amortised. */
  private trim(q: UserQueue): void {
    const entries = q.entries;
    if (!entries) return;
    const excess = firstAfter(entries, q.deliveredId) - this.limits.keepDelivered;
    if (excess <= 0 || excess < Math.min(64, this.limits.keepDelivered >> 4)) return;
    q.prunedId = entries[excess - 1]!.id;
    entries.splice(0, excess);
  }

  /** Messages written to streams since start. */
  private deliveryCount = 0;

  /** Counts for monitoring, read when asked (a scrape), never kept up on the hot path but for `deliveries`. */
  stats(): { streamsOpen: number; usersOnline: number; deliveries: number; pending: number } {
    let usersOnline = 0;
    let pending = 0;
    for (const q of this.queues.values()) {
      if (q.streams.size > 0) usersOnline++;
      pending += q.pending;
    }
    return { streamsOpen: this.openStreams, usersOnline, deliveries: this.deliveryCount, pending };
  }
}

function toQueued(row: QueueRow): QueuedMsgform {
  return new MsgformEncoder(row).forRecipient(row.to);
}
