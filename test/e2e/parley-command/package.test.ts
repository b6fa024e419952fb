// Parley as an operator installs it: `npm pack`, `npm install -g` into a prefix of its own, `parley serve` from there.
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath } from '../../support/api.js';
import { repoRoot, runToEnd, serverFleet, serverThroughTsx, tempDir, type Finished } from '../../support/process.js';
import { messageCount, openSse } from '../../support/sse.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { makeCertificate, servedFingerprint } from '../../support/tls.js';

const servers = serverFleet();
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let work: string;
let installed: string;
let parley: string;
let redis: RedisServer | undefined;

function succeeded(what: string, run: Finished): void {
  if (run.code !== 0) throw new Error(`${what} exited ${String(run.code)}:\n${run.stdout}\n${run.stderr}`);
}

beforeAll(async () => {
  work = tempDir('parley-package-');
  const prefix = join(work, 'prefix');
  // npm pack builds first (the prepack script), as it does for anyone packing a clone.
  succeeded('npm pack', await runToEnd('npm', ['pack', '--silent', '--pack-destination', work]));
  const tarball = join(
    work,
    readdirSync(work).find((name) => name.endsWith('.tgz'))!,
  );
  // better-sqlite3's install script (prebuild-install) fetches a binary for this Node from the internet, else
  // compiles SQLite for a minute. The packages come from npm as for anyone; the binary is handed over as a local
  // prebuild, the one this clone's better-sqlite3 installed for the very Node that runs the tests.
  const prebuilds = join(work, 'prebuilds');
  mkdirSync(prebuilds);
  const sqlite = join(repoRoot, 'node_modules/better-sqlite3');
  const sqliteVersion = (JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as { version: string }).version;
  const prebuild = `better-sqlite3-v${sqliteVersion}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  succeeded(
    'tar',
    await runToEnd('tar', ['czf', join(prebuilds, prebuild), '-C', sqlite, 'build/Release/better_sqlite3.node']),
  );
  const install = await runToEnd(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--allow-scripts=better-sqlite3',
      tarball,
    ],
    {
      cwd: work,
      env: { npm_config_better_sqlite3_local_prebuilds: prebuilds },
    },
  );
  succeeded('npm install -g', install);
  installed = join(prefix, 'lib/node_modules/parley');
  parley = join(prefix, 'bin/parley');
}, 180_000);
afterAll(async () => {
  await servers.stopAll();
  await redis?.stop();
});

/** Every process of the tree under `pid`, it included (from /proc: each process's parent is field 4 of its stat). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

/** What in a process tree shows a TypeScript loader: its command lines, mapped files and NODE_OPTIONS. */
function typescriptLoaders(pid: number): string[] {
  const found: string[] = [];
  const loader =
    /(^|[/\\])(tsx|esbuild|ts-node|typescript)([/\\]|$)|^--(import|loader|experimental-loader|require)(=|$)/;
  for (const member of processTree(pid)) {
    const argv = readFileSync(`/proc/${member}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
    found.push(...argv.filter((arg) => loader.test(arg)).map((arg) => `pid ${member} runs with ${arg}`));
    const maps = readFileSync(`/proc/${member}/maps`, 'utf8');
    found.push(
      ...[...new Set(maps.match(/\S*node_modules\/(tsx|esbuild|@esbuild|typescript)\/\S*/g) ?? [])].map(
        (file) => `pid ${member} maps ${file}`,
      ),
    );
    const options = readFileSync(`/proc/${member}/environ`, 'utf8')
      .split('\0')
      .find((v) => v.startsWith('NODE_OPTIONS='));
    if (options !== undefined && /tsx|loader|import/.test(options)) found.push(`pid ${member} has ${options}`);
  }
  return found;
}

