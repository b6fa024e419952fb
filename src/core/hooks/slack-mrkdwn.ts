/**
 * Slack's inline markup made plain text. Slack escapes `&`, `<` and `>` in message text and uses angle brackets for
 * links, mentions and dates (https://api.slack.com/reference/surfaces/formatting). Emphasis (`*bold*`, `_italic_`,
 * `~strike~`, backticks) stays as written: it reads well enough as it is.
 */

// One pass over both forms, so that a `&lt;` unescaped into `<` is never read as the start of markup.
const markupOrEntity = /<([^<>\n]*)>|&(lt|gt|amp);/g;
const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&' };
const urlScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const broadcasts = new Set(['here', 'channel', 'everyone']);

export function mrkdwnToPlain(text: string): string {
  return text.replace(markupOrEntity, (whole, inside: string | undefined, entity: string | undefined) =>
    inside === undefined ? entities[entity as string]! : (renderMarkup(inside) ?? whole),
  );
}

/** Undoes Slack's three escapes only: inside markup, labels and URLs are escaped like the text around them. */
function unescape(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_, entity: string) => entities[entity]!);
}

/** The plain text for `<inside>`, or undefined when it is no markup Slack knows (an unescaped `<` left in place). */
function renderMarkup(inside: string): string | undefined {
  const bar = inside.indexOf('|');
  const target = bar === -1 ? inside : inside.slice(0, bar);
  const label = bar === -1 ? '' : unescape(inside.slice(bar + 1)).trim();
  if (target.startsWith('!')) return renderCommand(target.slice(1), label);
  // Only text: Parley has no such mentions, and nobody is notified.
  if (target.startsWith('@')) return label === '' ? target : `@${label.replace(/^@/, '')}`;
  if (target.startsWith('#')) return `#${label === '' ? target.slice(1) : label.replace(/^#/, '')}`;
  if (!urlScheme.test(target)) return undefined;
  const url = unescape(target);
  return label === '' || label === url ? url : `${label} (${url})`;
}

/** `<!here>`, `<!subteam^ID|@team>`, `<!date^1392734382^{date}|Feb 18>` and the like. */
function renderCommand(command: string, label: string): string {
  const name = command.split('^')[0]!;
  if (broadcasts.has(name)) return `@${name}`;
  if (label !== '') return label;
  return name === 'subteam' ? `@${command.split('^')[1] ?? name}` : '';
}
