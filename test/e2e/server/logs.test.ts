import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { fastArgs, repoRoot, serverCommand, spawnServer, stopProcess, tempDir } from '../../support/process.js';
import { shellClientEnv, startTerminal } from '../../support/shell-client.js';
import { stopAtEnd } from '../../support/stop-at-end.js';
import { Watched } from '../../support/watched.js';

const cli = serverCommand.join(' ');

/** Starts the server with its stdout on a pipe and resolves with its lines once it says how to stop it. */
async function startPiped(args: readonly string[]): Promise<{ lines: string[]; stop(): Promise<void> }> {
  const child = spawn(serverCommand[0]!, [...serverCommand.slice(1), '--port', '0', ...fastArgs, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const release = stopAtEnd(() => stopProcess(child, exited));
  const lines: string[] = [];
  const watched = new Watched();
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    watched.changed();
  });
  void exited.then(() => watched.end());
  await watched.until(
    () => lines.find((l) => l.includes('to stop it')),
    15_000,
    (why) => `server ${why}:\n${lines.join('\n')}`,
  );
  return {
    lines,
    async stop() {
      await stopProcess(child, exited);
      release();
    },
  };
}

describe('the logs', () => {
  it('are JSON lines when stdout is not a terminal, saying where it listens, the store, its file and how to stop it', async () => {
    const data = tempDir();
    const server = await spawnServer(['--store', 'sqlite', '--data', data]);
    const listening = server.logs.find((entry) => entry.msg === 'parley is listening');
    expect(listening).toMatchObject({ url: server.url, store: 'sqlite', file: join(data, 'parley.db') });
    // Logged right after the listening line, which is what spawnServer waits for.
    expect(await server.waitForLog((entry) => String(entry.msg).startsWith('to stop it'))).toMatchObject({
      pid: server.child.pid,
      msg: `to stop it: Ctrl-C here, or kill -TERM ${server.child.pid}`,
    });
    await server.stop();
  });

  it('are one readable line per event with --log-format pretty, even on a pipe', async () => {
    const server = await startPiped(['--store', 'sqlite', '--data', tempDir(), '--log-format', 'pretty']);
    const listening = server.lines.find((line) => line.includes('parley is listening'))!;
    expect(listening).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: parley is listening \{"url":"http:\/\/127\.0\.0\.1:\d+","store":"sqlite","file":"[^"]+parley\.db"\}$/,
    );
    expect(server.lines.some((line) => line.startsWith('{'))).toBe(false);
    await server.stop();
  });

  it('are readable at a terminal by default', async () => {
    // The shell keeps the pane, and so the screen, once the server has exited.
    const terminal = startTerminal(
      `bash -c '${cli} --port 0 --store memory; echo "exit status $?"; read'`,
      shellClientEnv(),
    );
    const line = await terminal.waitForScreen(/INFO: parley is listening/);
    expect(line).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: parley is listening \{"url":"http:\/\/127\.0\.0\.1:\d+","store":"memory"\}$/,
    );
    await terminal.waitForScreen(/INFO: to stop it: Ctrl-C here, or kill -TERM \d+$/);
    terminal.keys('C-c');
    await terminal.waitForScreen(/^exit status 0$/);
    expect(terminal.screen().some((l) => /INFO: parley stopped$/.test(l))).toBe(true);
    terminal.close();
  });
});
