// A SQLite data directory holding many retained messages, written straight into the file (never through HTTP):
// users, groups of ten, direct messages between random pairs, group messages, broadcasts, the queue rows and
// conversations that go with them, every message delivered and sent within the last 20 days, so that retention
// keeps them all. It is written at the schema version before search, so that opening it runs migration 12, which
// builds the index: that is timed too.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { hashPassword } from '../../src/core/accounts/passwords.js';
import { firstIdAt } from '../../src/core/ids.js';
import { createLogger } from '../../src/log/logger.js';
import { migrate } from '../../src/store/sqlite/migrations.js';
import { migrations } from '../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { userNames } from './common.js';

export const seedUsers = 2_000;
export const seedGroups = 200;
const groupSize = 10;
/** The migration that makes the search index (src/store/sqlite/schema.ts). */
const searchMigration = 12;
/** Each user's password, as the seeded hash has it. */
export const passwordOf = (name: string) => `${name}-password`;
/** The user the searches are made as: in five groups, and in the direct messages chance gives them. */
export const searcher = 'u00000';
/** A group the searcher is in. */
export const searcherGroup = 'g000';

/** A deterministic generator (mulberry32), so that every run seeds the same texts. */
export function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Words by how often chat uses them, roughly: the first ones in most messages, the last in few.
const words = (
  'the to and you it is for on that in we can at be this with have are do not will all just so what get ' +
  'about there now one then lunch meeting today tomorrow deploy build review call later back time work ' +
  'please thanks good morning team release update ticket check issue fixed coffee office weekend plan ' +
  'numbers report sprint board design draft notes budget travel invoice server'
).split(' ');
const elsewhere = [
  'Schöne Grüße aus München',
  'bis Übermorgen',
  '明日の会議は東京で',
  'よろしくお願いします',
  'مرحبا بالجميع',
  'شكرا جزيلا',
];

/** A message text of about `bytes`: Zipf-distributed English words, some German, Japanese or Arabic, some "ok". */
export function textMaker(random: () => number, bytes: number): () => string {
  return () => {
    const parts: string[] = [];
    let length = 0;
    while (length < bytes - 8) {
      const roll = random();
      const word =
        roll < 0.00001
          ? 'quokka'
          : roll < 0.02
            ? 'ok'
            : roll < 0.035
              ? elsewhere[Math.floor(random() * elsewhere.length)]!
              : words[Math.floor(words.length * random() ** 2.2)]!;
      parts.push(word);
      length += Buffer.byteLength(word) + 1;
    }
    const text = parts.join(' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
}

export interface Seeded {
  readonly messages: number;
  readonly seedS: number;
  /** Opening the store at the version before search, which runs migration 12 and builds the index. */
  readonly migrateS: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/**
 * Writes `count` messages into `dir`/parley.db and opens it once with the store (migration 12). Throws once it has
 * run `limitS` seconds, so that a slow machine stops rather than hangs.
 */
export async function seedSearchDatabase(
  dir: string,
  count: number,
  textBytes: number,
  limitS: number,
): Promise<Seeded> {
  const started = performance.now();
  const overdue = () => {
    if (performance.now() - started > limitS * 1000)
      throw new Error(`seeding ${count} messages took longer than ${limitS} s`);
  };
  const file = join(dir, 'parley.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  migrate(
    db,
    { info: () => undefined },
    migrations.filter((m) => m.version < searchMigration),
  );
  const random = randomFrom(42);
  const text = textMaker(random, textBytes);
  const users = userNames(seedUsers);
  // Each user's own password, hashed cheaply (N = 16, as the bench's servers register with --scrypt-cost 16).
  const hashes = await Promise.all(users.map((name) => hashPassword(passwordOf(name), { N: 16, r: 8, p: 1 })));
  const groups = Array.from({ length: seedGroups }, (_, g) => {
    const members = new Set<string>(g < 5 ? [searcher] : []);
    while (members.size < groupSize) members.add(users[1 + Math.floor(random() * (users.length - 1))]!);
    return { name: `g${String(g).padStart(3, '0')}`, members: [...members] };
  });
  const now = Date.now();
  const first = now - 20 * 86_400_000;
  const s = {
    user: db.prepare('INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)'),
    group: db.prepare(
      "INSERT INTO chat_groups (name, members, created_by, created_at, owner, positions) VALUES (?, ?, ?, ?, ?, '{}')",
    ),
    message: db.prepare(
      'INSERT INTO messages (id, sender, kind, group_name, text, sent_at, conversation) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    queue: db.prepare('INSERT INTO queue (recipient, message_id) VALUES (?, ?)'),
    broadcast: db.prepare('INSERT INTO broadcasts (message_id, sender) VALUES (?, ?)'),
    peers: db.prepare(
      "INSERT OR IGNORE INTO conversations (reader, with_name, kind) VALUES (?, ?, 'direct'), (?, ?, 'direct')",
    ),
  };
  db.transaction(() => {
    users.forEach((name, i) => s.user.run(name, hashes[i], first - 1));
    for (const g of groups) s.group.run(g.name, JSON.stringify(g.members), g.members[0], first - 1, g.members[0]);
  })();
  let lastId = 0;
  const batch = 20_000;
  for (let from = 0; from < count; from += batch) {
    overdue();
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + batch); i++) {
        const sentAt = first + Math.floor((i * (now - first - 60_000)) / count);
        const id = Math.max(lastId + 1, firstIdAt(sentAt));
        lastId = id;
        const roll = random();
        if (roll < 0.6) {
          const a = users[Math.floor(random() * users.length)]!;
          let b = users[Math.floor(random() * users.length)]!;
          if (b === a) b = users[(users.indexOf(a) + 1) % users.length]!;
          const key = a < b ? `d:${a}:${b}` : `d:${b}:${a}`;
          s.message.run(id, a, 'direct', null, text(), sentAt, key);
          s.queue.run(b, id);
          s.peers.run(a, b, b, a);
        } else if (roll < 0.98) {
          const g = groups[Math.floor(random() * groups.length)]!;
          const from = g.members[Math.floor(random() * g.members.length)]!;
          s.message.run(id, from, 'group', g.name, text(), sentAt, `g:${g.name}`);
          for (const to of g.members) if (to !== from) s.queue.run(to, id);
        } else {
          const from = users[Math.floor(random() * users.length)]!;
          s.message.run(id, from, 'broadcast', null, text(), sentAt, 'b');
          s.broadcast.run(id, from);
        }
      }
    })();
  }
  db.transaction(() => {
    // Everything was delivered: retention may prune it once it is older than --retain-ms (20 days is within).
    const cursor = db.prepare('INSERT INTO cursors (name, delivered_id, joined_id) VALUES (?, ?, 0)');
    for (const name of users) cursor.run(name, lastId);
    db.prepare("UPDATE counters SET value = ? WHERE name = 'last_message_id'").run(lastId);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const seedS = (performance.now() - started) / 1000;
  const bytesBefore = statSync(file).size;
  const opening = performance.now();
  const store = SqliteStore.open({ db: new Database(file), log: createLogger('silent') });
  const migrateS = (performance.now() - opening) / 1000;
  await store.close();
  return { messages: count, seedS, migrateS, bytesBefore, bytesAfter: statSync(file).size };
}
