const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The start of a text, for a glance (a push, a reply's quote): at most `length` characters (code points, as JSON
 * Schema's maxLength counts them), then `…`, or the whole text when it fits. It is cut between graphemes, so
 * that no emoji, flag or accented letter comes out in pieces.
 */
export function excerptOf(text: string, length: number): string {
  // Code units never number fewer than code points.
  if (text.length <= length) return text;
  let kept = 0;
  let end = 0;
  for (const { segment } of graphemes.segment(text)) {
    kept += codePoints(segment);
    if (kept > length) break;
    end += segment.length;
  }
  return end === text.length ? text : `${text.slice(0, end)}…`;
}

function codePoints(segment: string): number {
  let n = 0;
  for (const _ of segment) n++;
  return n;
}
