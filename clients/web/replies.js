// Replies as the page holds them: the quote a reply carries (`replyTo: {id, from, text}`, or `{id, from, deleted:
// true}` once the original is gone), made here for a reply this page sends, and blanked in every reply held when
// the original's `deleted` event comes. No DOM and no network here.

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** As long as the server's quote of an original (ReplyQuote in openapi.yaml), before its `…`. */
export const quoteLength = 120;

/**
 * The start of a text on one line: white space run together, at most `length` code points (as the server counts
 * them), cut between graphemes so that no emoji comes out in pieces, then `…`.
 */
export function excerpt(text, length) {
  const line = text.replace(/\s+/g, ' ').trim();
  let start = '';
  let codePoints = 0;
  for (const { segment } of graphemes.segment(line)) {
    codePoints += [...segment].length;
    if (codePoints > length) return `${start}…`;
    start += segment;
  }
  return line;
}

/**
 * The quote of `original` for a reply this page sends, as the server makes it: what the log shows until the
 * stream brings the reply itself.
 */
export const quoteOf = (original) => ({
  id: original.id,
  from: original.from,
  text: excerpt(original.text ?? '', quoteLength),
});

/**
 * Blanks the quote of every reply to `id` among `messages`, as the server did in its store when the original was
 * deleted. @returns {object[]} the replies whose quote changed
 */
export function blankQuotes(messages, id) {
  const blanked = [];
  for (const msg of messages) {
    const quote = msg.replyTo;
    if (!quote || quote.id !== id || quote.deleted) continue;
    msg.replyTo = { id: quote.id, from: quote.from, deleted: true };
    blanked.push(msg);
  }
  return blanked;
}
