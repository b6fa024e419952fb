import { describe, expect, it } from 'vitest';
import { excerptOf } from '../../src/core/excerpt.js';

describe('the start of a text', () => {
  it('is the whole text when it fits', () => {
    expect(excerptOf('short', 5)).toBe('short');
    expect(excerptOf('👍'.repeat(5), 5)).toBe('👍'.repeat(5));
  });

  it('keeps at most that many characters, then …', () => {
    expect(excerptOf('abcdefgh', 5)).toBe('abcde…');
    expect([...excerptOf('x'.repeat(500), 120)]).toHaveLength(121);
  });

  it('never cuts an emoji, a flag or an accented letter in two', () => {
    expect(excerptOf('abcd👩🏽‍💻', 5)).toBe('abcd…');
    expect(excerptOf('abcd🇳🇴', 5)).toBe('abcd…');
    expect(excerptOf('abcde\u0301f', 5)).toBe('abcd…');
  });
});
