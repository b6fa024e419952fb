import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from '@redis/client';
import { ChatError } from '../../core/errors.js';

/** How long a client refused for want of Redis is asked to wait (ms): reconnect attempts back off to 1 s. */
export const retryAfterMs = 1_000;

/** Rejects as `pending` does, a failure to reach Redis turned into `unavailable` (see asUnavailable). */
export function refusingUnreachable<T>(pending: Promise<T>): Promise<T> {
  return pending.catch((err: unknown) => {
    throw asUnavailable(err);
  });
}

/** A failure to reach Redis as `unavailable` (503 with Retry-After); anything else is a fault to report as is. */
export function asUnavailable(err: unknown): unknown {
  return unreachable(err)
    ? new ChatError('unavailable', 'the store is unreachable; try again shortly', undefined, retryAfterMs)
    : err;
}

/**
 * Whether an error means Redis cannot take commands now (connection lost, closed or timed out; Redis loading,
 * busy, read-only or out of memory), as opposed to a command it rejected.
 */
export function unreachable(err: unknown): boolean {
  if (err instanceof ErrorReply)
    return /^(LOADING|BUSY|READONLY|MASTERDOWN|OOM|NOREPLICAS|TRYAGAIN)\b/.test(err.message);
  if (connectionErrors.some((type) => err instanceof type)) return true;
  // The Sentinel client while no primary is known (mid-failover) or no sentinel answers: plain Errors.
  if (err instanceof Error && sentinelOutages.includes(err.message)) return true;
  // A socket error (ECONNRESET, EPIPE, ...) that failed the commands in flight.
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

const sentinelOutages = ['no valid master node', 'None of the sentinels are available', 'WAIT was not answered'];

const connectionErrors = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
];
