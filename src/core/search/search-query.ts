import { ChatError } from '../errors.js';
import { foldText } from './fold.js';

/** The longest query, in characters (code points), and the most terms it may hold. */
export const queryLimits = { maxLength: 200, maxTerms: 8 } as const;

/**
 * Terms shorter than this (in characters) cannot use SQLite's trigram index: a search made only of them reads
 * the conversations instead (see docs/search.md).
 */
export const indexedTermLength = 3;

// A quoted phrase (its closing quote may be missing: it runs to the end), or a run of anything but white space.
const termPattern = /"([^"]*)"?|([^\s"]\S*)/g;

/**
 * The terms of a query, folded (see fold.ts), each once: words separated by white space, and phrases in double
 * quotes, which keep their inner spaces. A message matches when its text contains every term. A query of only
 * white space, longer than `queryLimits.maxLength` or with more than `maxTerms` terms is refused, naming `field`.
 */
export function parseQuery(q: string, field: string): string[] {
  const refuse = (why: string) => new ChatError('invalid_request', `${field}: ${why}`, field);
  if (q.trim() === '') throw refuse('must not be empty or only white space');
  if (/\p{Cs}/u.test(q)) throw refuse('must not hold lone surrogates');
  if ([...q].length > queryLimits.maxLength) throw refuse(`must be at most ${queryLimits.maxLength} characters`);
  const terms: string[] = [];
  for (const [, phrase, word] of q.matchAll(termPattern)) {
    const term = foldText((phrase ?? word ?? '').trim());
    if (term !== '' && !terms.includes(term)) terms.push(term);
  }
  if (terms.length === 0) throw refuse('must hold a word, not only quotes');
  if (terms.length > queryLimits.maxTerms) throw refuse(`must hold at most ${queryLimits.maxTerms} words or phrases`);
  return terms;
}

/** A term's length in characters (code points), as the trigram index counts them. */
export function termLength(term: string): number {
  let n = 0;
  for (const _ of term) n++;
  return n;
}
