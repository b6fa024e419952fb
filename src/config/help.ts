import { optionSpecs, type OptionKey } from './schema.js';

const keys = Object.keys(optionSpecs) as OptionKey[];

/** Help is laid out for 80 columns when nothing says otherwise, and never for fewer than 60. */
const defaultWidth = 80;
const minWidth = 60;
/** Below this many columns for the meanings, a list puts each meaning under its name rather than beside it. */
const minMeaningWidth = 30;
/** A no-break space holds two words on one line; it is printed as a space. */
const glue = '\u00a0';

/**
 * The width to lay help out for: the terminal's (`columns` of the stream it goes to, undefined when that is not a
 * terminal), else $COLUMNS (`COLUMNS=120 parley --help | less`), else 80; at least 60.
 */
export function helpWidth(columns: number | undefined, env: Readonly<Record<string, string | undefined>>): number {
  const fromEnv = Number(env.COLUMNS);
  const width =
    columns !== undefined && columns > 0 ? columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultWidth;
  return Math.max(minWidth, width);
}

/** `text` in lines of at most `width` characters, broken between words; a longer word stands on a line alone. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/[ \n]+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => l.replaceAll(glue, ' '));
}

/**
 * A list of names (a command, an option) and what each means, indented by two: the meanings beside the names,
 * aligned, when the width leaves them room; otherwise each under its name, indented further.
 */
export function twoColumns(rows: readonly (readonly [string, string])[], width: number): string[] {
  const nameWidth = Math.max(...rows.map(([name]) => name.length)) + 2;
  const beside = width - 2 - nameWidth;
  const out: string[] = [];
  for (const [name, meaning] of rows) {
    if (beside >= minMeaningWidth) {
      const [first = '', ...rest] = wrap(meaning, beside);
      out.push(`  ${name.padEnd(nameWidth)}${first}`.trimEnd(), ...rest.map((l) => ' '.repeat(2 + nameWidth) + l));
    } else {
      out.push(`  ${name}`, ...wrap(meaning, width - 6).map((l) => `      ${l}`));
    }
  }
  return out;
}

/** Paragraphs wrapped to `width`, a blank line between them. */
export function paragraphs(texts: readonly string[], width: number): string[] {
  return texts.flatMap((text, i) => [...(i === 0 ? [] : ['']), ...wrap(text, width)]);
}

/** `parley serve --help`, laid out for `width` columns (see helpWidth). */
export function helpText(width = defaultWidth): string {
  const flagWidth = Math.max(...keys.map((key) => optionSpecs[key].flag.length)) + 2;
  const rows = keys.map((key): [string, string] => {
    const spec = optionSpecs[key];
    const shown = String(spec.default) === '' ? 'empty' : String(spec.default);
    return [`${`--${spec.flag}`.padEnd(flagWidth)}  ${spec.env}`, `${spec.help} (default:${glue}${shown})`];
  });
  return [
    ...paragraphs(
      [
        'Usage: parley serve [options]   (from a clone: npm start -- [options])',
        'Parley: a self-hosted chat server with an HTTP REST + Server-Sent Events API. Every option can also be set ' +
          'by its environment variable; flags win.',
      ],
      width,
    ),
    '',
    ...twoColumns(
      [[`${'flag'.padEnd(flagWidth)}  variable`, 'meaning'], ...rows, ['--help, -h', 'show this help']],
      width,
    ),
    '',
  ].join('\n');
}

/** The configuration table of docs/configuration.md, generated so that the two cannot drift. */
export function markdownTable(): string {
  return [
    '| flag | variable | default | meaning |',
    '|---|---|---|---|',
    ...keys.map((key) => {
      const spec = optionSpecs[key];
      const shown = String(spec.default) === '' ? '(empty)' : `\`${String(spec.default)}\``;
      return `| \`--${spec.flag}\` | \`${spec.env}\` | ${shown} | ${spec.help.replace(/\|/g, '\\|')} |`;
    }),
  ].join('\n');
}
