import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../support/open-store.js';
import { latestVersion, migrate } from '../../src/store/sqlite/migrations.js';
import { migrations } from '../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { StoreOpenError } from '../../src/store/store-open-error.js';
import { repoRoot, tempDir } from '../support/process.js';
import { draft, expectKeptAcrossReopen } from './contract/index.js';

const root = tempDir('parley-sqlite-');
const log = createLogger('silent');
const freshDir = () => mkdtempSync(join(root, 'db-'));
const open = (dataDir: string) => openStore({ kind: 'sqlite', dataDir }, log);

/** Reads the database file directly, after the store closed it. */
function inspect<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('the SQLite store across restarts', () => {
  it('keeps users, groups, sessions, queues, cursors and read marks after a close and reopen, and continues the ids', async () => {
    const dir = freshDir();
    await expectKeptAcrossReopen(() => open(dir));
  });

  it('continues the ids after a reopen even when every message was pruned', async () => {
    const dir = freshDir();
    const store = await open(dir);
    const id = await store.appendMessage(draft(['bob']));
    store.markDelivered('bob', id);
    await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 });
    await store.close();
    expect(inspect(dir, (db) => db.prepare('SELECT count(*) AS n FROM messages').get())).toEqual({ n: 0 });

    const reopened = await open(dir);
    expect(await reopened.lastMessageId()).toBe(id);
    expect(await reopened.appendMessage(draft(['bob']))).toBeGreaterThan(id);
    await reopened.close();
  });

  it('keeps every write that resolved before the process was killed', async () => {
    const dir = freshDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'test/store/fixtures/crash-writer.ts'), dir],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [, signal] = await once(child, 'exit');
    expect(signal).toBe('SIGKILL');
    const { ids } = JSON.parse(out) as { ids: number[] };
    expect(ids).toHaveLength(200);

    const store = await open(dir);
    expect((await store.loadUsers()).map((u) => u.name)).toEqual(['bob']);
    expect(await store.findSession('f'.repeat(64))).toMatchObject({ username: 'bob' });
    const { rows } = await store.readQueue('bob', 0, 1_000);
    const texts = rows.map((r) => ('text' in r ? r.text : r.json));
    expect(rows.map((r) => r.id).slice(0, 200)).toEqual(ids);
    expect(texts.slice(0, 200)).toEqual(ids.map((_, i) => `burst ${i}`));
    // The late writes may or may not have reached the disk, but never partly and never out of order.
    expect(texts.slice(200)).toEqual(Array.from({ length: texts.length - 200 }, (_, i) => `late ${i}`));
    expect(await store.lastMessageId()).toBeGreaterThanOrEqual(rows[rows.length - 1]!.id);
    await store.close();
  });
});

describe('the SQLite store on disk', () => {
  it('stores the text of a message once, whatever the number of recipients, and drops it once nobody holds it', async () => {
    const dir = freshDir();
    const store = await open(dir);
    const id = await store.appendMessage(
      draft(['bob', 'carol', 'dave'], { kind: 'group', group: 'team', text: 'to all' }),
    );
    await store.close();
    expect(inspect(dir, (db) => db.prepare('SELECT count(*) AS n FROM messages').get())).toEqual({ n: 1 });
    expect(inspect(dir, (db) => db.prepare('SELECT count(*) AS n FROM queue').get())).toEqual({ n: 3 });

    const again = await open(dir);
    for (const name of ['bob', 'carol']) again.markDelivered(name, id);
    await again.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 });
    await again.close();
    expect(inspect(dir, (db) => db.prepare('SELECT count(*) AS n FROM messages').get())).toEqual({ n: 1 });

    const last = await open(dir);
    last.markDelivered('dave', id);
    await last.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 });
    await last.close();
    expect(inspect(dir, (db) => db.prepare('SELECT count(*) AS n FROM messages').get())).toEqual({ n: 0 });
  });

  it('commits concurrent writes together and resolves them in call order', async () => {
    const dir = freshDir();
    const db = new Database(join(dir, 'parley.db'));
    const store = SqliteStore.open({ db, log });
    const before = store.commitCount;
    const order: string[] = [];
    await Promise.all([
      store.insertUser({ name: 'alice', passwordHash: 'h', createdAt: 1 }).then(() => order.push('user')),
      ...Array.from({ length: 100 }, (_, i) =>
        store.appendMessage(draft(['bob'])).then((id) => order.push(`m${i}`, `id${id}`)),
      ),
      store
        .insertSession({ tokenHash: 'b'.repeat(64), username: 'alice', createdAt: 1, expiresAt: 2, lastUsedAt: 1 })
        .then(() => order.push('session')),
    ]);
    expect(store.commitCount - before).toBe(1);
    const ids = order.filter((o) => o.startsWith('id')).map((o) => Number(o.slice(2)));
    expect(order.filter((o) => !o.startsWith('id'))).toEqual([
      'user',
      ...Array.from({ length: 100 }, (_, i) => `m${i}`),
      'session',
    ]);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await store.close();
  });

  it('writes delivered positions without waiting for another write', async () => {
    const dir = freshDir();
    const db = new Database(join(dir, 'parley.db'));
    const store = SqliteStore.open({ db, log });
    const id = await store.appendMessage(draft(['bob']));
    const before = store.commitCount;
    store.markDelivered('bob', id);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (store.commitCount > before) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    expect(db.prepare('SELECT delivered_id FROM cursors WHERE name = ?').get('bob')).toEqual({ delivered_id: id });
    await store.close();
  });

  it('writes the positions of a broadcast to thousands in slices, one commit each, and all of them on close', async () => {
    const dir = freshDir();
    const db = new Database(join(dir, 'parley.db'));
    const store = SqliteStore.open({ db, log }, { markDelayMs: 10 });
    const id = await store.appendMessage(draft([], { kind: 'broadcast' }));
    const users = Array.from({ length: 2_500 }, (_, i) => `u${i}`);
    const written = () =>
      (db.prepare('SELECT count(*) AS n FROM cursors WHERE delivered_id = ?').get(id) as { n: number }).n;
    const before = store.commitCount;
    for (const name of users) store.markDelivered(name, id);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (written() === users.length) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    expect(store.commitCount - before).toBe(3);

    // Closing writes what is still owed in one go.
    for (const name of users) store.markDelivered(name, id + 1);
    await store.close();
    expect(
      inspect(dir, (d) => d.prepare('SELECT count(*) AS n FROM cursors WHERE delivered_id = ?').get(id + 1)),
    ).toEqual({ n: users.length });
  });
});

