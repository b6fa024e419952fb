import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { SearchRequest } from '../../src/core/ports/index.js';
import { foldText } from '../../src/core/search/fold.js';
import { createLogger } from '../../src/log/logger.js';
import { migrate } from '../../src/store/sqlite/migrations.js';
import { migrations } from '../../src/store/sqlite/schema.js';
import { SearchIndex } from '../../src/store/sqlite/search-index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../support/process.js';
import { draft } from './contract/index.js';

const root = tempDir('parley-sqlite-search-');
const log = createLogger('silent');

// The index is brought up to the messages by the searches alone here, never by the pass a second later.
function openAt(dir: string): { db: Database.Database; store: SqliteStore } {
  const db = new Database(join(dir, 'parley.db'));
  return { db, store: SqliteStore.open({ db, log }, { purgeDelayMs: 10, searchIndexDelayMs: 3_600_000 }) };
}

/** The newest message the index covers. */
const indexedThrough = (db: Database.Database) =>
  db.prepare(`SELECT value FROM counters WHERE name = 'search_indexed_id'`).pluck().get() as number;

/** Every byte of the database's files, as they are on disk now. */
function filesOf(dir: string): Buffer {
  const files = ['parley.db', 'parley.db-wal'].map((name) => join(dir, name)).filter((file) => existsSync(file));
  return Buffer.concat(files.map((file) => readFileSync(file)));
}

/** The trigrams of a text, as the index keeps them (each a term of its own in the index's pages). */
const trigrams = (text: string) => Array.from({ length: text.length - 2 }, (_, i) => text.slice(i, i + 3));

/** The message ids the index holds an entry for, read through fts5vocab. */
function indexedIds(db: Database.Database): number[] {
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, message_search, instance)');
  return (db.prepare('SELECT DISTINCT doc FROM temp.search_terms ORDER BY doc').pluck().all() as number[]).sort(
    (a, b) => a - b,
  );
}

const through = (terms: string[], budget: number): SearchRequest => ({
  reader: 'alice',
  conversations: [{ kind: 'direct', with: 'bob' }],
  terms,
  beforeId: Number.MAX_SAFE_INTEGER,
  afterId: 0,
  limit: 10,
  budget,
});

