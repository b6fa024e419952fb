import { copyFileSync, existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { parleyCommand, repoRoot, runParley, serverFleet, tempDir, type ServerProcess } from '../../support/process.js';
import { shellClientEnv, startTerminal } from '../../support/shell-client.js';
import { messageCount, openSse, type SseReader } from '../../support/sse.js';

const servers = serverFleet();
const readers = new Set<SseReader>();
let data: string;
let server: ServerProcess;

beforeAll(async () => {
  data = tempDir('parley-operator-');
  server = await servers.start(['--store', 'sqlite', '--data', data, '--message-rate', '0']);
});
afterAll(async () => {
  for (const reader of readers) reader.close();
  await servers.stopAll();
});

/** `parley <args> --data <the server's>`. */
const parley = (args: readonly string[], input?: string) =>
  runParley([...args, '--data', data], input === undefined ? {} : { input });

async function stream(user: TestUser): Promise<SseReader> {
  const reader = await openSse(server.url + streamPath(user), { authorization: `Bearer ${user.token}` });
  expect(reader.status).toBe(200);
  readers.add(reader);
  return reader;
}

const works = async (user: TestUser) => (await api(server.url, 'GET', '/users', { token: user.token })).status === 200;

/** A session of `name` as it logs in with `password` (200) or fails to (401). */
async function login(name: string, password: string): Promise<{ status: number; token: string }> {
  const res = await api(server.url, 'POST', '/sessions', { json: { username: name, password } });
  return { status: res.status, token: res.body.token };
}

/** The TCP ports a process listens on, and the paths of its listening Unix sockets, read from /proc. */
function listeners(pid: number): { tcp: number[]; unix: string[] } {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const tcp: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9]!)) tcp.push(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  const unix: string[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/unix`, 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // Flags 00010000: accepting connections.
    if (f[3] === '00010000' && inodes.has(f[6]!) && f[7] !== undefined) unix.push(f[7]);
  }
  return { tcp, unix };
}

describe('the operator commands', () => {
  it('answer on a socket in the data directory that only the owner may open, and on no network port', () => {
    const socket = join(data, 'parley.sock');
    const stat = statSync(socket);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(listeners(server.child.pid!)).toEqual({ tcp: [server.port], unix: [socket] });
  });

  it('users: lists every account with its online state, creation date and working sessions, one line each', async () => {
    const ann = await register(server.url, 'ann');
    await register(server.url, 'ben');
    await stream(ann);
    const today = new Date().toISOString().slice(0, 10);
    const { code, stdout, stderr } = await parley(['users']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('ann '))).toMatch(
      new RegExp(`^ann +online +created ${today} \\d\\d:\\d\\d UTC +1 session$`),
    );
    expect(lines.find((l) => l.startsWith('ben '))).toMatch(
      new RegExp(`^ben +offline +created ${today} \\d\\d:\\d\\d UTC +1 session$`),
    );
  });

  it('reset-password: reads the new password from standard input, ends every session and stream, and the new password works', async () => {
    const cat = await register(server.url, 'cat');
    const second = await login('cat', cat.password);
    const reader = await stream(cat);
    const { code, stdout } = await parley(['reset-password', 'cat'], 'cat-new-password\n');
    expect(code).toBe(0);
    expect(stdout).toBe('new password for cat: 2 sessions ended, 1 stream closed\n');
    await reader.ended;
    expect(reader.comments).toContain('end: password_reset');
    expect(await works(cat)).toBe(false);
    expect(await works({ ...cat, token: second.token })).toBe(false);
    expect((await login('cat', cat.password)).status).toBe(401);
    expect((await login('cat', 'cat-new-password')).status).toBe(200);
  });

  it('reset-password: at a terminal asks twice without showing what is typed', async () => {
    await register(server.url, 'dot');
    const terminal = startTerminal(
      `bash -c '${parleyCommand.join(' ')} reset-password dot --data ${data}; echo "exit status $?"; read'`,
      shellClientEnv(),
    );
    await terminal.waitForScreen(/^new password for dot:\s*$/);
    terminal.type('dot-typed-secret');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^the same again:\s*$/);
    terminal.type('dot-typed-secret');
    terminal.keys('Enter');
    await terminal.waitForScreen(/^exit status 0$/);
    const screen = terminal.screen().join('\n');
    terminal.close();
    expect(screen).toContain('new password for dot: 1 session ended, 0 streams closed');
    expect(screen).not.toContain('dot-typed-secret');
    expect((await login('dot', 'dot-typed-secret')).status).toBe(200);
  });

  it('reset-password: refuses a password too short, changing nothing', async () => {
    const eve = await register(server.url, 'eve');
    const { code, stdout, stderr } = await parley(['reset-password', 'eve'], 'short\n');
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: 'parley: password must be at least 8 characters\n',
    });
    expect(await works(eve)).toBe(true);
  });

  it('logout: ends every session and every stream of a user, and nobody else’s', async () => {
    const fay = await register(server.url, 'fay');
    const other = await login('fay', fay.password);
    const gus = await register(server.url, 'gus');
    const streams = [await stream(fay), await stream({ ...fay, token: other.token })];
    const bystander = await stream(gus);
    const { code, stdout } = await parley(['logout', 'fay']);
    expect(code).toBe(0);
    expect(stdout).toBe('logged out fay: 2 sessions ended, 2 streams closed\n');
    for (const reader of streams) {
      await reader.ended;
      expect(reader.comments).toContain('end: operator_logout');
    }
    expect(await works(fay)).toBe(false);
    expect(await works({ ...fay, token: other.token })).toBe(false);
    expect(await works(gus)).toBe(true);
    const sent = await api(server.url, 'POST', '/messages', {
      token: gus.token,
      json: { to: 'gus', text: 'still here' },
    });
    expect(sent.status).toBe(202);
    await bystander.until(messageCount(1));
  });

  it('delete-user: removes the account, its sessions and queue; its groups lose it; the name is free again', async () => {
    const hal = await register(server.url, 'hal');
    const ida = await register(server.url, 'ida');
    const jon = await register(server.url, 'jon');
    expect(
      (await api(server.url, 'POST', '/groups', { token: hal.token, json: { name: 'crew', members: ['ida', 'jon'] } }))
        .status,
    ).toBe(201);
    for (const text of ['one', 'two'])
      expect((await api(server.url, 'POST', '/messages', { token: hal.token, json: { to: 'jon', text } })).status).toBe(
        202,
      );
    const jonStream = await stream(jon);
    await jonStream.until(messageCount(2));

    const { code, stdout } = await parley(['delete-user', 'jon']);
    expect(code).toBe(0);
    expect(stdout).toBe('deleted jon: account and queue removed, 1 session ended, 1 stream closed, left 1 group\n');
    await jonStream.ended;
    expect(jonStream.comments).toContain('end: deleted');
    expect(await works(jon)).toBe(false);
    const users = (await api(server.url, 'GET', '/users', { token: hal.token })).body.users.map(
      (u: { name: string }) => u.name,
    );
    expect(users).not.toContain('jon');
    expect((await api(server.url, 'GET', '/groups', { token: ida.token })).body.groups).toEqual([
      { name: 'crew', members: ['hal', 'ida'], owner: 'hal', createdBy: 'hal' },
    ]);
    expect(
      (await api(server.url, 'POST', '/messages', { token: hal.token, json: { to: 'jon', text: 'gone?' } })).status,
    ).toBe(404);

    // A new jon starts from nothing: no old messages, and the old password is no key to it.
    const again = await api(server.url, 'POST', '/sessions', {
      json: { username: 'jon', password: 'another-jon-password' },
    });
    expect(again.status).toBe(201);
    expect(
      (await api(server.url, 'POST', '/messages', { token: hal.token, json: { to: 'jon', text: 'welcome' } })).status,
    ).toBe(202);
    const fresh = await stream({ ...jon, token: again.body.token });
    await fresh.until(messageCount(1));
    expect(fresh.messages().map((m) => m.text)).toEqual(['welcome']);
  });

  it('bots and delete-bot: list the bots with their owners, and delete one with its hook; a person is refused', async () => {
    const kim = await register(server.url, 'kim');
    const made = await api(server.url, 'POST', '/bots', { token: kim.token, json: { name: 'kimbot' } });
    expect(made.status).toBe(201);
    const hook = await api(server.url, 'POST', '/hooks', { token: made.body.token, json: { to: 'kim' } });
    expect(hook.status).toBe(201);
    const listed = await parley(['bots']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^kimbot +offline +created \d{4}-\d\d-\d\d \d\d:\d\d UTC +1 session +bot of kim\n$/);
    expect((await parley(['users'])).stdout).toMatch(/^kimbot .* bot of kim$/m);
    expect(await parley(['delete-bot', 'kim'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'parley: "kim" is a person, not a bot; delete-user deletes people\n',
    });
    const deleted = await parley(['delete-bot', 'kimbot']);
    expect(deleted).toMatchObject({ code: 0 });
    expect(deleted.stdout).toBe(
      'deleted bot kimbot: account, hooks and webhook removed, 1 session ended, 0 streams closed\n',
    );
    expect(await works({ ...kim, token: made.body.token })).toBe(false);
    const post = await fetch(hook.body.url, {
      method: 'POST',
      body: JSON.stringify({ text: 'still here?' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(404);
    expect((await parley(['bots'])).stdout).toBe('no bots\n');
  });

  it('say so and exit 1 for an unknown name, and 2 for a wrong command line', async () => {
    for (const command of ['logout', 'delete-user']) {
      expect(await parley([command, 'nobody'])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'parley: no user is called "nobody"\n',
      });
    }
    expect(await parley(['reset-password', 'nobody'], 'long-enough-password\n')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'parley: no user is called "nobody"\n',
    });
    expect(await parley(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: 'parley: unknown command "frobnicate"; see --help\n',
    });
    expect(await parley(['logout'])).toMatchObject({ code: 2, stderr: 'parley: logout takes one NAME; see --help\n' });
  });
});

describe('backup', () => {
  it('copies the database while the server takes messages; the copy has every message answered 202 before it began, and restores', async () => {
    const reader = await register(server.url, 'reader');
    const senders = await Promise.all([0, 1, 2, 3].map((i) => register(server.url, `sender${i}`)));
    const acked: { id: string; text: string; at: number }[] = [];
    let stop = false;
    // Four senders on loopback, 400 messages each at most, until the backup has finished.
    const load = senders.map(async (sender) => {
      for (let i = 0; i < 400 && !stop; i++) {
        const text = `${sender.name} #${i}`;
        const res = await api(server.url, 'POST', '/messages', { token: sender.token, json: { to: 'reader', text } });
        expect(res.status).toBe(202);
        acked.push({ id: res.body.id, text, at: performance.now() });
      }
    });
    while (acked.length < 200) await Promise.race([...load, new Promise((resolve) => setImmediate(resolve))]);

    const file = join(tempDir('parley-backup-'), 'parley-backup.db');
    const began = performance.now();
    const before = acked.filter((m) => m.at < began);
    const result = await parley(['backup', file]);
    const finished = performance.now();
    stop = true;
    await Promise.all(load);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^backed up to ${file} \\(\\d+ KiB\\) in \\d+\\.\\d s\\n$`));
    // The server went on answering while the backup ran.
    expect(acked.filter((m) => m.at > began && m.at < finished).length).toBeGreaterThan(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db
        .prepare('SELECT m.id, m.text FROM queue q JOIN messages m ON m.id = q.message_id WHERE q.recipient = ?')
        .all('reader') as { id: number; text: string }[];
      const stored = new Map(rows.map((r) => [String(r.id), r.text]));
      expect(before.filter((m) => stored.get(m.id) !== m.text)).toEqual([]);
    } finally {
      db.close();
    }

    // Restore: the copy as parley.db of a new data directory.
    const restoredData = tempDir('parley-restored-');
    copyFileSync(file, join(restoredData, 'parley.db'));
    const restored = await servers.start(['--store', 'sqlite', '--data', restoredData]);
    const session = await api(restored.url, 'POST', '/sessions', {
      json: { username: 'reader', password: reader.password },
    });
    expect(session.status).toBe(200);
    const inbox = await openSse(restored.url + streamPath(reader), { authorization: `Bearer ${session.body.token}` });
    readers.add(inbox);
    await inbox.until(messageCount(before.length));
    const received = new Set(inbox.messages<{ id: string }>().map((m) => m.id));
    expect(before.filter((m) => !received.has(m.id))).toEqual([]);
  });

  it('refuses to overwrite a file', async () => {
    const file = join(tempDir(), 'taken.db');
    copyFileSync(join(repoRoot, 'package.json'), file);
    const { code, stderr } = await parley(['backup', file]);
    expect(code).toBe(1);
    expect(stderr).toBe(`parley: ${file} exists; give the name of a new file\n`);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  });
});

describe('the operator commands without a server', () => {
  it('say that no server is running, exit 1, and the socket is gone once the server stopped', async () => {
    const own = tempDir('parley-stopped-');
    const stopped = await servers.start(['--store', 'sqlite', '--data', own]);
    expect(await stopped.stop()).toBe(0);
    expect(existsSync(join(own, 'parley.sock'))).toBe(false);
    const { code, stdout, stderr } = await runParley(['users', '--data', own]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      `parley: no Parley server is running on this data directory (nothing answers on ${join(own, 'parley.sock')}); ` +
        `start it with parley serve --data ${own}, or pass the --data it runs with\n`,
    );
  });

  it('find a server killed without a chance to clean up gone as well, and a restarted one answers again', async () => {
    const own = tempDir('parley-killed-');
    const killed = await servers.start(['--store', 'sqlite', '--data', own]);
    await killed.kill();
    expect((await runParley(['users', '--data', own])).stderr).toMatch(/^parley: no Parley server is running/);
    await servers.start(['--store', 'sqlite', '--data', own]);
    expect(await runParley(['users', '--data', own])).toEqual({ code: 0, stdout: 'no users\n', stderr: '' });
  });
});