describe('opening a SQLite data directory', () => {
  it('upgrades a database written by the first schema version and keeps its data', async () => {
    const dir = freshDir();
    const v1 = new Database(join(dir, 'parley.db'));
    migrate(v1, log, migrations.slice(0, 1));
    v1.exec(`
      INSERT INTO users VALUES ('alice', 'scrypt$a', 1);
      INSERT INTO chat_groups VALUES ('team', '["alice","bob"]', 'alice', 2);
      INSERT INTO sessions VALUES ('${'c'.repeat(64)}', 'alice', 3, 4);
      INSERT INTO messages VALUES (6, 'alice', 'broadcast', NULL, 'old broadcast', 4);
      INSERT INTO queue VALUES ('bob', 6);
      INSERT INTO messages VALUES (7, 'alice', 'direct', NULL, 'from v1', 5);
      INSERT INTO queue VALUES ('bob', 7);
      INSERT INTO cursors (name) VALUES ('bob');
      UPDATE counters SET value = 7 WHERE name = 'last_message_id';
    `);
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    v1.close();

    const store = await open(dir);
    expect((await store.loadUsers()).map((u) => u.name)).toEqual(['alice']);
    expect((await store.loadGroups()).map((g) => g.members)).toEqual([['alice', 'bob']]);
    // A session from before last uses were kept counts as last used when it signed in, with no user agent.
    expect(await store.findSession('c'.repeat(64))).toEqual({
      tokenHash: 'c'.repeat(64),
      username: 'alice',
      createdAt: 3,
      expiresAt: 4,
      lastUsedAt: 3,
    });
    expect((await store.readQueue('bob', 0, 10)).rows).toEqual([
      { id: 6, from: 'alice', to: 'bob', kind: 'broadcast', text: 'old broadcast', sentAt: 4 },
      { id: 7, from: 'alice', to: 'bob', kind: 'direct', text: 'from v1', sentAt: 5 },
    ]);
    expect((await store.loadCursors()).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'alice', deliveredId: 0, prunedId: 0, pending: 0 },
      { name: 'bob', deliveredId: 0, prunedId: 0, pending: 2 },
    ]);
    // Broadcasts before the upgrade stay on the queues they were written to; later ones go to the shared log, once.
    const broadcast = await store.appendMessage(draft([], { kind: 'broadcast', from: 'carol', text: 'new broadcast' }));
    expect(broadcast).toBeGreaterThan(7);
    expect((await store.readQueue('bob', 0, 10)).rows.map((r) => r.id)).toEqual([6, 7, broadcast]);
    // And history finds what was written before conversations existed.
    expect(
      (await store.readConversation('bob', { kind: 'direct', with: 'alice' }, 100, 10)).map((m) => m.text),
    ).toEqual(['from v1']);
    expect(await store.directPeers('alice')).toEqual(['bob']);
    expect(
      (await store.readConversation('bob', { kind: 'broadcast', with: 'broad' }, Number.MAX_SAFE_INTEGER, 10)).map(
        (m) => m.id,
      ),
    ).toEqual([broadcast, 6]);
    await store.close();
    expect(inspect(dir, (db) => db.pragma('user_version', { simple: true }))).toBe(latestVersion);
    expect(
      inspect(dir, (db) => db.prepare(`SELECT name FROM sqlite_master WHERE name = 'queue_by_message'`).get()),
    ).toEqual({ name: 'queue_by_message' });
  });

  it('refuses a database written by a newer schema version', async () => {
    const dir = freshDir();
    const db = new Database(join(dir, 'parley.db'));
    migrate(db, log);
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.close();
    await expect(open(dir)).rejects.toThrow(
      new RegExp(`schema version ${latestVersion + 1}, written by a newer Parley`),
    );
  });

  it('refuses a file that is not a database', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'parley.db'), randomBytes(8192));
    const failure = open(dir);
    await expect(failure).rejects.toBeInstanceOf(StoreOpenError);
    await expect(failure).rejects.toThrow(/is damaged or not a database/);
  });

  it('refuses an SQLite database that belongs to something else', async () => {
    const dir = freshDir();
    const db = new Database(join(dir, 'parley.db'));
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    db.close();
    await expect(open(dir)).rejects.toThrow(/is an SQLite database but not a Parley one/);
  });

  it('refuses a data directory another store holds open, and accepts it once that one closed', async () => {
    const dir = freshDir();
    const holder = await open(dir);
    await expect(open(dir)).rejects.toThrow(/is in use by another Parley process/);
    await holder.close();
    const next = await open(dir);
    await next.close();
  });

  it('creates a missing data directory, parents included', async () => {
    const dir = join(freshDir(), 'a', 'b');
    const store = await open(dir);
    await store.close();
    expect(inspect(dir, (db) => db.pragma('user_version', { simple: true }))).toBe(latestVersion);
  });
});
