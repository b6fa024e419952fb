import { describe, expect, it } from 'vitest';
import { maxBackoffMs, quickDeathMs, restartDelay } from '../../src/workers/restart-backoff.js';

describe('the restart backoff of --workers', () => {
  it('replaces a worker that lived a while at once, and forgets earlier quick deaths', () => {
    expect(restartDelay(quickDeathMs, 5)).toEqual({ delayMs: 0, quickDeaths: 0 });
  });

  it('doubles the wait for each worker in a row that died at once, up to a bound', () => {
    let quickDeaths = 0;
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const next = restartDelay(100, quickDeaths);
      waits.push(next.delayMs);
      quickDeaths = next.quickDeaths;
    }
    expect(waits).toEqual([
      500,
      1_000,
      2_000,
      4_000,
      8_000,
      16_000,
      maxBackoffMs,
      maxBackoffMs,
      maxBackoffMs,
      maxBackoffMs,
    ]);
  });
});
