// `parley <command>`: the one command of Parley (package.json `bin`, bin/parley.js). `serve` runs the server; the
// others are the operator commands of src/cli/operator-command.ts. Each loads only its own modules.
import { readFileSync } from 'node:fs';

/** The version of package.json, which sits one level up from src/ and from dist/ alike. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}

/** `parley --help`, laid out for the width of the terminal it goes to. */
async function help(stream: NodeJS.WriteStream, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const [{ operatorCommands, operatorNotes }, { helpWidth, paragraphs, twoColumns }] = await Promise.all([
    import('./operator-command.js'),
    import('../config/help.js'),
  ]);
  const width = helpWidth(stream.columns, env);
  return [
    ...paragraphs(
      [
        'Usage: parley <command> [options]',
        'Parley: a self-hosted chat server with an HTTP REST + Server-Sent Events API.',
      ],
      width,
    ),
    '',
    ...twoColumns(
      [
        ['serve [options]', 'runs the server; `parley serve --help` lists every option and its PARLEY_* variable'],
        ...operatorCommands,
        ['--version', 'prints the version'],
        ['--help, -h', 'shows this help'],
      ],
      width,
    ),
    '',
    ...paragraphs([operatorNotes], width),
    '',
  ].join('\n');
}

async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      // Exits by itself: at SIGTERM, or at once when the start fails.
      await (await import('./serve-command.js')).serveCommand(rest, env);
      return undefined;
    case '--version':
    case '-v':
      process.stdout.write(`parley ${version()}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(await help(process.stdout, env));
      return 0;
    case undefined:
      process.stderr.write(await help(process.stderr, env));
      return 2;
    default:
      return (await import('./operator-command.js')).operatorCommand(argv, env);
  }
}

const code = await main(process.argv.slice(2), process.env);
if (code !== undefined) process.exitCode = code;
