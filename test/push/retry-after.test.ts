import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/push/retry-after.js';

const now = Date.parse('2025-03-01T12:00:00Z');

describe('retryAfterMs', () => {
  it.each([
    ['3', 3_000],
    [' 120 ', 120_000],
    ['0', 0],
    ['Sat, 01 Mar 2025 12:00:30 GMT', 30_000],
    // RFC 850 and asctime, which RFC 9110 still asks recipients to read.
    ['Saturday, 01-Mar-25 12:01:00 GMT', 60_000],
    ['Sat Mar  1 12:02:00 2025', 120_000],
    ['Sat, 01 Mar 2025 11:00:00 GMT', 0],
  ])('reads %j as %i ms', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });

  it.each([undefined, '', '-5', '1.5', 'soon', '2025-03-01T12:00:30Z', 'Sat, 99 Foo 2025 GMT'])(
    'reads %j as no wait given',
    (header) => {
      expect(retryAfterMs(header, now)).toBeUndefined();
    },
  );
});
