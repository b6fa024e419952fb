import { createClient } from '@redis/client';
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../src/core/ports/index.js';
import { ChatError } from '../../src/core/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../support/open-store.js';
import { decodeFeedEvent } from '../../src/store/redis/feed-events.js';
import type { Store } from '../../src/core/ports/index.js';
import { redisForFile } from '../support/redis-server.js';
import { Watched } from '../support/watched.js';
import { draft } from './contract/index.js';

const redis = redisForFile();

const open = (redisPrefix: string) =>
  openStore({ kind: 'redis', dataDir: '', redisUrl: redis.url, redisPrefix }, createLogger('silent'));

/** Every event published under `prefix`, decoded, read with a connection of its own. */
async function listen(prefix: string) {
  const client = createClient({ url: redis.url });
  await client.connect();
  const events: FeedEvent[] = [];
  const watched = new Watched();
  await client.subscribe(`${prefix}events`, (payload) => {
    events.push(decodeFeedEvent(payload)!);
    watched.changed();
  });
  return {
    events,
    until: (count: number) =>
      watched.until(
        () => (events.length >= count ? true : undefined),
        10_000,
        (why) => `${why} with ${events.length} of ${count} events`,
      ),
    close: () => client.close(),
  };
}

describe('the event feed of the Redis store', () => {
  it('tells every write others must know of, with what they need, in the order Redis applied them', async () => {
    const prefix = redis.prefix('feed');
    const feed = await listen(prefix);
    const store = await open(prefix);
    try {
      await store.insertUser({ name: 'alice', passwordHash: 'x', createdAt: 1 });
      await store.insertGroup({ name: 'crew', members: ['alice', 'bob'], createdBy: 'alice', createdAt: 2 });
      const text = 'naïve "quotes" / slashes \\ and 💬\nsecond line';
      const direct = await store.appendMessage(draft(['bob'], { from: 'alice', text }));
      const group = await store.appendMessage(draft(['bob', 'carol'], { from: 'alice', kind: 'group', group: 'crew' }));
      const broadcast = await store.appendMessage(draft([], { from: 'alice', kind: 'broadcast', text: 'all' }));
      await store.insertSession({ tokenHash: 'h1', username: 'alice', createdAt: 3, expiresAt: 4, lastUsedAt: 3 });
      await store.deleteSession('h1');
      const added = {
        type: 'group' as const,
        json: '{"change":"added"}',
        at: 7,
        recipients: ['alice', 'bob', 'carol'],
      };
      const [event] = (await store.changeGroup({
        name: 'crew',
        expected: ['alice', 'bob'],
        members: ['alice', 'bob', 'carol'],
        owner: 'alice',
        added: ['carol'],
        removed: [],
        events: [added],
      }))!;
      await store.insertSession({ tokenHash: 'h2', username: 'alice', createdAt: 5, expiresAt: 6, lastUsedAt: 5 });
      await store.deleteSession('h2', 'revoked');
      await store.deleteUser('alice');
      await feed.until(11);
      expect(feed.events).toEqual([
        { kind: 'registered', name: 'alice' },
        {
          kind: 'group',
          group: {
            name: 'crew',
            members: ['alice', 'bob'],
            createdBy: 'alice',
            createdAt: 2,
            owner: 'alice',
            joined: {},
            left: {},
          },
        },
        {
          kind: 'message',
          message: expect.objectContaining({ id: direct, from: 'alice', kind: 'direct', text }),
          recipients: ['bob'],
        },
        {
          kind: 'message',
          message: expect.objectContaining({ id: group, kind: 'group', group: 'crew' }),
          recipients: ['bob', 'carol'],
        },
        {
          kind: 'message',
          message: expect.objectContaining({ id: broadcast, kind: 'broadcast', text: 'all' }),
          recipients: [],
        },
        { kind: 'session_ended', user: 'alice', sessionId: 'h1', reason: 'exit' },
        // A membership change: the group as it is now, then its event, for every process to fan out.
        {
          kind: 'group',
          group: expect.objectContaining({
            name: 'crew',
            members: ['alice', 'bob', 'carol'],
            joined: { carol: event },
          }),
        },
        { kind: 'event', event: { id: event, type: 'group', json: added.json, at: 7 }, recipients: added.recipients },
        { kind: 'session_ended', user: 'alice', sessionId: 'h2', reason: 'revoked' },
        { kind: 'sessions_ended', user: 'alice' },
        { kind: 'deleted', name: 'alice' },
      ]);
    } finally {
      await store.close();
      await feed.close();
    }
  });

  it('tells the messages of two stores appending at once in id order', async () => {
    const prefix = redis.prefix('feed');
    const feed = await listen(prefix);
    const stores: Store[] = [await open(prefix), await open(prefix)];
    try {
      const ids = await Promise.all(
        Array.from({ length: 200 }, (_, i) => stores[i % 2]!.appendMessage(draft(['bob'], { text: `m${i}` }))),
      );
      await feed.until(200);
      const told = feed.events.map((e) => (e.kind === 'message' ? e.message.id : 0));
      expect(told).toEqual([...ids].sort((a, b) => a - b));
    } finally {
      for (const store of stores) await store.close();
      await feed.close();
    }
  });

  it('refuses a message, storing and telling nothing, when a recipient has the queue limit waiting', async () => {
    const prefix = redis.prefix('feed');
    const feed = await listen(prefix);
    const store = await open(prefix);
    try {
      const first = await store.appendMessage({ ...draft(['bob']), queueLimit: 2 });
      const second = await store.appendMessage({ ...draft(['bob', 'carol']), queueLimit: 2 });
      const refused = store.appendMessage({ ...draft(['carol', 'bob']), queueLimit: 2 });
      await expect(refused).rejects.toThrow(ChatError);
      await expect(refused).rejects.toMatchObject({ code: 'queue_full', message: expect.stringContaining('bob') });
      // The refused send took no id; reading makes room.
      expect(await store.lastMessageId()).toBe(second);
      store.markDelivered('bob', first);
      const third = await store.appendMessage({ ...draft(['bob']), queueLimit: 2 });
      expect(third).toBeGreaterThan(second);
      expect((await store.readQueue('carol', 0, 10)).rows).toHaveLength(1);
      await feed.until(3);
      expect(feed.events.map((e) => (e.kind === 'message' ? e.message.id : 0))).toEqual([first, second, third]);
    } finally {
      await store.close();
      await feed.close();
    }
  });
});

