import { createClient } from '@redis/client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { openStore, openTestBackend } from '../support/open-store.js';
import { redisForFile } from '../support/redis-server.js';
import { describeStore, draft, expectKeptAcrossReopen } from './contract/index.js';

const redis = redisForFile();

/** A key prefix no other test uses. */
const freshPrefix = () => redis.prefix('t');
const open = (redisPrefix: string) =>
  openStore({ kind: 'redis', dataDir: '', redisUrl: redis.url, redisPrefix }, createLogger('silent'));

describeStore('redis', async () => {
  const { store, feed } = await openTestBackend(
    { kind: 'redis', dataDir: '', redisUrl: redis.url, redisPrefix: freshPrefix() },
    createLogger('silent'),
  );
  return { store, feed, feedTells: 'soon after' };
});

/** Every key in the Redis, read with a connection of its own. */
async function keysOf(prefix: string): Promise<string[]> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return (await client.keys(`${prefix}*`)).sort();
  } finally {
    await client.close();
  }
}

function expectRising(ids: readonly number[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
}

describe('the Redis store across reopens', () => {
  it('shows a new store object on the same prefix everything the first one wrote, and continues its ids', async () => {
    const prefix = freshPrefix();
    await expectKeptAcrossReopen(() => open(prefix));
  });

  it('keeps a message once whatever the number of recipients, drops it once nobody holds it, and writes only under its prefix', async () => {
    const prefix = freshPrefix();
    const before = new Set(await keysOf(''));
    const store = await open(prefix);
    const id = await store.appendMessage(
      draft(['bob', 'carol', 'dave'], { kind: 'group', group: 'team', text: 'to all' }),
    );
    expect((await keysOf('')).filter((key) => !before.has(key) && !key.startsWith(prefix))).toEqual([]);
    expect((await keysOf(prefix)).filter((key) => key.startsWith(`${prefix}m:`))).toEqual([`${prefix}m:${id}`]);
    for (const name of ['bob', 'carol']) store.markDelivered(name, id);
    expect(await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 })).toEqual({ removed: 2 });
    expect(await keysOf(prefix)).toContain(`${prefix}m:${id}`);
    store.markDelivered('dave', id);
    expect(await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 })).toEqual({ removed: 1 });
    await store.close();
    // What is left is bookkeeping: the id counter, the cursors and their positions.
    expect((await keysOf(prefix)).filter((key) => /:(m|q|v|o):/.test(key))).toEqual([]);
  });
});

describe('search on the Redis store', () => {
  it('spans scripts of a thousand messages within a page, so that none holds Redis long, and finds each hit once', async () => {
    const store = await open(freshPrefix());
    const ids: number[] = [];
    for (let i = 0; i < 2_500; i += 250) {
      const texts = Array.from({ length: 250 }, (_, j) => ((i + j) % 1_000 === 7 ? `needle ${i + j}` : `hay ${i + j}`));
      ids.push(...(await Promise.all(texts.map((text) => store.appendMessage(draft(['bob'], { text }))))));
    }
    const request = {
      reader: 'alice',
      conversations: [{ kind: 'direct' as const, with: 'bob' }],
      terms: ['needle'],
      beforeId: Number.MAX_SAFE_INTEGER,
      afterId: 0,
      limit: 10,
      budget: 5_000,
    };
    expect((await store.searchMessages(request)).hits.map((h) => h.message.id)).toEqual([
      ids[2_007],
      ids[1_007],
      ids[7],
    ]);
    const first = await store.searchMessages({ ...request, limit: 1 });
    expect(first).toEqual({ hits: [expect.objectContaining({ with: 'bob' })], next: ids[2_007] });
    const spent = await store.searchMessages({ ...request, budget: 1_500 });
    expect(spent.hits.map((h) => h.message.id)).toEqual([ids[2_007], ids[1_007]]);
    expect(spent.next).toBe(ids[1_000]);
    await store.close();
  });
});

