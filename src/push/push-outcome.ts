import { STATUS_CODES } from 'node:http';
import type { PushOutcome } from '../core/ports/index.js';
import type { GuardedExchange } from '../webhooks/guarded-client.js';
import { retryAfterMs } from './retry-after.js';

/** Most of a refusal's body quoted in the error: a push service says there why (a bad JWT, a too large body). */
const quotedChars = 160;

/**
 * What one exchange with a push service means (RFC 8030 §5, RFC 8292 §4):
 * - 2xx (201 Created, usually): delivered to the push service.
 * - 404, 410: the subscription is gone for good.
 * - anything else is `gone: false`, with `Retry-After` honoured when the service sent it: 429 and 5xx say so
 *   themselves, and no answer at all (a timeout, a refused connection or destination) may be passing. 400, 403
 *   (a VAPID signature or key the service does not take), 413 and the other 4xx will most likely fail again,
 *   but the subscription may still be good, and only 404 and 410 say it is not; so they land here too, with
 *   the service's reason in the error, and the core's back-off and the push's TTL end them. A 3xx is not
 *   followed: the second host would skip the destination checks.
 */
export function pushOutcome(exchange: GuardedExchange, now: number): PushOutcome {
  if (!exchange.answered) return { ok: false, gone: false, error: exchange.error };
  const { status } = exchange;
  if (status >= 200 && status <= 299) return { ok: true, status };
  const error = describe(status, exchange.body);
  if (status === 404 || status === 410) return { ok: false, gone: true, error };
  const wait = retryAfterMs(exchange.headers['retry-after'], now);
  return wait === undefined ? { ok: false, gone: false, error } : { ok: false, gone: false, error, retryAfterMs: wait };
}

/** `410 Gone`; for a refusal that says why, the start of its reason too. */
function describe(status: number, body: Buffer): string {
  const line = `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
  if (status >= 300 && status <= 399) return `${line} (redirects are not followed)`;
  if (status < 400 || status > 499 || status === 404 || status === 410 || status === 429) return line;
  const reason = body.toString('utf8').replace(/\s+/g, ' ').trim();
  if (reason === '') return line;
  return `${line}: ${reason.length > quotedChars ? `${reason.slice(0, quotedChars)}…` : reason}`;
}
