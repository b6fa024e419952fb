import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { api, register, streamPath } from '../../support/api.js';
import { spawnServer, tempDir, type ServerProcess } from '../../support/process.js';
import {
  descendants,
  isAlive,
  shellClientEnv,
  shellClientPath,
  startShellClient,
  startTerminal,
  stoppedAfterEach,
  testClock,
  shownText,
  type ShellClient,
} from '../../support/shell-client.js';
import { openSse, type SseReader } from '../../support/sse.js';

const { servers, clients, streams, terminals } = stoppedAfterEach();

async function server(args: readonly string[]): Promise<ServerProcess> {
  const started = await spawnServer(args);
  servers.push(started);
  return started;
}

/** Starts the client over pipes and waits until it has joined (its stream is open by then). */
async function join(url: string, name: string, password = `${name}-password`): Promise<ShellClient> {
  const client = startShellClient(['--url', url], [name, password]);
  clients.push(client);
  await client.waitFor('stderr', new RegExp(`^-- (registered and )?joined as ${name} --$`));
  return client;
}

async function stream(url: string, user: { name: string; token: string }): Promise<SseReader> {
  const reader = await openSse(url + streamPath(user), { authorization: `Bearer ${user.token}` });
  streams.push(reader);
  return reader;
}

const online = async (url: string, token: string) => {
  const res = await api<{ users: { name: string; online: boolean }[] }>(url, 'GET', '/users', { token });
  return Object.fromEntries(res.body.users.map((u) => [u.name, u.online]));
};

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Keeps a port taken, closing every connection at once; resolves with the function that frees it. */
async function holdPort(port: number): Promise<() => Promise<void>> {
  const holder = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen(port, '127.0.0.1', resolve);
  });
  return () => new Promise<void>((resolve) => holder.close(() => resolve()));
}

const clock = String.raw`\[\d\d:\d\d\] #\d+`;

