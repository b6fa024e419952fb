/** A worker that dies sooner than this after it was started died "at once" (ms). */
export const quickDeathMs = 10_000;
/** The wait before the first restart after a quick death, doubled for each one in a row (ms). */
export const firstBackoffMs = 500;
/** The longest wait between restarts (ms). */
export const maxBackoffMs = 30_000;

/**
 * How long to wait before restarting a worker that died after `livedMs`, given how many of its slot's workers
 * in a row died at once before it (`quickDeaths`); returns the new count with the wait. A worker that lived
 * at least `quickDeathMs` is replaced at once and clears the count; one that died at once waits 0.5 s, the next
 * 1 s, then 2 s, ... up to 30 s: a worker that cannot start (Redis gone, a bad certificate) is retried a few
 * times a minute, not in a tight loop.
 */
export function restartDelay(livedMs: number, quickDeaths: number): { delayMs: number; quickDeaths: number } {
  if (livedMs >= quickDeathMs) return { delayMs: 0, quickDeaths: 0 };
  const count = quickDeaths + 1;
  return { delayMs: Math.min(maxBackoffMs, firstBackoffMs * 2 ** (count - 1)), quickDeaths: count };
}
