import type { QueuedMsgform } from '../msgform.js';

/** What a stream is told when its resume position cannot be honoured in full. */
export type LostNotice =
  | { readonly reason: 'retention'; readonly after: number; readonly through: number }
  /** The store does not hold `after`: it went back in time after handing it out (a restore, a failover). */
  | { readonly reason: 'store'; readonly after: number };

/** An event shared by every stream that carries it; a transport caches its encoding in `wire`. */
export interface SharedEvent {
  readonly json: string;
  wire?: Uint8Array;
}

/**
 * Why a session ended, told to its streams on every process; none of them may reconnect. `exit`: it logged out;
 * `revoked`: another session of the user signed it out; `password_changed`: the user changed the password
 * through another session; `suspended`: an admin suspended the user; `operator_logout`, `password_reset`: the
 * operator's `parley logout` and `parley reset-password`; `deleted`: the account was deleted (by the operator, or
 * by the user through another session).
 */
export const sessionEndReasons = [
  'exit',
  'revoked',
  'password_changed',
  'suspended',
  'operator_logout',
  'password_reset',
  'deleted',
] as const;

export type SessionEndReason = (typeof sessionEndReasons)[number];

/**
 * Why the server ended a stream: the session ended (a SessionEndReason: the client must not reconnect), or the
 * stream alone, and the client should come back: `shutdown`, `slow_consumer`, `unavailable` (the store could not be
 * read).
 */
export type EndReason = SessionEndReason | 'shutdown' | 'slow_consumer' | 'unavailable';

/** Whether a stream ended for this reason must not be reconnected: its session is over. */
export function sessionIsOver(reason: EndReason): reason is SessionEndReason {
  return (sessionEndReasons as readonly string[]).includes(reason);
}

/**
 * The transport side of a stream, implemented by the HTTP layer (an SSE response). The core decides what to
 * send and when; the sink only encodes and writes.
 */
export interface StreamSink {
  /** Writes one message; false when the transport's buffer is full and nothing more should be written until drain. */
  message(entry: QueuedMsgform): boolean;
  lost(notice: LostNotice): void;
  /** Writes a message the user sent (shown by their other devices); false when the transport is full. */
  sent(entry: QueuedMsgform): boolean;
  /** Like `message`: false when the transport is full. */
  presence(event: SharedEvent): boolean;
  /** Like `message`: false when the transport is full. */
  heartbeat(): boolean;
  /** Registers the listener called each time a full transport can take more. */
  onDrain(listener: () => void): void;
  /** Ends the transport, telling the client why. */
  end(reason: EndReason): void;
}

/** One open stream of one user: its position in the user's messages and how it is being fed. */
export class StreamSession {
  /** The id of the last message written to this stream (or the position it opened at). */
  cursor = 0;
  /** Caught up and taking writes: new messages are written to it as they are accepted. */
  live = false;
  /** Its transport is full: nothing is written until drain, then it reads on from the store. */
  full = false;
  /** A read from the store is in progress for it. */
  reading = false;
  /** Asked to read again while a read was in progress: that read's answer may predate what it must find. */
  readAgain = false;
  closed = false;
  /** Counted on the feed's streams of its user (so closing it must uncount it). */
  counted = false;

  constructor(
    readonly user: string,
    readonly sessionId: string,
    readonly sink: StreamSink,
    /** Whether the client asked for presence events. */
    readonly presence: boolean,
    /** Whether the client asked for the user's own sent messages. */
    readonly sent: boolean,
  ) {}
}
