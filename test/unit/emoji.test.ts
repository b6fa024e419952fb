import { describe, expect, it } from 'vitest';
import { emojiOf } from '../../src/core/chat/emoji.js';

describe('one emoji, as a reaction takes it', () => {
  it.each([
    ['👍', '👍'],
    ['👍🏽', '👍🏽'],
    ['❤️', '❤️'],
    ['©️', '©️'],
    ['👩🏽‍💻', '👩🏽‍💻'],
    ['🤷🏽‍♀️', '🤷🏽‍♀️'],
    ['👨‍👩‍👧‍👦', '👨‍👩‍👧‍👦'],
    ['🏳️‍🌈', '🏳️‍🌈'],
    ['🇳🇴', '🇳🇴'],
    ['🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['#️⃣', '#️⃣'],
  ])('takes %j', (raw, canonical) => {
    expect(emojiOf(raw)).toBe(canonical);
  });

  it('writes one emoji typed two ways the same way, so that both are one reaction', () => {
    expect(emojiOf('👍\uFE0F')).toBe('👍');
    expect(emojiOf('1\u20E3')).toBe('1\uFE0F\u20E3');
  });

  it.each(['', 'a', 'ok', '👍👍', ' 👍', '👍 ', '©', '❤', '↔', '🇳', '😀\u200D', '\u200D😀', '1', '👍'.repeat(40)])(
    'refuses %j',
    (raw) => {
      expect(emojiOf(raw)).toBeUndefined();
    },
  );
});
