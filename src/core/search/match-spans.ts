import { foldText } from './fold.js';

/** A found stretch of a text: [start, end) in UTF-16 units, as String.prototype.slice takes them. */
export type Span = [start: number, end: number];

/** At most this many spans per text: enough to mark a message, bounded however often a term occurs. */
export const maxSpans = 64;

/**
 * Where the (folded) terms occur in a text: every occurrence of each, overlapping ones joined, in order; undefined
 * when a term does not occur. A client marks them by slicing the text, never by reading markup.
 */
export function matchSpans(text: string, terms: readonly string[]): Span[] | undefined {
  const folded = foldText(text);
  const found: [number, number][] = [];
  for (const term of terms) {
    let at = folded.indexOf(term);
    if (at < 0) return undefined;
    while (at >= 0) {
      found.push([at, at + term.length]);
      at = folded.indexOf(term, at + term.length);
    }
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const spans: [number, number][] = [];
  for (const [start, end] of found) {
    const last = spans[spans.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else if (spans.length === maxSpans) break;
    else spans.push([start, end]);
  }
  return spans;
}
