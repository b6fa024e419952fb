import { describe, expect, it } from 'vitest';
import { reservedNames } from '../../../src/core/names.js';
import { register } from '../../support/api.js';
import { runToEnd, spawnServer } from '../../support/process.js';
import {
  logInAtTerminal,
  shellClientEnv,
  shellClientPath,
  startTerminal,
  stoppedAfterEach,
  type Terminal,
} from '../../support/shell-client.js';

const { servers, terminals } = stoppedAfterEach();

/**
 * The client's own commands, beside the words of the command language the server reserves: `<user>: <text>` and
 * `<group>: <text>` are the forms without a word.
 */
const ownCommands = ['edit', 'delete', 'sessions', 'signout', 'passwd', 'help'];
const forms = ['<user>: <text>', '<group>: <text>'];

/** The screen's lines from the first that starts with `first` to the last that starts with `last`. */
function between(terminal: Terminal, first: string, last: string): string[] {
  const screen = terminal.screen();
  const from = screen.findIndex((line) => line.startsWith(first));
  const to = screen.findLastIndex((line) => line.startsWith(last));
  return screen.slice(from, to + 1);
}

describe('help in the shell client', () => {
  it('lists every command, one line each, at the terminal, as --help does', async () => {
    const server = await spawnServer(['--store', 'memory']);
    servers.push(server);
    const kim = await register(server.url, 'kim');
    const terminal = startTerminal(`bash ${shellClientPath} --url ${server.url}`, shellClientEnv());
    terminals.push(terminal);
    await logInAtTerminal(terminal, kim);
    terminal.type('help');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^ {2}exit {2,}/);

    const listed = between(terminal, '  <user>: <text>', '  exit');
    const words = [...reservedNames].filter((word) => word !== 'everyone');
    for (const command of [...words, ...ownCommands]) {
      const lines = listed.filter((line) => new RegExp(`^ {2}${command}(\\W|$)`).test(line));
      expect({ command, lines: lines.length }).toEqual({ command, lines: 1 });
    }
    for (const form of forms) expect(listed.filter((line) => line.startsWith(`  ${form} `))).toHaveLength(1);
    // One line each: a name, then what it does.
    for (const line of listed) expect(line).toMatch(/^ {2}\S.*\S {2,}\S/);

    const usage = await runToEnd('bash', [shellClientPath, '--help'], { env: shellClientEnv() });
    expect(usage.code).toBe(0);
    expect(usage.stdout).toContain(listed.join('\n'));
    terminal.type('exit');
    terminal.keys('Enter');
    await terminal.waitForExit();
  });

  it('--help names every exit status', async () => {
    const usage = await runToEnd('bash', [shellClientPath, '--help'], { env: shellClientEnv() });
    for (const status of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
      expect(usage.stdout).toMatch(new RegExp(`(: |; )${status} \\w`));
    }
  });
});
