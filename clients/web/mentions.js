// Mentions: which messages call the reader, and where in a text the names it calls stand. The server reads them
// from a group message's text when it is sent (`mentions`: members' names, and `everyone` for @everyone); the page
// never guesses from the text alone, so an `@name` of someone outside the group is plain text. No DOM here.

/** The server's word for @everyone in `mentions`. */
export const everyoneMention = 'everyone';

// As the server reads them: `@` not after a name character (an e-mail address calls nobody), then a name.
const mentionPattern = /(?<![A-Za-z0-9_-])@([A-Za-z][A-Za-z0-9_-]{0,31})(?![A-Za-z0-9_-])/g;

/** Whether `msg` calls `me` (by name or @everyone): never the user's own, nor one deleted. */
export function callsReader(msg, me) {
  if (!msg || msg.deleted || msg.from === me || !Array.isArray(msg.mentions)) return false;
  return msg.mentions.includes(me) || msg.mentions.includes(everyoneMention);
}

/**
 * The text cut where it names someone it calls: plain parts `{text}` and mentions `{text, name}` (`text` as
 * written, `name` canonical), in order. Only names in `mentions` count.
 */
export function mentionParts(text, mentions) {
  if (!Array.isArray(mentions) || mentions.length === 0) return [{ text }];
  const parts = [];
  let at = 0;
  for (const match of text.matchAll(mentionPattern)) {
    const name = match[1].toLowerCase();
    if (!mentions.includes(name)) continue;
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ text: match[0], name });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}
