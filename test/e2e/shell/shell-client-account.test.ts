import { describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { spawnServer, tempDir, type ServerProcess } from '../../support/process.js';
import {
  descendants,
  isAlive,
  logInAtTerminal,
  shellClientEnv,
  shellClientPath,
  joinedShellClient,
  startTerminal,
  stoppedAfterEach,
} from '../../support/shell-client.js';
import { openSse, type SseReader } from '../../support/sse.js';

const { servers, clients, streams, terminals } = stoppedAfterEach();

async function server(): Promise<ServerProcess> {
  const started = await spawnServer(['--store', 'sqlite', '--data', tempDir()]);
  servers.push(started);
  return started;
}

const join = (url: string, user: TestUser) => joinedShellClient(url, user, clients);

/** Another device of `user`: a session of its own and its stream. */
async function device(url: string, user: TestUser, userAgent: string): Promise<{ token: string; stream: SseReader }> {
  const res = await api(url, 'POST', '/sessions', {
    json: { username: user.name, password: user.password },
    headers: { 'user-agent': userAgent },
  });
  const stream = await openSse(url + streamPath(user), { authorization: `Bearer ${res.body.token}` });
  streams.push(stream);
  return { token: res.body.token, stream };
}

describe('the shell client and the account', () => {
  it('lists the sessions, signs one out, and changes the password, which signs out the other devices', async () => {
    const { url } = await server();
    const alice = await register(url, 'alice');
    const client = await join(url, alice);
    const phone = await device(url, alice, 'ParleyPhone/2.0');
    const tablet = await device(url, alice, 'ParleyTablet/1.0');

    client.send('sessions');
    // Four lines, one per session; their order among sessions opened in one millisecond is the store's.
    const first = client.lines.stdout.length;
    await client.waitFor('stdout', /./, { from: first + 3 });
    const rows = client.lines.stdout.slice(first, first + 4);
    const row = String.raw`[A-Za-z0-9_-]{16}  signed in \d\d:\d\d, last used \d\d:\d\d  `;
    expect(rows).toHaveLength(4);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^  ${row}ParleyPhone/2\\.0$`)),
        expect.stringMatching(new RegExp(`^  ${row}ParleyTablet/1\\.0$`)),
        expect.stringMatching(new RegExp(`^\\* ${row}curl/[\\d.]+$`)),
        expect.stringMatching(new RegExp(`^  ${row}node$`)),
      ]),
    );
    const phoneId = rows.find((r) => r.endsWith('ParleyPhone/2.0'))!.slice(2, 18);
    client.send(`signout ${phoneId}`);
    await client.waitFor('stderr', `-- signed out session ${phoneId} --`);
    await phone.stream.ended;
    expect(phone.stream.comments).toContain('end: revoked');
    expect((await api(url, 'GET', '/users', { token: phone.token })).status).toBe(401);

    client.send('passwd');
    client.send('not-the-password');
    client.send('alice-secret-2');
    await client.waitFor('stderr', 'error: wrong password for "alice"');
    expect((await api(url, 'GET', '/users', { token: tablet.token })).status).toBe(200);

    client.send('passwd');
    client.send(alice.password);
    client.send('alice-secret-2');
    await client.waitFor('stderr', '-- password changed; your other devices are signed out --');
    await tablet.stream.ended;
    expect(tablet.stream.comments).toContain('end: password_changed');
    for (const token of [tablet.token, alice.token])
      expect((await api(url, 'GET', '/users', { token })).status).toBe(401);
    expect(
      (await api(url, 'POST', '/sessions', { json: { username: 'alice', password: 'alice-secret-2' } })).status,
    ).toBe(200);
    // The client's own session stays: it still sends.
    const bob = await register(url, 'bob');
    const bobStream = await openSse(url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    streams.push(bobStream);
    client.send('bob: after the change');
    await bobStream.until((events) => events.some((e) => e.event === 'message'));
    expect(bobStream.messages()).toEqual([expect.objectContaining({ from: 'alice', text: 'after the change' })]);
    expect(client.lines.stderr.join('\n')).not.toContain('alice-secret-2');
    expect(await client.endInput()).toBe(0);
  });

  it('says it was signed out from another device, and leaves without reconnecting or a curl left behind', async () => {
    const { url } = await server();
    const carol = await register(url, 'carol');
    const client = await join(url, carol);
    const below = descendants(client.pid);
    expect(below.map((p) => p.comm)).toContain('curl');
    const sessions = (await api(url, 'GET', '/sessions', { token: carol.token })).body.sessions as {
      id: string;
      userAgent?: string;
    }[];
    const clientSession = sessions.find((s) => s.userAgent?.startsWith('curl/'))!;
    expect((await api(url, 'DELETE', `/sessions/${clientSession.id}`, { token: carol.token })).status).toBe(204);
    expect(await client.exited).toBe(3);
    expect(client.lines.stderr.slice(-1)).toEqual([
      '-- this session was signed out from another of your devices; run parley again to log in --',
    ]);
    expect(below.filter(isAlive)).toEqual([]);
  });

  it('at a terminal asks for the passwords without echo, twice for the new one', async () => {
    const { url } = await server();
    const dave = await register(url, 'dave');
    const terminal = startTerminal(`bash ${shellClientPath} --url ${url}`, shellClientEnv());
    terminals.push(terminal);
    await logInAtTerminal(terminal, dave);
    terminal.type('passwd');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^current password:\s*$/);
    terminal.type(dave.password);
    terminal.keys('Enter');
    await terminal.waitForScreen(/^new password:\s*$/);
    terminal.type('dave-typed-secret');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^new password again:\s*$/);
    terminal.type('dave-typed-secret');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^-- password changed; your other devices are signed out --$/);
    expect(terminal.screen().join('\n')).not.toContain('dave-typed-secret');
    expect(terminal.screen().join('\n')).not.toContain(dave.password);
    expect(
      (await api(url, 'POST', '/sessions', { json: { username: 'dave', password: 'dave-typed-secret' } })).status,
    ).toBe(200);
    terminal.type('exit');
    terminal.keys('Enter');
    await terminal.waitForExit();
  });
});
