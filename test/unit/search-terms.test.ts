import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatError } from '../../src/core/errors.js';
import { containsTerms, foldText, lowerAscii } from '../../src/core/search/fold.js';
import { matchSpans, maxSpans } from '../../src/core/search/match-spans.js';
import { decodeCursor, encodeCursor } from '../../src/core/search/search-cursor.js';
import { parseQuery, termLength } from '../../src/core/search/search-query.js';

/** The field and message a refused query names. */
function refusal(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof ChatError && err.code === 'invalid_request') return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('not refused');
}

describe('folding for search', () => {
  it('folds case, and the accents of Latin letters only; ß and dotted İ stay, as they would fold to two', () => {
    expect(foldText('Grüße aus MÜNCHEN, Ça Va? ŁÓDŹ Ελλάδα ПРИВЕТ')).toBe(
      'gruße aus munchen, ca va? łodz ελλάδα привет',
    );
    expect(foldText('明日の会議 مرحبا')).toBe('明日の会議 مرحبا');
    expect(foldText('İstanbul ẞ')).toBe('İstanbul ß');
  });

  it('keeps every text its length in UTF-16 units, so that offsets into the folded text are offsets into the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const folded = foldText(text);
        expect(folded.length).toBe(text.length);
        expect(foldText(folded)).toBe(folded);
      }),
    );
  });

  it('lowers ASCII letters alone for the Redis scripts, which fold the rest from a kept copy', () => {
    expect(lowerAscii('Hello WORLD Ü')).toBe('hello world Ü');
  });

  it('matches a text that contains every term, anywhere, inside words too', () => {
    expect(containsTerms('Concatenate THE files', ['cat', 'the'])).toBe(true);
    expect(containsTerms('Concatenate THE files', ['cat', 'dog'])).toBe(false);
  });
});

describe('the terms of a query', () => {
  it('are its words and quoted phrases, folded, each once', () => {
    expect(parseQuery('  Lunch "AT  Noon" lunch ', 'query.q')).toEqual(['lunch', 'at  noon']);
    expect(parseQuery('"unclosed phrase', 'query.q')).toEqual(['unclosed phrase']);
    expect(parseQuery('東京 مرحبا', 'query.q')).toEqual(['東京', 'مرحبا']);
    expect(parseQuery('say"hi', 'query.q')).toEqual(['say"hi']);
  });

  it('refuse a query of only white space or quotes, one too long, one of too many words, naming the field', () => {
    expect(refusal(() => parseQuery(' \t\n', 'query.q'))).toMatchObject({ field: 'query.q' });
    expect(refusal(() => parseQuery('"" ""', 'query.q')).field).toBe('query.q');
    expect(refusal(() => parseQuery('a'.repeat(201), 'query.q')).message).toMatch(/at most 200 characters/);
    expect(parseQuery('日'.repeat(200), 'query.q')).toHaveLength(1);
    expect(refusal(() => parseQuery('a b c d e f g h i', 'query.q')).message).toMatch(/at most 8/);
    expect(refusal(() => parseQuery('bad \ud800 half', 'query.q')).field).toBe('query.q');
  });

  it('count characters as the trigram index does, a character outside the BMP as one', () => {
    expect(termLength('ab')).toBe(2);
    expect(termLength('😀😀')).toBe(2);
    expect(termLength('東京都')).toBe(3);
  });
});

describe('the matches marked in a hit', () => {
  it('are every occurrence of each term as UTF-16 offsets into the text, overlaps joined, in order', () => {
    expect(matchSpans('Grüße aus MÜNCHEN und München', ['munchen'])).toEqual([
      [10, 17],
      [22, 29],
    ]);
    expect(matchSpans('abcabc', ['bca', 'ab'])).toEqual([[0, 5]]);
    expect(matchSpans('🎉 party, 🎉 PARTY', ['party'])).toEqual([
      [3, 8],
      [13, 18],
    ]);
    expect(matchSpans('no such thing', ['party'])).toBeUndefined();
  });

  it('slice out what was searched for, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
        (text, raw) => {
          const term = foldText(raw);
          const spans = matchSpans(text + raw, [term]);
          expect(spans).toBeDefined();
          for (const [start, end] of spans!) expect(foldText(text + raw).slice(start, end)).toContain(term);
        },
      ),
    );
  });

  it(`are at most ${maxSpans}`, () => {
    expect(matchSpans('a '.repeat(500), ['a'])).toHaveLength(maxSpans);
  });
});

describe('a search cursor', () => {
  it('comes back as the position it was made from', () => {
    for (const id of [1, 123_456_789, Number.MAX_SAFE_INTEGER]) expect(decodeCursor(encodeCursor(id), 'c')).toBe(id);
  });

  it('is refused, naming the field, when this server did not make it', () => {
    for (const cursor of ['', 'abc', 'cDA', 'cC0x', encodeCursor(1).repeat(10), 'p123', '!!!']) {
      expect(refusal(() => decodeCursor(cursor, 'query.cursor')).field).toBe('query.cursor');
    }
  });
});
