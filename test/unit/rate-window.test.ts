import { describe, expect, it } from 'vitest';
import { perInterval, perMinute } from '../../src/limits/rate-window.js';

describe('the limit options as fixed windows', () => {
  it('counts a burst at a rate per minute as the burst per burst/rate minutes', () => {
    expect(perMinute(3_000, 200)).toEqual({ points: 200, durationSec: 4 });
    expect(perMinute(600, 100)).toEqual({ points: 100, durationSec: 10 });
    expect(perMinute(60, 20)).toEqual({ points: 20, durationSec: 20 });
  });

  it('turns a rate of 0 per minute into no limit', () => {
    expect(perMinute(0, 200)).toBeUndefined();
  });

  it('rounds a window up to whole seconds, so that the rate allowed is never above the configured one', () => {
    expect(perMinute(7, 100)).toEqual({ points: 100, durationSec: 858 });
    expect(perMinute(7, 7)).toEqual({ points: 7, durationSec: 60 });
  });

  it('makes a window 1 s at least and 24 days at most', () => {
    expect(perMinute(3_000, 1)).toEqual({ points: 1, durationSec: 1 });
    expect(perInterval(1_000_000, 86_400_000)).toEqual({ points: 1_000_000, durationSec: 24 * 86_400 });
  });

  it('counts failed logins as the limit per limit × backoff', () => {
    expect(perInterval(5, 60_000)).toEqual({ points: 5, durationSec: 300 });
    expect(perInterval(1, 30_000)).toEqual({ points: 1, durationSec: 30 });
  });
});
