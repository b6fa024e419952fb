import type { RateWindow } from '../core/ports/index.js';

/**
 * Windows are whole seconds (Redis expires keys by the second), at least 1 s, and at most 24 days (the memory
 * backend expires keys with a timer, which cannot wait longer than about 24.8 days).
 */
const minSec = 1;
const maxSec = 24 * 86_400;

/**
 * The options' burst and sustained rate as one window: `burst` actions per `burst / actions` minutes. The burst
 * (actions at once) and the long-run rate are then the configured ones; a key that spent its burst waits for
 * the end of its window, and across a window's end up to twice the burst can pass in quick succession.
 * 0 actions per minute: unlimited (undefined).
 */
export function perMinute(actions: number, burst: number): RateWindow | undefined {
  return actions === 0 ? undefined : fixedWindow(burst, (burst * 60_000) / actions);
}

/** `burst` actions, one more per `intervalMs` sustained: `burst` per `burst × intervalMs` (see perMinute). */
export function perInterval(burst: number, intervalMs: number): RateWindow {
  return fixedWindow(burst, burst * intervalMs);
}

/** Rounded up, so that the rate a window allows is never above the configured one. */
function fixedWindow(points: number, ms: number): RateWindow {
  return { points, durationSec: Math.min(maxSec, Math.max(minSec, Math.ceil(ms / 1000))) };
}
