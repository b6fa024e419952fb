import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../support/open-store.js';
import type { Backup, Store } from '../../src/core/ports/index.js';
import { tempDir } from '../support/process.js';
import { draft } from './contract/index.js';

const open = (dataDir: string) => openStore({ kind: 'sqlite', dataDir }, createLogger('silent'));

function readCopy<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function backup(store: Store, file: string): Promise<void> {
  await (store as Store & Backup).backup(file);
}

describe('a backup of the SQLite store', () => {
  it('holds every write that resolved before it began, while writes go on, in a file of its own readable by its owner only', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.insertUser({ name: 'bob', passwordHash: 'scrypt$b', createdAt: 1 });
    const before: number[] = [];
    for (let i = 0; i < 500; i++)
      before.push(await store.appendMessage(draft(['bob'], { text: `before ${i}`.padEnd(500, '.') })));

    const out = join(tempDir(), 'copy.db');
    const copying = backup(store, out);
    // Writes during the backup: the server keeps serving.
    const during = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.appendMessage(draft(['bob'], { text: `during ${i}` }))),
    );
    await copying;
    await store.close();

    expect(during).toHaveLength(200);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(out, '..'))).toEqual(['copy.db']);
    readCopy(out, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      const ids = new Set(
        (db.prepare('SELECT message_id AS id FROM queue WHERE recipient = ?').all('bob') as { id: number }[]).map(
          (r) => r.id,
        ),
      );
      expect(before.filter((id) => !ids.has(id))).toEqual([]);
      expect(db.prepare('SELECT name FROM users').all()).toEqual([{ name: 'bob' }]);
    });
  });

  it('opens as the database of a new data directory, with the VAPID key pair push subscriptions were made for', async () => {
    const store = await open(tempDir());
    await store.insertUser({ name: 'bob', passwordHash: 'scrypt$b', createdAt: 1 });
    const id = await store.appendMessage(draft(['bob'], { text: 'kept' }));
    const vapid = await store.vapidKeys(() => ({ publicKey: 'BPublic', privateKey: 'private' }));
    const restored = tempDir();
    await backup(store, join(restored, 'parley.db'));
    await store.close();

    const reopened = await open(restored);
    expect((await reopened.loadUsers()).map((u) => u.name)).toEqual(['bob']);
    expect((await reopened.readQueue('bob', 0, 10)).rows).toEqual([expect.objectContaining({ id, text: 'kept' })]);
    expect(await reopened.vapidKeys(() => ({ publicKey: 'BOther', privateKey: 'other' }))).toEqual(vapid);
    await reopened.close();
  });

  it('refuses to overwrite a file, and leaves it as it was', async () => {
    const store = await open(tempDir());
    const out = join(tempDir(), 'taken.db');
    writeFileSync(out, 'precious');
    await expect(backup(store, out)).rejects.toThrow(`${out} exists`);
    await store.close();
    expect(readdirSync(join(out, '..'))).toEqual(['taken.db']);
    expect(statSync(out).size).toBe('precious'.length);
    expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false);
  });
});

describe('deleting a user from the SQLite store', () => {
  it('drops the texts only that user held and keeps those others hold', async () => {
    const dir = tempDir();
    const store = await open(dir);
    for (const name of ['bob', 'carol']) await store.insertUser({ name, passwordHash: 'x', createdAt: 1 });
    await store.appendMessage(draft(['bob'], { text: 'only bob' }));
    await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'pair', text: 'both' }));
    await store.deleteUser('bob');
    await store.close();
    readCopy(join(dir, 'parley.db'), (db) => {
      expect(db.prepare('SELECT text FROM messages').all()).toEqual([{ text: 'both' }]);
      expect(db.prepare('SELECT recipient FROM queue').all()).toEqual([{ recipient: 'carol' }]);
    });
  });
});
