import { describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../../support/api.js';
import { runParley, spawnServer, tempDir, type ServerProcess } from '../../support/process.js';
import {
  descendants,
  isAlive,
  logInAtTerminal,
  shellClientEnv,
  shellClientPath,
  joinedShellClient,
  startTerminal,
  stoppedAfterEach,
  type ShellClient,
} from '../../support/shell-client.js';

const { servers, clients, terminals } = stoppedAfterEach();

/** A server on a data directory of its own, which the operator commands reach through its socket. */
async function server(): Promise<{ url: string; data: string; process: ServerProcess }> {
  const data = tempDir();
  const started = await spawnServer(['--store', 'sqlite', '--data', data]);
  servers.push(started);
  return { url: started.url, data, process: started };
}

const join = (url: string, user: TestUser) => joinedShellClient(url, user, clients);

/** What the client says last, and the status it exits with, once the session was ended from elsewhere. */
async function ending(client: ShellClient): Promise<{ status: number | string | null; said: string[] }> {
  const status = await client.exited;
  return { status, said: client.lines.stderr.slice(-1) };
}

describe('the shell client when its session is ended from elsewhere', () => {
  it('at a terminal, explains an operator logout within a second, and exits with 5 without a curl left behind', async () => {
    const { url, data } = await server();
    const ann = await register(url, 'ann');
    // The status is printed after the client, so that the screen shows it once the client has gone.
    const terminal = startTerminal(
      `bash -c 'bash ${shellClientPath} --url ${url}; echo "exit status $?"; read'`,
      shellClientEnv(),
    );
    terminals.push(terminal);
    await logInAtTerminal(terminal, ann);
    // Half a line typed: the line editor is waiting for a key when the session ends.
    terminal.type('bob: still typ');
    const below = descendants(terminal.panePid);
    expect(below.map((p) => p.comm)).toContain('curl');

    const logout = await runParley(['logout', 'ann', '--data', data]);
    expect(logout.code, logout.stderr).toBe(0);
    await terminal.waitForScreen(/^-- the server's operator signed you out; run parley again to log in --$/, 1_000);
    await terminal.waitForScreen(/^exit status 5$/, 1_000);
    expect(below.filter(isAlive)).toEqual([]);
    expect(terminal.screen().join('\n')).not.toMatch(/reconnect|error/);
  });

  it('says the operator reset the password, and exits with 6', async () => {
    const { url, data } = await server();
    const bea = await register(url, 'bea');
    const client = await join(url, bea);
    const reset = await runParley(['reset-password', 'bea', '--data', data], { input: 'bea-new-password\n' });
    expect(reset.code, reset.stderr).toBe(0);
    expect(await ending(client)).toEqual({
      status: 6,
      said: ["-- the server's operator reset your password; ask them for the new one, then run parley again --"],
    });
  });

  it('says the account was deleted, by the operator or from another device, and exits with 8', async () => {
    const { url, data } = await server();
    const [cid, dee] = [await register(url, 'cid'), await register(url, 'dee')];
    const byOperator = await join(url, cid);
    const byOwner = await join(url, dee);
    expect((await runParley(['delete-user', 'cid', '--data', data])).code).toBe(0);
    expect((await api(url, 'DELETE', '/account', { token: dee.token, json: { password: dee.password } })).status).toBe(
      204,
    );
    for (const client of [byOperator, byOwner]) {
      expect(await ending(client)).toEqual({
        status: 8,
        said: ['-- this account was deleted, with its messages and groups; run parley again to register anew --'],
      });
    }
  });

  it('says the password was changed from another device, and exits with 4', async () => {
    const { url } = await server();
    const eli = await register(url, 'eli');
    const client = await join(url, eli);
    const changed = await api(url, 'PUT', '/account/password', {
      token: eli.token,
      json: { currentPassword: eli.password, newPassword: 'eli-secret-2' },
    });
    expect(changed.status).toBe(204);
    expect(await ending(client)).toEqual({
      status: 4,
      said: [
        '-- your password was changed from another of your devices; run parley again and log in with the new one --',
      ],
    });
  });

  it('after its own exit says nothing of the kind, and exits with 0', async () => {
    const { url } = await server();
    const fay = await register(url, 'fay');
    const client = await join(url, fay);
    client.send('exit');
    expect(await client.exited).toBe(0);
    expect(client.lines.stderr.slice(-1)).toEqual(['-- logged out --']);
  });
});
