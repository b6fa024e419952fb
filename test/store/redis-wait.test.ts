import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../src/core/ports/index.js';
import { ChatError } from '../../src/core/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { openStore, openTestBackend } from '../support/open-store.js';
import { command, field, startRedisServer, until, type RedisServer } from '../support/redis-server.js';
import { Watched } from '../support/watched.js';
import { draft } from './contract/index.js';

// A primary and one replica, on a plain URL, with --redis-wait-replicas 1: what the store answers and what the
// feed tells depends on the replica holding it.
let primary: RedisServer;
let replica: RedisServer;
beforeAll(async () => {
  primary = await startRedisServer();
  replica = await startRedisServer({ replicaOf: primary });
  await until(async () => field(await command(replica.port, ['INFO', 'replication']), 'master_link_status') === 'up');
});
afterAll(async () => {
  await replica?.stop();
  await primary?.stop();
});

let prefixes = 0;
const open = (waitTimeoutMs = 1_000, replicas: number | 'all' = 1) =>
  openStore(
    {
      kind: 'redis',
      dataDir: '',
      redisUrl: primary.url,
      redisPrefix: `wait${++prefixes}:`,
      redisWaitReplicas: replicas,
      redisWaitTimeoutMs: waitTimeoutMs,
    },
    createLogger('silent'),
  );

const waitCalls = async () =>
  Number(
    /calls=(\d+)/.exec(field(await command(primary.port, ['INFO', 'commandstats']), 'cmdstat_wait') ?? 'calls=0')![1],
  );

describe('writes confirmed by replicas (--redis-wait-replicas)', () => {
  it('confirms many concurrent writes with a few WAIT round trips, not one each', async () => {
    const store = await open();
    try {
      const before = await waitCalls();
      const ids = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.appendMessage(draft(['bob'], { text: `m${i}` }))),
      );
      expect(new Set(ids).size).toBe(200);
      const rounds = (await waitCalls()) - before;
      console.log(`200 concurrent sends confirmed in ${rounds} WAIT rounds`);
      expect(rounds).toBeGreaterThan(0);
      expect(rounds).toBeLessThanOrEqual(20);
      // What the replica holds: every one of them.
      expect(Number(await command(replica.port, ['ZCARD', `wait${prefixes}:q:bob`]))).toBe(200);
    } finally {
      await store.close();
    }
  });

  it('refuses a write the replica cannot confirm in time with unavailable, and holds its feed event until the replica has it', async () => {
    const { store, feed: cluster } = await openTestBackend(
      {
        kind: 'redis',
        redisUrl: primary.url,
        redisPrefix: `wait${++prefixes}:`,
        redisWaitReplicas: 1,
        redisWaitTimeoutMs: 200,
      },
      createLogger('silent'),
    );
    const events: FeedEvent[] = [];
    const watched = new Watched();
    await cluster.start((event) => {
      events.push(event);
      watched.changed();
    });
    try {
      replica.freeze();
      const refused = await store.appendMessage(draft(['bob'], { text: 'not confirmed' })).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(ChatError);
      expect(refused).toMatchObject({ code: 'unavailable' });
      // Stored on the primary, but no round has succeeded since: nothing was told to the streams.
      expect(events.filter((e) => e.kind === 'message')).toEqual([]);
      replica.thaw();
      await watched.until(
        () => (events.some((e) => e.kind === 'message') ? true : undefined),
        10_000,
        (why) => why,
      );
      expect(
        events.filter((e) => e.kind === 'message').map((e) => (e as { message: { text: string } }).message.text),
      ).toEqual(['not confirmed']);
    } finally {
      replica.thaw();
      await cluster.stop();
      await store.close();
    }
  });

  it('with all, waits for a replica that came in sync after the store started, and no longer for one that is gone', async () => {
    const store = await open(200, 'all');
    const late = await startRedisServer({ replicaOf: primary });
    try {
      await store.appendMessage(draft(['bob'], { text: 'one replica in sync' }));
      await until(
        async () => Number(field(await command(primary.port, ['INFO', 'replication']), 'connected_slaves')) === 2,
      );
      await until(async () => field(await command(late.port, ['INFO', 'replication']), 'master_link_status') === 'up');
      // In sync as the store counts it: the primary lists a replica in ROLE once it is online there, which may be
      // a moment after the replica says its link is up (the primary waits for its first acknowledgement).
      await until(async () => ((await command(primary.port, ['ROLE'])) as [string, number, unknown[]])[2].length === 2);
      // Confirmed by both: the newcomer may take a moment to acknowledge its first writes (a refusal says so).
      await until(() =>
        store.appendMessage(draft(['bob'], { text: 'both in sync' })).then(
          () => true,
          () => false,
        ),
      );
      // The newcomer holds writes back once it is in sync: frozen, it acknowledges nothing.
      late.freeze();
      await expect(store.appendMessage(draft(['bob'], { text: 'the newcomer is frozen' }))).rejects.toMatchObject({
        code: 'unavailable',
      });
      late.thaw();
      await late.stop();
      await until(
        async () => Number(field(await command(primary.port, ['INFO', 'replication']), 'connected_slaves')) === 1,
      );
      await store.appendMessage(draft(['bob'], { text: 'the newcomer is gone' }));
    } finally {
      late.thaw();
      await late.stop();
      await store.close();
    }
  });
});
