/**
 * Search ignores case and the accents of Latin letters: both sides of a comparison are folded here, one UTF-16
 * unit to one UTF-16 unit, so that an offset into a folded text is the same offset into the text.
 *
 * Only letters of Latin, Greek, Cyrillic and Armenian (below U+0528) and Latin Extended Additional are folded.
 * SQLite's trigram index (remove_diacritics 2) folds at least these the same way, which the index relies on: a
 * text this module says matches, the index finds (test/store/search-folding.test.ts checks every character).
 * Scripts whose case pairs it does not know alike, and characters that fold to more than one (`ß` is not `ss`),
 * stay as they are. Arabic marks and Japanese kana widths are characters of their own, not folded.
 */
const foldable = /[A-Z\u00C0-\u0527\u1E00-\u1EFF]/g;

/** The fold of each UTF-16 unit below U+1F00 (the others are not folded). */
const table = buildTable();

function buildTable(): Uint16Array {
  const out = new Uint16Array(0x1f00);
  for (let unit = 0; unit < out.length; unit++) out[unit] = foldUnit(unit);
  return out;
}

function foldUnit(unit: number): number {
  const inRange = (unit >= 0x41 && unit <= 0x5a) || (unit >= 0xc0 && unit <= 0x527) || unit >= 0x1e00;
  // U+037F (Greek capital yot) came after the case tables SQLite folds by.
  if (!inRange || unit === 0x37f) return unit;
  const char = String.fromCharCode(unit);
  const lower = char.toLowerCase();
  const folded = lower.length === 1 ? lower : char;
  // A Latin letter with accents decomposes into an ASCII letter and combining marks: keep the letter.
  const parts = folded.normalize('NFD');
  return /^[a-z]\p{Mn}+$/u.test(parts) ? parts.charCodeAt(0) : folded.charCodeAt(0);
}

/** The text as search compares it: the same length, case and Latin accents folded. */
export function foldText(text: string): string {
  return text.replace(foldable, (char) => String.fromCharCode(table[char.charCodeAt(0)]!));
}

/** The text with only its ASCII letters lowered: what a Redis script can fold on its own (string.lower). */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 32));
}

/** Whether a text contains every one of the (folded) terms. */
export function containsTerms(text: string, terms: readonly string[]): boolean {
  const folded = foldText(text);
  return terms.every((term) => folded.includes(term));
}