describe('the message events of the Redis feed', () => {
  it("publishes a plain message as 'm', which older versions read, one with a bot mark or display name as 'M', and one with mentions as 'N'", async () => {
    const prefix = redis.prefix('feed');
    const store = await open(prefix);
    const client = createClient({ url: redis.url });
    await client.connect();
    const payloads: string[] = [];
    const watched = new Watched();
    await client.subscribe(`${prefix}events`, (payload) => {
      payloads.push(payload);
      watched.changed();
    });
    try {
      const plain = await store.appendMessage(draft(['bob'], { text: 'plain' }));
      const named = await store.appendMessage(draft(['bob', 'carol'], { displayName: '', text: 'named' }));
      const bot = await store.appendMessage(draft(['bob'], { bot: true, text: 'bot' }));
      const team = { kind: 'group', group: 'team' } as const;
      const called = await store.appendMessage(draft(['bob', 'carol'], { ...team, text: '@bob', mentions: ['bob'] }));
      const all = await store.appendMessage(draft(['bob'], { ...team, bot: true, mentions: ['everyone'] }));
      await watched.until(
        () => (payloads.length >= 5 ? true : undefined),
        10_000,
        (why) => why,
      );
      expect(payloads.map((p) => (JSON.parse(p) as string[])[0])).toEqual(['m', 'M', 'M', 'N', 'N']);
      expect(payloads.map(decodeFeedEvent)).toEqual([
        {
          kind: 'message',
          message: { id: plain, from: 'alice', kind: 'direct', text: 'plain', sentAt: 1_000 },
          recipients: ['bob'],
        },
        {
          kind: 'message',
          message: { id: named, from: 'alice', displayName: '', kind: 'direct', text: 'named', sentAt: 1_000 },
          recipients: ['bob', 'carol'],
        },
        {
          kind: 'message',
          message: { id: bot, from: 'alice', bot: true, kind: 'direct', text: 'bot', sentAt: 1_000 },
          recipients: ['bob'],
        },
        {
          kind: 'message',
          message: { id: called, from: 'alice', ...team, text: '@bob', sentAt: 1_000, mentions: ['bob'] },
          recipients: ['bob', 'carol'],
        },
        {
          kind: 'message',
          message: { id: all, from: 'alice', ...team, bot: true, text: 'hello', sentAt: 1_000, mentions: ['everyone'] },
          recipients: ['bob'],
        },
      ]);
    } finally {
      await store.close();
      await client.close();
    }
  });
});