describe('the notification settings of the Redis store', () => {
  it('leave no key behind once the sessions that made the subscriptions end and the user is deleted', async () => {
    const prefix = freshPrefix();
    const store = await open(prefix);
    await store.insertUser({ name: 'alice', passwordHash: 'x', createdAt: 1 });
    const before = await keysOf(prefix);
    const event = (type: 'notifications' | 'quiet') => ({ type, json: '{}', at: 1, recipients: [] });
    await store.setNotifyLevel('alice', 'team', 'none', event('notifications'));
    await store.setQuietUntil('alice', 9_000, event('quiet'));
    for (const n of [1, 2]) {
      const tokenHash = String(n).repeat(64);
      await store.insertSession({ tokenHash, username: 'alice', createdAt: n, expiresAt: 9_000, lastUsedAt: n });
      const endpoint = `https://push.example.com/${n}`;
      const subscription = { id: `s${n}`, user: 'alice', sessionId: tokenHash, endpoint, p256dh: 'k', auth: 'a' };
      await store.insertPushSubscription({ ...subscription, createdAt: n, ackedId: 0 }, 5);
      await store.leasePushSubscription(`s${n}`, 'p1', Date.now(), 60_000);
    }
    await store.deleteSession('1'.repeat(64));
    expect((await keysOf(prefix)).filter((key) => /:ps[a-z]*:.*1$/.test(key))).toEqual([]);
    expect(await store.deleteUser('alice')).toBe(true);
    const left = (await keysOf(prefix)).filter((key) => !before.includes(key));
    expect(left.filter((key) => /:(nl|ps|psl|psu|pss):|:(quiet|pse|push)$/.test(key))).toEqual([]);
    await store.close();
  });
});

describe('two store objects on one Redis, as two processes', () => {
  it('keep ids strictly increasing for every recipient when both append at once, and lose nothing', async () => {
    const prefix = freshPrefix();
    const [one, two] = [await open(prefix), await open(prefix)];
    for (const name of ['alice', 'bob', 'carol']) await one.insertUser({ name, passwordHash: 'x', createdAt: 1 });
    // Each round fires ten appends on each connection without waiting, so that their scripts meet on the server;
    // rounds follow each other, so that the two stores' ids interleave whatever the server's order within one.
    const message = (from: string, i: number) =>
      i % 10 === 9
        ? draft([], { from, kind: 'broadcast', text: `${from} b${i}` })
        : draft(i % 2 ? ['bob'] : ['bob', 'carol'], { from, kind: 'group', group: 'team', text: `${from} ${i}` });
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 15; round++) {
      const indexes = Array.from({ length: 10 }, (_, i) => 10 * round + i);
      const [ones, twos] = await Promise.all([
        Promise.all(indexes.map((i) => one.appendMessage(message('alice', i)))),
        Promise.all(indexes.map((i) => two.appendMessage(message('dora', i)))),
      ]);
      a.push(...ones);
      b.push(...twos);
    }
    for (const ids of [a, b]) expectRising(ids);
    expect(a[a.length - 1]).toBeGreaterThan(b[0]!);
    expect(b[b.length - 1]).toBeGreaterThan(a[0]!);
    const all = [...a, ...b].sort((x, y) => x - y);
    expect(new Set(all).size).toBe(300);
    expect(await two.lastMessageId()).toBe(all[all.length - 1]);

    const bob = (await one.readQueue('bob', 0, 1_000)).rows.map((r) => r.id);
    expect(bob).toEqual(all);
    const carol = (await two.readQueue('carol', 0, 1_000)).rows;
    expectRising(carol.map((r) => r.id));
    // Of each store's 150, carol reads the 75 group messages to both and the 15 broadcasts.
    expect(carol).toHaveLength(2 * (75 + 15));
    await Promise.all([one.close(), two.close()]);
  });

  it('sign with one VAPID key pair: of two that start at once, both keep the first stored', async () => {
    const prefix = freshPrefix();
    const [one, two] = [await open(prefix), await open(prefix)];
    const pairs = await Promise.all([
      one.vapidKeys(() => ({ publicKey: 'BOne', privateKey: 'one' })),
      two.vapidKeys(() => ({ publicKey: 'BTwo', privateKey: 'two' })),
    ]);
    expect(pairs[1]).toEqual(pairs[0]);
    expect(await two.vapidKeys(() => ({ publicKey: 'BThree', privateKey: 'three' }))).toEqual(pairs[0]);
    await Promise.all([one.close(), two.close()]);
  });
});
