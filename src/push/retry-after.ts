/** IMF-fixdate and the two obsolete HTTP-date forms all start with a day name (RFC 9110 §5.6.7). */
const httpDate = /^[A-Za-z]{3,9},? /;

/**
 * How long a `Retry-After` header (RFC 9110 §10.2.3) asks to wait, in ms from `now`: delay-seconds or an
 * HTTP-date, a date already past being no wait. Undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  const text = header?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse reads almost anything ("1.5" is a day in 2001), so only what looks like an HTTP-date goes to it.
  if (!httpDate.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
