import { optionSpecs, type OptionKey } from './schema.js';

const keys = Object.keys(optionSpecs) as OptionKey[];

export function helpText(): string {
  const rows = keys.map((key) => {
    const spec = optionSpecs[key];
    return `  --${spec.flag.padEnd(20)} ${spec.env.padEnd(28)} ${spec.help} (default: ${String(spec.default)})`;
  });
  return [
    'Usage: parley serve [options]   (from a clone: npm start -- [options])',
    '',
    'Parley: a self-hosted chat server with an HTTP REST + Server-Sent Events API.',
    'Every option can also be set by its environment variable; flags win.',
    '',
    '  flag                   variable                     meaning',
    ...rows,
    '  --help, -h             show this help',
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
