import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';
import { latestVersion, migrate } from '../../../src/store/sqlite/migrations.js';
import { api, register } from '../../support/api.js';
import { fastArgs, runCli, serverFleet, tempDir } from '../../support/process.js';

const root = tempDir('parley-data-dir-');
const servers = serverFleet();

afterEach(async () => {
  await servers.stopAll();
});

const start = servers.start;

/** Starts the CLI expecting it to refuse; returns what it printed. */
async function refused(dataDir: string): Promise<string> {
  const { code, stdout, stderr } = await runCli(['--port', '0', '--store', 'sqlite', '--data', dataDir, ...fastArgs]);
  const output = stdout + stderr;
  expect(code).toBe(1);
  expect(output).not.toContain('parley is listening');
  expect(output).toContain('parley could not start');
  expect(stderr).toMatch(/^parley: could not start: .+/m);
  return output;
}

describe('the data directory of a SQLite server', { timeout: 60_000 }, () => {
  it('is created, parents included, on first start from PARLEY_DATA', async () => {
    const dir = join(mkdtempSync(join(root, 'fresh-')), 'nested', 'data');
    const server = await start([], { PARLEY_DATA: dir, PARLEY_STORE: 'sqlite' });
    expect(existsSync(join(dir, 'parley.db'))).toBe(true);
    expect(await server.stop()).toBe(0);
  });

  it('creates the database file and the files SQLite keeps beside it readable and writable by their owner only', async () => {
    const dir = mkdtempSync(join(root, 'modes-'));
    const server = await start(['--store', 'sqlite', '--data', dir]);
    const alice = await register(server.url, 'alice');
    expect((await api(server.url, 'POST', '/broadcast', { token: alice.token, json: { text: 'hi' } })).status).toBe(
      202,
    );
    // The file lock is exclusive, so SQLite keeps its WAL index in memory: no -shm, unless another reader opens it.
    const files = readdirSync(dir).filter((name) => name.startsWith('parley.db'));
    expect(files).toEqual(expect.arrayContaining(['parley.db', 'parley.db-wal']));
    const modes = files.map((name) => `${name} ${(statSync(join(dir, name)).mode & 0o777).toString(8)}`);
    expect(modes).toEqual(files.map((name) => `${name} 600`));
    expect(await server.stop()).toBe(0);
  });

  it('refuses a second server on the same directory, and is free again once the first was killed', async () => {
    const dir = mkdtempSync(join(root, 'locked-'));
    const first = await start(['--store', 'sqlite', '--data', dir]);
    expect(await refused(dir)).toContain('is in use by another Parley process');

    await first.kill();
    const next = await start(['--store', 'sqlite', '--data', dir]);
    expect(await next.stop()).toBe(0);
  });

  it('refuses a damaged database file with a message that names it', async () => {
    const dir = mkdtempSync(join(root, 'damaged-'));
    writeFileSync(join(dir, 'parley.db'), randomBytes(16_384));
    const output = await refused(dir);
    expect(output).toContain(`${join(dir, 'parley.db')} is damaged or not a database`);
  });

  it('refuses a database written by a newer version', async () => {
    const dir = mkdtempSync(join(root, 'newer-'));
    const db = new Database(join(dir, 'parley.db'));
    migrate(db, createLogger('silent'));
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.close();
    expect(await refused(dir)).toContain('written by a newer Parley');
  });
});
