import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogLines } from '../../support/log-lines.js';
import { fastArgs, repoRoot, serverCommand, tempDir } from '../../support/process.js';
import { openSse } from '../../support/sse.js';
import { makeCertificate, servedFingerprint } from '../../support/tls.js';
import { join as joinAs } from '../../security/client.js';

/** The lines of a JSON log file as they are written, read on each change the file's watcher reports. */
function followLog(file: string): { lines: LogLines; stop(): void } {
  writeFileSync(file, '');
  const lines = new LogLines();
  const fd = openSync(file, 'r');
  let position = 0;
  let partial = '';
  const read = () => {
    const buffer = Buffer.alloc(64 * 1024);
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, position)) > 0; position += n)
      partial += buffer.toString('utf8', 0, n);
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const line of complete) if (line.startsWith('{')) lines.add(JSON.parse(line) as Record<string, unknown>);
  };
  const watcher: FSWatcher = watch(file, read);
  return {
    lines,
    stop() {
      watcher.close();
      closeSync(fd);
    },
  };
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

let terminal: ChildProcess | undefined;
let serverPid: number | undefined;
let log: ReturnType<typeof followLog> | undefined;
afterEach(() => {
  terminal?.kill('SIGKILL');
  try {
    if (serverPid !== undefined) process.kill(serverPid, 'SIGTERM');
  } catch {
    // already stopped, as it should be
  }
  log?.stop();
});

describe('SIGHUP and the terminal', () => {
  it('reloads the certificate on a SIGHUP sent to it, and ends at once when the terminal it runs in closes', async () => {
    const dir = tempDir('parley-hangup-');
    const pair = await makeCertificate(dir);
    log = followLog(join(dir, 'log'));
    const args = [
      '--port',
      '0',
      '--data',
      join(dir, 'data'),
      ...fastArgs,
      '--tls-cert',
      pair.cert,
      '--tls-key',
      pair.key,
    ];
    const command = `exec ${[...serverCommand, ...args].map(quote).join(' ')} >> ${quote(join(dir, 'log'))} 2>&1`;
    // `script` runs the server in a new session on a pseudo-terminal of its own; killing it closes the terminal.
    terminal = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: repoRoot,
      stdio: ['pipe', 'ignore', 'ignore'],
    });

    const listening = await log.lines.waitFor((entry) => entry.msg === 'parley is listening');
    serverPid = Number(listening.pid);
    process.kill(serverPid, 'SIGHUP');
    expect(await log.lines.waitFor((entry) => entry.msg === 'TLS files reread')).toMatchObject({
      outcome: 'unchanged',
    });

    // A stream is open when the terminal closes: the process ending closes its connection.
    const url = String(listening.url);
    const bob = await joinAs(url, 'bob', { ca: pair.pem });
    const stream = await openSse(`${url}/users/bob/stream`, { authorization: `Bearer ${bob.token}` }, { ca: pair.pem });
    expect(stream.status).toBe(200);

    terminal.kill('SIGKILL');
    await stream.ended;
    // Nobody serves the port any more (a connection the dying process had not accepted yet is reset).
    const failure = await servedFingerprint(url).then(
      () => 'a certificate was served',
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(failure);
    expect(log.lines.entries.map((entry) => entry.msg)).not.toContain('shutting down');
  });
});