describe('the shell client (clients/shell/parley)', () => {
  it('exchanges direct, group and broadcast messages with another shell client and a REST user, lists users and logs out on exit', async () => {
    const { url } = await server(['--store', 'memory']);
    const carol = await register(url, 'carol');
    const carolStream = await stream(url, carol);
    await api(url, 'DELETE', '/sessions/current', { token: (await register(url, 'dave')).token });
    const alice = await join(url, 'alice');
    const bob = await join(url, 'bob');

    alice.send('get_users');
    await alice.waitFor('stdout', 'x dave');
    expect(alice.lines.stdout.filter((line) => /^[ox] /.test(line))).toEqual(['o alice', 'o bob', 'o carol', 'x dave']);

    const before = Date.now();
    alice.send('bob: hello bob: how are you?');
    const direct = await bob.waitFor('stdout', /alice: hello bob/);
    expect(direct.line).toMatch(new RegExp(`^${clock} alice: hello bob: how are you\\?$`));
    expect([testClock(before), testClock(Date.now())]).toContain(direct.line.slice(1, 6));

    bob.send('mk_grp:team:alice:carol');
    await bob.waitFor('stdout', '-- group team created: bob, alice, carol --');
    bob.send('team: hi team');
    const group = await alice.waitFor('stdout', /bob @team/);
    expect(group.line).toMatch(new RegExp(`^${clock} bob @team: hi team$`));
    await carolStream.until((events) =>
      events.some((e) => e.event === 'message' && JSON.parse(e.data).text === 'hi team'),
    );
    expect(carolStream.messages()).toContainEqual(
      expect.objectContaining({ from: 'bob', group: 'team', kind: 'group', to: 'carol' }),
    );

    // From a REST user: a broadcast of two lines, and a direct message with characters that need decoding.
    expect(
      (await api(url, 'POST', '/broadcast', { token: carol.token, json: { text: 'news\nsecond line' } })).status,
    ).toBe(202);
    for (const client of [alice, bob]) {
      const first = await client.waitFor('stdout', /carol \(broadcast\): news$/);
      expect(first.line).toMatch(new RegExp(`^${clock} carol \\(broadcast\\): news$`));
      const indent = first.line.length - 'news'.length;
      const second = await client.waitFor('stdout', `${' '.repeat(indent)}second line`, { from: first.index });
      expect(second.index).toBe(first.index + 1);
    }
    const tricky = 'café 😀 "quoted" \\ back/slash\ttab';
    expect(
      (await api(url, 'POST', '/messages', { token: carol.token, json: { to: 'alice', text: tricky } })).status,
    ).toBe(202);
    expect(shownText((await alice.waitFor('stdout', / carol: café/)).line)).toBe(`carol: ${tricky}`);
    // Characters a terminal would obey are shown, not obeyed: DEL in caret notation, C1 controls as U+FFFD.
    expect(
      (await api(url, 'POST', '/messages', { token: carol.token, json: { to: 'alice', text: 'a\u007fb\u009b31mc' } }))
        .status,
    ).toBe(202);
    expect(shownText((await alice.waitFor('stdout', / carol: a\^/)).line)).toBe('carol: a^?b\ufffd31mc');

    // Messages to alice reach the terminal of alice only.
    expect(bob.lines.stdout.some((line) => /café/.test(line))).toBe(false);
    expect(alice.lines.stdout.some((line) => /hello bob/.test(line))).toBe(false);

    alice.send('exit');
    expect(await alice.exited).toBe(0);
    expect(alice.lines.stderr).toContain('-- logged out --');
    expect(await online(url, carol.token)).toMatchObject({ alice: false, bob: true });

    expect(await bob.endInput()).toBe(0);
    expect(await online(url, carol.token)).toMatchObject({ alice: false, bob: false });
    expect(
      [...alice.lines.stdout, ...alice.lines.stderr, ...bob.lines.stdout, ...bob.lines.stderr].filter((l) =>
        l.includes('{'),
      ),
    ).toEqual([]);
  });

  it('reconnects after a server restart and prints a message sent during the gap exactly once', async () => {
    const data = tempDir();
    const store = ['--store', 'sqlite', '--data', data, '--retry-ms', '200'];
    const first = await server(store);
    const bob = await register(first.url, 'bob');
    const alice = await join(first.url, 'alice');

    await api(first.url, 'POST', '/messages', { token: bob.token, json: { to: 'alice', text: 'before the restart' } });
    await alice.waitFor('stdout', /bob: before the restart$/);

    await first.stop();
    // While the server is down its port answers nothing, and the message is sent through a server on another
    // port: alice's client is surely away while it is queued.
    const closeHolder = await holdPort(first.port);
    await alice.waitFor('stderr', '-- connection lost, reconnecting --');
    const elsewhere = await server(store);
    const bobAgain = await register(elsewhere.url, 'bob');
    expect(
      (
        await api(elsewhere.url, 'POST', '/messages', {
          token: bobAgain.token,
          json: { to: 'alice', text: 'during the gap' },
        })
      ).status,
    ).toBe(202);
    await elsewhere.stop();
    await closeHolder();

    const second = await server([...store, '--port', String(first.port)]);
    await alice.waitFor('stderr', '-- reconnected --');
    await alice.waitFor('stdout', /bob: during the gap$/);
    const bobLast = await register(second.url, 'bob');
    await api(second.url, 'POST', '/messages', {
      token: bobLast.token,
      json: { to: 'alice', text: 'after the restart' },
    });
    await alice.waitFor('stdout', /bob: after the restart$/);

    // Each message once, numbered for this session in the order shown.
    expect(alice.lines.stdout.map((line) => line.slice(8))).toEqual([
      '#1 bob: before the restart',
      '#2 bob: during the gap',
      '#3 bob: after the restart',
    ]);
    expect(alice.lines.stderr.filter((line) => /connection lost|reconnected/.test(line))).toEqual([
      '-- connection lost, reconnecting --',
      '-- reconnected --',
    ]);
    alice.send('exit');
    expect(await alice.exited).toBe(0);
  }, 60_000); // three server starts

  it('prints a server error as one readable line and keeps working', async () => {
    const { url } = await server(['--store', 'memory']);
    const bob = await register(url, 'bob');
    const alice = await join(url, 'alice');

    alice.send('zed: hi');
    await alice.waitFor('stderr', 'error: no user or group is called "zed"');
    alice.send('this is not a command');
    await alice.waitFor('stderr', /^error: not a command: use "<user or group>: <text>"/);

    alice.send('bob: still here');
    await api(url, 'POST', '/messages', { token: bob.token, json: { to: 'alice', text: 'me too' } });
    await alice.waitFor('stdout', /bob: me too$/);
    alice.send('get_users');
    await alice.waitFor('stdout', 'x bob');
    expect(alice.lines.stderr.filter((line) => line.startsWith('error:'))).toHaveLength(2);
    expect(alice.lines.stderr.some((line) => line.includes('{'))).toBe(false);
    expect(await alice.endInput()).toBe(0);
  });

  it('sends the password exactly as typed, and says in one line when it is wrong', async () => {
    const { url } = await server(['--store', 'memory']);
    const password = 'p"w\\ d\té€ {x}';
    const zoe = await join(url, 'zoe', password);
    expect(await zoe.endInput()).toBe(0);
    expect((await api(url, 'POST', '/sessions', { json: { username: 'zoe', password } })).status).toBe(200);

    const wrong = startShellClient(['--url', url], ['zoe', 'not the password']);
    clients.push(wrong);
    expect(await wrong.exited).toBe(1);
    expect(wrong.lines.stderr).toEqual(['error: wrong password for "zoe"']);
  });

  it('says so in one line when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = startShellClient(['--url', url], ['alice', 'alice-password']);
    clients.push(client);
    expect(await client.exited).toBe(1);
    expect(client.lines.stderr).toEqual([`error: cannot connect to ${url} (is the server running?)`]);
  });

  it('leaves on SIGINT without a curl process left behind', async () => {
    const { url } = await server(['--store', 'memory']);
    const carol = await register(url, 'carol');
    const alice = await join(url, 'alice');
    const below = descendants(alice.pid);
    expect(below.map((p) => p.comm)).toContain('curl');

    alice.child.kill('SIGINT');
    expect(await alice.exited).toBe(130);
    expect(below.filter(isAlive)).toEqual([]);
    expect(await online(url, carol.token)).toMatchObject({ alice: false });
  });

  it('at a terminal hides the password, and Ctrl-C leaves without a curl process left behind', async () => {
    const { url } = await server(['--store', 'memory']);
    const carol = await register(url, 'carol');
    const terminal = startTerminal(`bash ${shellClientPath} --url ${url}`, shellClientEnv());
    terminals.push(terminal);

    await terminal.waitForScreen(/^USERNAME:\s*$/);
    terminal.type('alice');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^password:\s*$/);
    terminal.type('secret-words');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^-- registered and joined as alice --$/);
    expect(terminal.screen().join('\n')).not.toContain('secret-words');

    await api(url, 'POST', '/messages', { token: carol.token, json: { to: 'alice', text: 'hello at the terminal' } });
    await terminal.waitForScreen(/^\[\d\d:\d\d\] #1 carol: hello at the terminal$/);
    terminal.type('carol: hi back');
    terminal.keys('Enter');
    const carolStream = await stream(url, carol);
    await carolStream.until((events) => events.some((e) => e.event === 'message'));
    expect(carolStream.messages()).toEqual([
      expect.objectContaining({ from: 'alice', text: 'hi back', kind: 'direct' }),
    ]);

    const below = descendants(terminal.panePid);
    expect(below.map((p) => p.comm)).toContain('curl');
    terminal.keys('C-c');
    await terminal.waitForExit();
    expect(below.filter(isAlive)).toEqual([]);
    expect(await online(url, carol.token)).toMatchObject({ alice: false });
  });
});
