import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, serverFleet, tempDir } from '../../support/process.js';
import { startRedisServer } from '../../support/redis-server.js';

const servers = serverFleet();
const redisServers: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  await servers.stopAll();
  for (const redis of redisServers) await redis.stop();
});

const fixture = join(repoRoot, 'test/e2e/suite/fixtures/loaded-modules.fixture.ts');
const optional = ['@redis/client', 'prom-client', 'pino-pretty'];

/** The npm packages among `optional` that a server started with `args` loaded by the time it stopped. */
async function loadedBy(args: readonly string[]): Promise<string[]> {
  const record = join(tempDir('parley-modules-'), 'modules');
  const command = [process.execPath, '--import', 'tsx', '--import', fixture, join(repoRoot, 'src/cli/server-main.ts')];
  const server = await servers.start(args, { PARLEY_TEST_MODULES: record }, { command });
  expect(await server.stop()).toBe(0);
  const files = readFileSync(record, 'utf8').split('\n');
  return optional.filter((name) =>
    files.some((file) => file.includes(`/node_modules/${name}/`) || file.includes(`/node_modules/${name}.js`)),
  );
}

describe('what a server loads', () => {
  it('on SQLite with JSON logs, no metrics and no TLS: no Redis client, no metrics library, no log formatter', async () => {
    expect(await loadedBy(['--store', 'sqlite', '--log-format', 'json'])).toEqual([]);
  });

  it('on Redis with --metrics-port: the Redis client and prom-client, which the first case would have shown', async () => {
    const redis = await startRedisServer();
    redisServers.push(redis);
    const loaded = await loadedBy([
      '--store',
      'redis',
      '--redis-url',
      redis.url,
      '--metrics-port',
      '0',
      '--log-format',
      'json',
    ]);
    expect(loaded).toEqual(expect.arrayContaining(['@redis/client', 'prom-client']));
    expect(loaded).not.toContain('pino-pretty');
  });
});
