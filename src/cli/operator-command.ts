// `parley <command>`: operator commands for a running server, through its socket in the data directory.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { read } from 'read';
import type { OperatorRequest } from '../operator/operator-protocol.js';
import { askServer, NoServerError, socketPath } from '../operator/operator-socket.js';
import { restoreBackup } from '../store/sqlite/restore-backup.js';
import { paragraphs, helpWidth, twoColumns } from '../config/help.js';
import { optionSpecs } from '../config/schema.js';

const data = optionSpecs.data;

/** The operator commands, a row each, as `parley --help` lists them too. */
export const operatorCommands: readonly (readonly [string, string])[] = [
  ['users', 'every account: online or not, when created, how many sessions work'],
  ['backup FILE', 'a consistent copy of the database, taken while the server runs, into a new FILE'],
  [
    'restore FILE',
    'with the server stopped: puts the backup FILE in place as the database, keeps the one it replaces beside ' +
      'it, and says which messages the restore drops',
  ],
  [
    'reset-password NAME',
    "sets a new password (asked at a terminal, else read from standard input) and ends NAME's sessions",
  ],
  ['logout NAME', 'ends every session and stream of NAME'],
  ['delete-user NAME', "deletes NAME's account, sessions and queue; their groups lose them"],
  ['grant-admin NAME', 'makes NAME an admin (the first admin comes from here); revoke-admin NAME takes it back'],
  ['revoke-admin NAME', 'see grant-admin'],
  ['create-user NAME', 'makes an account whatever --registration says; the password is asked as for reset-password'],
  ['bots', 'the bot accounts, as users lists them, each with its owner'],
  ['delete-bot NAME', 'deletes the bot NAME with its token, queue, hooks and webhook (a person is refused)'],
];

/** What the operator commands share, for the end of `parley --help`. */
export const operatorNotes =
  `The operator commands act on the server running on a data directory (--data DIR, or ${data.env}; default ` +
  `${data.default}). They talk to it through the socket it keeps there, which only the owner of the data may open; ` +
  'no network port (restore excepted: it works on the files, with the server stopped). Each prints what it did in ' +
  'one line (users: a line per user) and exits 0; 1 when the server is not running, the name is unknown or the ' +
  'command failed; 2 for a wrong command line.';

/** `parley <command> --help`, laid out for `width` columns. */
function usage(width: number): string {
  return [
    'Usage: parley <command> [--data DIR]',
    '',
    ...twoColumns(operatorCommands, width),
    '',
    ...paragraphs([operatorNotes], width),
    '',
  ].join('\n');
}

class UsageError extends Error {}

/** The new password: asked twice, hidden, at a terminal; otherwise the first line of standard input. */
async function newPassword(name: string): Promise<string> {
  if (!process.stdin.isTTY) return readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  const first = await read({ prompt: `new password for ${name}: `, silent: true, output: process.stderr });
  const again = await read({ prompt: 'the same again: ', silent: true, output: process.stderr });
  if (first !== again) throw new Error('the two passwords differ; nothing was changed');
  return first;
}

async function request(command: string | undefined, args: string[]): Promise<OperatorRequest> {
  const one = (what: string) => {
    if (args.length !== 1) throw new UsageError(`${command} takes one ${what}`);
    return args[0]!;
  };
  switch (command) {
    case 'users':
    case 'bots':
      if (args.length > 0) throw new UsageError(`${command} takes no argument`);
      return { command };
    case 'backup':
      return { command, file: resolve(one('FILE')) };
    case 'logout':
    case 'delete-user':
    case 'delete-bot':
    case 'grant-admin':
    case 'revoke-admin':
      return { command, name: one('NAME') };
    case 'create-user': {
      const name = one('NAME');
      return { command, name, password: await newPassword(name) };
    }
    case 'reset-password': {
      const name = one('NAME');
      return { command, name, password: await newPassword(name) };
    }
    default:
      throw new UsageError(command === undefined ? 'name a command' : `unknown command "${command}"`);
  }
}

/** Runs one operator command (`users`, `backup FILE`, ...; argv starts with its name) and resolves with the exit code. */
export async function operatorCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`parley: ${(err as Error).message}; see --help`);
    return 2;
  }
  if (parsed.values.help || parsed.positionals[0] === 'help') {
    process.stdout.write(usage(helpWidth(process.stdout.columns, env)));
    return 0;
  }
  const dataDir = parsed.values.data ?? env[data.env] ?? data.default;
  const [command, ...args] = parsed.positionals;
  try {
    if (command === 'restore') {
      if (args.length !== 1) throw new UsageError('restore takes one FILE');
      for (const line of restoreBackup(dataDir, args[0]!)) console.log(line);
      return 0;
    }
    const answer = await askServer(socketPath(dataDir), await request(command, args));
    if (!answer.ok) {
      console.error(`parley: ${answer.error}`);
      return 1;
    }
    for (const line of answer.lines) console.log(line);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`parley: ${err.message}; see --help`);
      return 2;
    }
    const hint =
      err instanceof NoServerError
        ? `; start it with parley serve --data ${dataDir}, or pass the --data it runs with`
        : '';
    console.error(`parley: ${(err as Error).message}${hint}`);
    return 1;
  }
}