describe('the package', () => {
  it('installs the compiled server, the Redis scripts, the page, the contract and the service file, and no TypeScript or loader', () => {
    const scripts = [
      'dist/store/redis/lua/_helpers.lua',
      'dist/store/redis/lua/store/append-message.lua',
      'dist/store/redis/lua/presence/open-stream.lua',
    ];
    for (const file of [
      'bin/parley.js',
      'dist/cli/parley.js',
      'dist/server/start-server.js',
      'dist/store/sqlite/migrations.js',
      ...scripts,
      'clients/web/index.html',
      'openapi.yaml',
      'contrib/parley.service',
    ]) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'src'))).toBe(false);
    const dist = readdirSync(join(installed, 'dist'), { recursive: true }).map(String);
    expect(dist.filter((file) => file.endsWith('.ts'))).toEqual([]);
    for (const loader of ['tsx', 'esbuild', '@esbuild', 'typescript'])
      expect(existsSync(join(installed, 'node_modules', loader)), loader).toBe(false);
  });

  it('prints its version, lists serve and every operator command on --help, and exits 2 without a known command', async () => {
    expect(await runToEnd(parley, ['--version'], { cwd: work })).toEqual({
      code: 0,
      stdout: `parley ${version}\n`,
      stderr: '',
    });
    const help = await runToEnd(parley, ['--help'], { cwd: work });
    expect(help.code).toBe(0);
    for (const command of [
      'serve [options]',
      'users',
      'backup FILE',
      'reset-password NAME',
      'logout NAME',
      'delete-user NAME',
      '--version',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command.replace(/[[\]]/g, '\\$&')} `, 'm'));
    }
    const bare = await runToEnd(parley, [], { cwd: work });
    expect({ code: bare.code, stdout: bare.stdout, stderr: bare.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: help.stdout,
    });
    expect(await runToEnd(parley, ['serv'], { cwd: work })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'parley: unknown command "serv"; see --help\n',
    });
    const serveHelp = await runToEnd(parley, ['serve', '--help'], { cwd: work });
    expect(serveHelp.code).toBe(0);
    expect(serveHelp.stdout).toMatch(/^Usage: parley serve \[options\]/);
    expect(serveHelp.stdout).toContain('PARLEY_DATA');
  });

  it('ships a systemd unit that systemd-analyze verify accepts, with its state directory as the data directory', async () => {
    const unit = readFileSync(join(installed, 'contrib/parley.service'), 'utf8');
    for (const line of [
      'ExecStart=parley serve',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'DynamicUser=yes',
      'StateDirectory=parley',
      'Environment=PARLEY_DATA=%S/parley',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'NoNewPrivileges=yes',
      'PrivateTmp=yes',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
    // systemd finds a bare name on its own search path (/usr/local/bin, /usr/bin); here it is in the test's prefix.
    const unitDir = join(work, 'unit');
    mkdirSync(unitDir);
    writeFileSync(join(unitDir, 'parley.service'), unit.replace(/^ExecStart=parley /m, `ExecStart=${parley} `));
    // A setting systemd cannot parse is only warned about (exit 0): nothing at all may be said.
    expect(await runToEnd('systemd-analyze', ['verify', join(unitDir, 'parley.service')], { cwd: work })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('is the bin that npx parley runs in the clone, once built', async () => {
    expect(await runToEnd('npx', ['--no-install', 'parley', '--version'])).toEqual({
      code: 0,
      stdout: `parley ${version}\n`,
      stderr: '',
    });
  });
});

describe('parley serve', () => {
  it('serves from the data directory PARLEY_DATA names, answers the operator commands, reloads on SIGHUP and drains on SIGTERM, with no TypeScript loader', async () => {
    const data = join(work, 'state');
    const server = await servers.start([], { PARLEY_DATA: data }, { command: [parley, 'serve'], cwd: work });
    expect(server.logs.find((entry) => entry.msg === 'parley is listening')).toMatchObject({
      file: join(data, 'parley.db'),
      pid: server.child.pid,
    });

    const ann = await register(server.url, 'ann');
    const ben = await register(server.url, 'ben');
    const stream = await openSse(server.url + streamPath(ben), { authorization: `Bearer ${ben.token}` });
    expect(stream.status).toBe(200);
    expect(
      (await api(server.url, 'POST', '/messages', { token: ann.token, json: { to: 'ben', text: 'from the package' } }))
        .status,
    ).toBe(202);
    await stream.until(messageCount(1));
    expect(stream.messages()[0]).toMatchObject({ from: 'ann', text: 'from the package' });
    expect((await fetch(server.url + '/')).headers.get('content-type')).toMatch(/^text\/html/);

    const users = await runToEnd(parley, ['users'], { cwd: work, env: { PARLEY_DATA: data } });
    expect(users.code).toBe(0);
    expect(users.stdout).toMatch(/^ann +offline +created .+ 1 session$/m);
    expect(users.stdout).toMatch(/^ben +online +created .+ 1 session$/m);
    const copy = join(work, 'copy.db');
    succeeded('parley backup', await runToEnd(parley, ['backup', copy, '--data', data], { cwd: work }));
    const backup = new Database(copy, { readonly: true });
    expect(backup.prepare('SELECT name FROM users ORDER BY name').pluck().all()).toEqual(['ann', 'ben']);
    backup.close();

    expect(typescriptLoaders(server.child.pid!)).toEqual([]);

    const logged = server.logs.length;
    server.child.kill('SIGHUP');
    await server.waitForLog((entry) => entry.signal === 'SIGHUP', { skip: logged });
    expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
    expect(server.child.exitCode).toBe(null);

    expect(await server.stop()).toBe(0);
    await stream.ended;
    expect(stream.comments).toContain('end: shutdown');
  });

  it('serves HTTPS with --tls-cert and --tls-key, and on SIGHUP serves a renewed pair to new connections', async () => {
    const tls = join(work, 'tls');
    const first = await makeCertificate(join(tls, 'first'));
    const renewed = await makeCertificate(join(tls, 'renewed'));
    // `live` a symlink to one generation, swapped whole: nothing changes where the server watches, so only SIGHUP counts.
    const use = (generation: string) => {
      symlinkSync(generation, join(tls, 'live.next'));
      renameSync(join(tls, 'live.next'), join(tls, 'live'));
    };
    use('first');
    const pair = ['--tls-cert', join(tls, 'live/cert.pem'), '--tls-key', join(tls, 'live/key.pem')];
    const server = await servers.start(['--store', 'memory', ...pair], {}, { command: [parley, 'serve'], cwd: work });
    expect(server.url).toMatch(/^https:/);
    expect(await servedFingerprint(server.url)).toBe(first.fingerprint256);
    use('renewed');
    const skip = server.logs.length;
    server.child.kill('SIGHUP');
    expect(await server.waitForLog((entry) => entry.msg === 'TLS files reread', { skip })).toMatchObject({
      outcome: 'reloaded',
    });
    expect(await servedFingerprint(server.url)).toBe(renewed.fingerprint256);
    expect(await server.stop()).toBe(0);
  });

  it('runs --workers 2 on Redis as a primary and two workers of the installed command, none with a loader', async () => {
    redis = await startRedisServer();
    const server = await servers.start(
      ['--store', 'redis', '--redis-url', redis.url, '--workers', '2'],
      {},
      { command: [parley, 'serve'], cwd: work },
    );
    expect(server.logs.find((entry) => entry.msg === 'parley is listening')).toMatchObject({ workers: 2 });
    const tree = processTree(server.child.pid!);
    expect(tree.length).toBe(3);
    for (const pid of tree)
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(1, 3)).toEqual([parley, 'serve']);
    expect(typescriptLoaders(server.child.pid!)).toEqual([]);
    expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });

  it('from a clone, npm start runs the built server as the one process under npm, which passes SIGTERM on', async () => {
    const server = await servers.start(['--store', 'memory'], {}, { command: ['npm', 'start', '--silent', '--'] });
    const tree = processTree(server.child.pid!);
    expect(tree.length).toBe(2);
    const argv = readFileSync(`/proc/${tree[1]}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, 3)).toEqual(['bin/parley.js', 'serve']);
    expect(server.logs.find((entry) => entry.msg === 'parley is listening')).toMatchObject({ pid: tree[1] });
    expect(typescriptLoaders(server.child.pid!)).toEqual([]);
    expect(await server.stop()).toBe(0);
    expect(server.logs.at(-1)).toMatchObject({ msg: 'parley stopped' });
  });

  it('under npm start, Ctrl-C drains once: the server hears it from the terminal and from npm alike', async () => {
    const server = await servers.start(
      ['--store', 'memory'],
      {},
      { command: ['npm', 'start', '--silent', '--'], detached: true },
    );
    const user = await register(server.url, 'cat');
    const stream = await openSse(server.url + streamPath(user), { authorization: `Bearer ${user.token}` });
    const exited = once(server.child, 'exit');
    // What a terminal does on Ctrl-C: SIGINT to every process of its foreground group, npm and the server.
    process.kill(-server.child.pid!, 'SIGINT');
    await exited;
    await stream.ended;
    expect(stream.comments).toContain('end: shutdown');
    expect(server.logs.filter((entry) => entry.msg === 'shutting down')).toEqual([
      expect.objectContaining({ signal: 'SIGINT' }),
    ]);
    expect(server.logs.at(-1)).toMatchObject({ msg: 'parley stopped' });
  });

  it('tells a loader apart: a server run from the source shows tsx', async () => {
    const server = await servers.start(['--store', 'memory'], {}, { command: serverThroughTsx });
    expect(typescriptLoaders(server.child.pid!).join('\n')).toMatch(/tsx/);
    expect(await server.stop()).toBe(0);
  });
});
