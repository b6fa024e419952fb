const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Longer than any emoji sequence Unicode has (family ZWJ sequences and subdivision flags stay under 30). */
const maxLength = 64;

const keycap = /^([0-9#*])\uFE0F?\u20E3$/u;
const flag = /^\p{Regional_Indicator}{2}$/u;
// 🏴 and tag characters: the flags of England, Scotland and Wales.
const subdivisionFlag = /^\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}$/u;
// Pictographs joined by ZWJ, with skin tones and presentation selectors: one emoji as a keyboard types it.
const pictographic = /^\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u200D\p{Extended_Pictographic})*$/u;
// Shown as an emoji by default, or asked to be (U+FE0F): ©, ™ or ↔ alone are text.
const presented = /\p{Emoji_Presentation}|\uFE0F/u;
// A presentation selector after a character that is an emoji anyway changes nothing on screen.
const redundantSelector = /(\p{Emoji_Presentation})\uFE0F/gu;

/**
 * The canonical form of one emoji, or undefined when `raw` is not exactly one: a single grapheme that is a
 * keycap, a flag, or pictographs shown as an emoji. Two ways of typing the same emoji (with and without a
 * U+FE0F that changes nothing) come out the same, so that they count as one reaction.
 */
export function emojiOf(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > maxLength) return undefined;
  const [first, second] = graphemes.segment(raw);
  if (first === undefined || second !== undefined) return undefined;
  // A keycap is written fully qualified, whichever way it came.
  if (keycap.test(raw)) return raw.replace(keycap, '$1\uFE0F\u20E3');
  if (flag.test(raw) || subdivisionFlag.test(raw)) return raw;
  if (!pictographic.test(raw) || !presented.test(raw)) return undefined;
  return raw.replace(redundantSelector, '$1');
}
