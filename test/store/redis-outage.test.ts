import { describe, expect, it } from 'vitest';
import { ChatError } from '../../src/core/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../support/open-store.js';
import { StoreOpenError } from '../../src/store/store-open-error.js';
import { captureLog } from '../support/log-capture.js';
import { freePort, startRedisServer } from '../support/redis-server.js';
import { draft } from './contract/index.js';

const lost = 'lost the connection to Redis; writes fail with 503 until it is back';

describe('the Redis store when Redis is unreachable', () => {
  it('refuses to open, naming the URL and the option to fix, when nothing answers there', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const opening = openStore({ kind: 'redis', dataDir: '', redisUrl: url }, createLogger('silent'));
    await expect(opening).rejects.toThrow(StoreOpenError);
    await expect(opening).rejects.toThrow(`cannot reach Redis at ${url}`);
    await expect(opening).rejects.toThrow('--redis-url');
  });

  it('refuses writes and reads as unavailable while Redis is down, logs it once, and carries on where it was once Redis is back', async () => {
    const redis = await startRedisServer();
    let restarted;
    try {
      const captured = captureLog();
      const store = await openStore(
        { kind: 'redis', dataDir: '', redisUrl: redis.url, redisPrefix: 'outage:' },
        captured.log,
      );
      for (const name of ['alice', 'bob']) await store.insertUser({ name, passwordHash: 'x', createdAt: 1 });
      const before = await store.appendMessage(draft(['bob'], { text: 'before' }));
      store.markDelivered('bob', before);
      await redis.stop();

      const refused = store.appendMessage(draft(['bob'], { text: 'while down' }));
      await expect(refused).rejects.toThrow(ChatError);
      await expect(refused).rejects.toMatchObject({ code: 'unavailable', retryAfterMs: 1_000 });
      await expect(store.appendMessage(draft([], { kind: 'broadcast' }))).rejects.toMatchObject({
        code: 'unavailable',
      });
      await expect(store.readQueue('bob', 0, 10)).rejects.toMatchObject({ code: 'unavailable' });
      await expect(store.insertUser({ name: 'carol', passwordHash: 'x', createdAt: 2 })).rejects.toMatchObject({
        code: 'unavailable',
      });
      // Retention runs in the background: it removes nothing now and tries again on its next pass.
      expect(await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 10 })).toEqual({ removed: 0 });
      await captured.until((entry) => entry.msg === lost);

      // The same port and directory: Redis reads its append-only file back.
      restarted = await startRedisServer({ dir: redis.dir, port: redis.port });
      await captured.until((entry) => entry.msg === 'the connection to Redis is back');
      expect(await store.appendMessage(draft(['bob'], { text: 'after' }))).toBeGreaterThan(before);
      expect((await store.readQueue('bob', 0, 10)).rows.map((row) => ('text' in row ? row.text : row.json))).toEqual([
        'before',
        'after',
      ]);
      // The delivered position refused while Redis was down was kept and written once it was back.
      expect((await store.loadCursors()).find((c) => c.name === 'bob')).toEqual({
        name: 'bob',
        deliveredId: before,
        prunedId: 0,
        pending: 1,
      });
      expect(captured.entries.filter((entry) => entry.msg === lost)).toHaveLength(1);
      await store.close();
    } finally {
      await redis.stop();
      await restarted?.stop();
    }
  });

  it('closes without waiting for a Redis that went away', async () => {
    const redis = await startRedisServer();
    try {
      const store = await openStore({ kind: 'redis', dataDir: '', redisUrl: redis.url }, createLogger('silent'));
      store.markDelivered('bob', 1);
      await redis.kill();
      await store.close();
      await expect(store.lastMessageId()).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      await redis.stop();
    }
  });
});
