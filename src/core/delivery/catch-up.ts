import { ChatError } from '../errors.js';
import { MsgformEncoder, type QueuedMsgform } from '../msgform.js';
import { isEventRow, type QueueRow, type QueueStore } from '../ports/index.js';
import type { Reader } from './reader.js';
import type { EndReason, StreamSession } from './stream-session.js';

export interface CatchUpDeps {
  readonly store: Pick<QueueStore, 'readQueue' | 'knowsPosition'>;
  /** Messages a stream that is behind reads from the store at a time. */
  readonly pageSize: number;
  /** The newest id this process has seen assigned: a stream at it or past it has nothing to read. */
  readonly lastAssignedId: () => number;
  /** Writes one entry to a stream and moves its position (see Delivery). */
  readonly write: (r: Reader, session: StreamSession, entry: QueuedMsgform) => void;
  readonly end: (session: StreamSession, reason: EndReason) => void;
  readonly onError: (err: unknown, user: string) => void;
}

/**
 * A stream's cursor over its user's messages in the store: where it starts, and how it reads on, in pages, from
 * its own position until it has caught up and is live (new messages are then written to it as they come).
 */
export class CatchUp {
  constructor(private readonly deps: CatchUpDeps) {}

  /**
   * Places a new stream: after its resume position, or where the user's streams got to. A position the store
   * does not know was handed out by a state of the store that it went back from (a restore, a failover to a
   * replica that lagged): the client is told, and gets everything the store has after it. Ids come from the
   * clock, so whatever the store assigns from now on lies above it; a position above every id (not one this
   * store lineage issued) reads on from the newest instead.
   */
  async position(r: Reader, session: StreamSession, resumeAfter: number | undefined): Promise<void> {
    if (resumeAfter === undefined) {
      session.cursor = r.deliveredId;
      return;
    }
    if (!(await this.deps.store.knowsPosition(r.name, resumeAfter))) {
      session.sink.lost({ reason: 'store', after: resumeAfter });
      session.cursor = Math.min(resumeAfter, this.deps.lastAssignedId());
      return;
    }
    session.cursor = resumeAfter;
  }

  /**
   * Reads on for a stream that is behind; concurrent calls share one reading. While the store is unreachable
   * the stream stays open and tries again after the store's retry hint: it catches up once the store is back.
   */
  catchUp(r: Reader, session: StreamSession, mustRead = false): Promise<void> {
    return this.readOn(r, session, mustRead).catch((err: unknown) => {
      if (session.closed) return;
      if (err instanceof ChatError && err.code === 'unavailable') {
        setTimeout(() => void this.catchUp(r, session, mustRead), err.retryAfterMs ?? 1_000).unref();
        return;
      }
      this.deps.onError(err, r.name);
      this.deps.end(session, 'unavailable');
    });
  }

  /**
   * Reads pages until the stream is caught up (then live) or full. A stream at or past everything this process
   * has seen assigned goes live without a read: every later message reaches it through the feed. A feed that
   * may have missed some says so (`gap`), and every stream then reads (`mustRead`): what this process has seen
   * is no longer the newest.
   */
  async readOn(r: Reader, session: StreamSession, mustRead = false): Promise<void> {
    if (session.reading) {
      session.readAgain = true;
      return;
    }
    if (!mustRead && session.cursor >= this.deps.lastAssignedId() && session.cursor >= r.lastId && !session.full) {
      session.live = true;
      return;
    }
    session.reading = true;
    try {
      while (!session.closed && !session.full) {
        session.readAgain = false;
        const fannedOut = r.lastId;
        const page = await this.deps.store.readQueue(r.name, session.cursor, this.deps.pageSize);
        if (session.closed) return;
        if (session.cursor < page.prunedId) {
          session.sink.lost({ reason: 'retention', after: session.cursor, through: page.prunedId });
          session.cursor = page.prunedId;
        }
        for (const row of page.rows) {
          if (row.id <= session.cursor) continue;
          this.deps.write(r, session, toQueued(row));
          if (session.full) return;
        }
        // Caught up: nothing more in the store, and nothing fanned out since that this stream has not written.
        // Checked with no await before going live, so no message can slip between the read and the live writes.
        if (page.rows.length < this.deps.pageSize && session.cursor >= r.lastId && !session.readAgain) {
          session.live = true;
          return;
        }
        if (session.readAgain) continue;
        // Empty, yet short of what was fanned out: the read may have reached the store before messages whose
        // events arrived while its answer was on the way (the feed of other processes is another connection);
        // read again. Only when nothing was fanned out during the read is the store really missing a message.
        if (page.rows.length === 0 && r.lastId === fannedOut) {
          // A message was fanned out to this user that the store does not return: never spin on it.
          this.deps.onError(
            new Error(`the store returned nothing after ${session.cursor} for ${r.name}, who was sent ${r.lastId}`),
            r.name,
          );
          session.live = true;
          return;
        }
      }
    } finally {
      session.reading = false;
    }
  }
}

function toQueued(row: QueueRow): QueuedMsgform {
  if (isEventRow(row)) return { id: row.id, sentAt: row.at, json: row.json, type: row.type };
  return new MsgformEncoder(row).forRecipient(row.to);
}
