import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/create-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { describeStore } from './store.contract.js';

let redis: RedisServer;
let tests = 0;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describeStore('redis', () =>
  createStore({ kind: 'redis', dataDir: '', redisUrl: redis.url, redisPrefix: `contract${++tests}:` }, createLogger('silent')),
);