describe("the SQLite store's search index", () => {
  it('takes a deleted text out of its pages: after the checkpoint no file of the database holds its trigrams', async () => {
    const dir = mkdtempSync(join(root, 'db-'));
    const { db, store } = openAt(dir);
    for (let i = 0; i < 50; i++) await store.appendMessage(draft(['bob'], { text: `hello number ${i} from alice` }));
    const secret = 'qjxzkvw';
    const id = await store.appendMessage(draft(['bob'], { text: `the door code is ${secret}` }));
    expect((await store.searchMessages(through([secret], 1))).hits.map((h) => h.message.id)).toEqual([id]);
    db.pragma('wal_checkpoint(TRUNCATE)');
    // The check can see a text in the index: each trigram of it is a term there.
    const before = filesOf(dir);
    expect(trigrams(secret).filter((t) => before.includes(t))).toEqual(trigrams(secret));

    const purged = new Promise<void>((resolve) => (store.onPurged = resolve));
    const deletion = { type: 'deleted' as const, json: '{}', at: 2_000, recipients: ['bob', 'alice'] };
    await store.deleteMessage(id, deletion);
    await purged;
    const after = filesOf(dir);
    expect(trigrams(secret).filter((t) => after.includes(t))).toEqual([]);
    expect(after.includes('door code')).toBe(false);
    expect((await store.searchMessages(through([secret.slice(0, 4)], 1))).hits).toEqual([]);
    await store.close();
  });

  it('keeps an entry for each retained text and no other: none for an event, a deletion, a pruned message or an old text', async () => {
    const { db, store } = openAt(mkdtempSync(join(root, 'db-')));
    const [gone, edited, deleted, kept] = [
      await store.appendMessage(draft(['bob'], { text: 'pruned soon' })),
      await store.appendMessage(draft(['bob'], { text: 'before the edit' })),
      await store.appendMessage(draft(['bob'], { text: 'taken back' })),
      await store.appendMessage(draft(['bob'], { text: 'kept as is' })),
    ];
    await store.searchMessages(through(['kept'], 1));
    expect(indexedIds(db)).toEqual([gone, edited, deleted, kept]);
    // Sent, edited and deleted before the index reaches them: indexed as they are then.
    const [editedLater, deletedLater] = [
      await store.appendMessage(draft(['bob'], { text: 'before the later edit' })),
      await store.appendMessage(draft(['bob'], { text: 'taken back later' })),
    ];
    expect(indexedIds(db)).toEqual([gone, edited, deleted, kept]);
    const at = 2_000;
    for (const id of [edited, editedLater])
      await store.editMessage(id!, 'after the edit', at, { type: 'edited', json: '{}', at, recipients: ['bob'] });
    for (const id of [deleted, deletedLater])
      await store.deleteMessage(id!, { type: 'deleted', json: '{}', at, recipients: ['bob'] });
    store.markDelivered('bob', gone!);
    await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 1 });
    expect((await store.searchMessages(through(['before'], 1))).hits).toEqual([]);
    expect(indexedIds(db)).toEqual([edited, kept, editedLater]);
    for (const id of [edited, editedLater]) {
      const terms = db.prepare('SELECT term FROM temp.search_terms WHERE doc = ?').pluck().all(id) as string[];
      expect(terms).toContain('aft');
      expect(terms).not.toContain('bef');
    }
    const found = await store.searchMessages(through(['after the'], 2));
    expect(found.hits.map((h) => h.message.id)).toEqual([editedLater, edited]);
    expect(indexedThrough(db)).toBeGreaterThan(deletedLater!);
    await store.close();
  });

  it('indexes nothing as a message is sent: a search adds what was sent since, a batch at a time, then looks', async () => {
    const { db, store } = openAt(mkdtempSync(join(root, 'db-')));
    const ids = await Promise.all(
      Array.from({ length: 2_100 }, (_, i) =>
        store.appendMessage(draft(['bob'], { text: i % 700 === 0 ? `needle ${i}` : `hay ${i}` })),
      ),
    );
    expect(indexedIds(db)).toEqual([]);
    expect(indexedThrough(db)).toBe(0);
    const found = await store.searchMessages(through(['needle'], 2));
    expect(found.hits.map((h) => h.message.text)).toEqual(['needle 1400', 'needle 700']);
    expect(indexedThrough(db)).toBe(ids.at(-1));
    expect(indexedIds(db)).toHaveLength(2_100);
    await store.close();
  });

  it('once searched, adds the messages sent since a batch at a time, every searchIndexDelayMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const db = new Database(join(mkdtempSync(join(root, 'db-')), 'parley.db'));
      const store = SqliteStore.open({ db, log }, { searchIndexDelayMs: 1_000 });
      const first = await store.appendMessage(draft(['bob'], { text: 'sent first' }));
      vi.advanceTimersByTime(5_000);
      expect(indexedThrough(db)).toBe(0);
      await store.searchMessages(through(['first'], 1));
      expect(indexedThrough(db)).toBe(first);
      const second = await store.appendMessage(draft(['bob'], { text: 'sent second' }));
      expect(indexedThrough(db)).toBe(first);
      vi.advanceTimersByTime(1_000);
      expect(indexedThrough(db)).toBe(second);
      expect(indexedIds(db)).toEqual([first, second]);
      await store.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('is built by the migration for the messages stored before it', async () => {
    const dir = mkdtempSync(join(root, 'db-'));
    const old = new Database(join(dir, 'parley.db'));
    migrate(old, log, migrations.slice(0, 10));
    storeOlder(old, 'Grüße from before search');
    old.close();
    const { db, store } = openAt(dir);
    expect(indexedIds(db)).toEqual([6, 7]);
    const found = await store.searchMessages(through(['before'], 1));
    expect(found.hits.map((h) => h.message.id)).toEqual([7]);
    expect((await store.searchMessages(through(['before'], 2))).hits.map((h) => h.message.id)).toEqual([7, 6]);
    expect((await store.searchMessages(through(['grusse'], 5))).hits).toEqual([]);
    expect((await store.searchMessages(through(['gruße'], 1))).hits.map((h) => h.message.id)).toEqual([6]);
    await store.close();
  });

  it('moves a database at migration 12 over: the index keeps what it holds, and covers up to its newest message', async () => {
    const dir = mkdtempSync(join(root, 'db-'));
    const old = new Database(join(dir, 'parley.db'));
    migrate(old, log, migrations.slice(0, 12));
    storeOlder(old, 'Grüße from before the move');
    expect(indexedIds(old)).toEqual([6, 7]);
    old.close();
    const { db, store } = openAt(dir);
    expect(indexedThrough(db)).toBe(9);
    expect(indexedIds(db)).toEqual([6, 7]);
    const sent = await store.appendMessage(draft(['bob'], { text: 'sent after the move' }));
    const at = 2_000;
    await store.editMessage(6, 'edited after the move', at, { type: 'edited', json: '{}', at, recipients: ['bob'] });
    await store.deleteMessage(7, { type: 'deleted', json: '{}', at, recipients: ['bob'] });
    expect(indexedIds(db)).toEqual([6]);
    const found = await store.searchMessages(through(['after the move'], 1));
    expect(found.hits.map((h) => h.message.id)).toEqual([sent]);
    expect((await store.searchMessages(through(['after the move'], 2))).hits.map((h) => h.message.id)).toEqual([
      sent,
      6,
    ]);
    expect((await store.searchMessages(through(['gruße'], 5))).hits).toEqual([]);
    expect((await store.searchMessages(through(['also'], 5))).hits).toEqual([]);
    expect(indexedIds(db)).toEqual([6, sent]);
    await store.close();
  });

  it('folds together every character that search folds together, so that the index finds all that matches', async () => {
    const db = new Database(':memory:');
    migrate(db, log);
    const insert = db.prepare(
      "INSERT INTO messages (id, sender, kind, text, sent_at, conversation) VALUES (?, 'a', 'direct', ?, 1, 'd:a:b')",
    );
    const folded: number[] = [];
    db.transaction(() => {
      for (let unit = 0x20; unit < 0xd800; unit++) {
        const char = String.fromCharCode(unit);
        if (foldText(char) === char) continue;
        folded.push(unit);
        insert.run(unit, char.repeat(3));
      }
    })();
    expect(folded.length).toBeGreaterThan(700);
    const index = new SearchIndex(db, log, 3_600_000);
    await index.catchUp();
    index.close();
    const find = db.prepare('SELECT rowid FROM message_search WHERE message_search MATCH ? AND rowid = ?').pluck();
    const missed = folded.filter((unit) => {
      const term = foldText(String.fromCharCode(unit)).repeat(3);
      return find.get(`"${term.replaceAll('"', '""')}"`, unit) === undefined;
    });
    expect(missed.map((unit) => unit.toString(16))).toEqual([]);
    db.close();
  });
});

/** Messages 6 to 9 written straight into a database at an older schema: two texts, a deletion and an event. */
function storeOlder(db: Database.Database, first: string): void {
  db.prepare(
    `INSERT INTO messages (id, sender, kind, text, sent_at, conversation) VALUES
       (6, 'alice', 'direct', ?, 4, 'd:alice:bob'), (7, 'bob', 'direct', 'also before', 5, 'd:alice:bob')`,
  ).run(first);
  db.exec(`
    INSERT INTO messages (id, sender, kind, text, sent_at, deleted, conversation) VALUES
      (8, 'alice', 'direct', '', 6, 1, 'd:alice:bob');
    INSERT INTO messages (id, sender, kind, text, sent_at, event) VALUES (9, '', 'event', '{"before":1}', 7, 'read');
    INSERT INTO queue VALUES ('bob', 6), ('alice', 7), ('bob', 8), ('bob', 9);
    UPDATE counters SET value = 9 WHERE name = 'last_message_id';
  `);
}
