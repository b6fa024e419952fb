import { describe, expect, it } from 'vitest';
import { ConfigError, configFrom, loadConfig } from '../../src/config/load.js';
import { optionSpecs } from '../../src/config/schema.js';

const config = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = loadConfig(argv, env);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.config;
};

describe('configuration', () => {
  it('starts from the documented defaults', () => {
    const defaults = config([]);
    for (const [key, spec] of Object.entries(optionSpecs))
      expect((defaults as any)[key], key).toEqual(spec.schema.parse(spec.default));
    expect(defaults.port).toBe(8080);
    expect(defaults.host).toBe('127.0.0.1');
  });

  it('takes flags over PARLEY_* variables over defaults', () => {
    expect(config([], { PARLEY_PORT: '9001' }).port).toBe(9001);
    expect(config(['--port', '9002'], { PARLEY_PORT: '9001' }).port).toBe(9002);
    expect(config(['--port=0']).port).toBe(0);
  });

  it('names the option, its flag and its variable when a value is wrong', () => {
    expect(() => config(['--port', 'eighty'])).toThrow(/--port \/ PARLEY_PORT/);
    expect(() => config([], { PARLEY_HEARTBEAT_MS: '-5' })).toThrow(/--heartbeat-ms \/ PARLEY_HEARTBEAT_MS/);
    expect(() => config(['--scrypt-cost', '1000'])).toThrow(/power of two/);
    expect(() => config(['--no-such-flag'])).toThrow(ConfigError);
    expect(() => config(['--tls-cert', '/etc/parley/cert.pem'])).toThrow(
      /--tls-cert \(PARLEY_TLS_CERT\) and --tls-key \(PARLEY_TLS_KEY\) go together/,
    );
    expect(() => config([], { PARLEY_TLS_KEY: '/etc/parley/key.pem' })).toThrow(ConfigError);
    expect(() => config(['--store', 'redis', '--redis-url', 'http://127.0.0.1:6379'])).toThrow(
      /--redis-url \/ PARLEY_REDIS_URL: .*redis:\/\/ or rediss:\/\//,
    );
  });

  it('takes a Redis URL with credentials and a database, or a TLS one', () => {
    expect(
      config(['--store', 'redis'], { PARLEY_REDIS_URL: 'rediss://user:secret@redis.internal:6380/2' }),
    ).toMatchObject({
      store: 'redis',
      redisUrl: 'rediss://user:secret@redis.internal:6380/2',
      redisPrefix: 'parley:',
    });
  });

  it('takes --workers from 1 to 64, and more than 1 only with the store every process shares', () => {
    expect(config([]).workers).toBe(1);
    expect(config(['--workers', '4', '--store', 'redis']).workers).toBe(4);
    expect(config(['--store', 'redis'], { PARLEY_WORKERS: '64' }).workers).toBe(64);
    expect(() => config(['--workers', '0'])).toThrow(/--workers \/ PARLEY_WORKERS/);
    expect(() => config(['--workers', '65', '--store', 'redis'])).toThrow(/--workers \/ PARLEY_WORKERS/);
    expect(() => config(['--workers', '2'])).toThrow(
      /--workers 2 \(PARLEY_WORKERS\) needs a store all processes share: use --store redis/,
    );
    expect(() => config(['--workers', '2', '--store', 'memory'])).toThrow(/--store is memory/);
  });

  it('finds Redis through sentinels instead of a URL, and refuses both at once', () => {
    expect(config(['--store', 'redis', '--redis-sentinel', '10.0.0.1:26379,sentinel-b:26380'])).toMatchObject({
      redisSentinel: '10.0.0.1:26379,sentinel-b:26380',
      redisSentinelName: 'mymaster',
      redisWaitReplicas: '',
      redisWaitTimeoutMs: 1_000,
      redisSyncWaitMs: 120_000,
    });
    expect(config(['--redis-sync-wait-ms', '0']).redisSyncWaitMs).toBe(0);
    expect(config(['--redis-wait-replicas', '0']).redisWaitReplicas).toBe(0);
    expect(config(['--redis-wait-replicas', 'all']).redisWaitReplicas).toBe('all');
    expect(() => config(['--redis-wait-replicas', 'most'])).toThrow(
      /--redis-wait-replicas \/ PARLEY_REDIS_WAIT_REPLICAS/,
    );
    expect(() => config(['--redis-sentinel', '10.0.0.1'])).toThrow(
      /--redis-sentinel \/ PARLEY_REDIS_SENTINEL: .*HOST:PORT/,
    );
    expect(() => config(['--redis-sentinel', '10.0.0.1:26379', '--redis-url', 'redis://10.0.0.5:6379'])).toThrow(
      /--redis-sentinel \(PARLEY_REDIS_SENTINEL\) and --redis-url \(PARLEY_REDIS_URL\) both name the Redis: give one/,
    );
    expect(() => config(['--redis-sentinel', '10.0.0.1:26379'], { PARLEY_REDIS_URL: 'redis://10.0.0.5:6379' })).toThrow(
      /give one/,
    );
  });

  it('freezes the result', () => {
    expect(Object.isFrozen(configFrom())).toBe(true);
  });

  it('answers --help', () => {
    expect(loadConfig(['--help'], {})).toEqual({ help: true });
  });
});
