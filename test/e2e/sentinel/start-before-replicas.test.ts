import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { api, register } from '../../support/api.js';
import { childLines, type ChildLines } from '../../support/child-lines.js';
import { fastArgs, parleyCommand, stopProcess, tempDir } from '../../support/process.js';
import {
  startRedisServer,
  startSentinelTopology,
  type RedisServer,
  type SentinelTopology,
} from '../../support/redis-server.js';

// Orchestrators start Redis, its replicas and Parley at once: Parley may come up before any replica is in sync.
let topology: SentinelTopology | undefined;
const started: RedisServer[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await Promise.all(started.splice(0).map((server) => server.kill()));
  await topology?.stop();
  topology = undefined;
});

interface Starting {
  readonly output: ChildLines;
  /** The log lines printed so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Resolves once a log line `predicate` accepts is out. */
  until(predicate: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  signal(signal: NodeJS.Signals): void;
  readonly exited: Promise<number | null>;
}

/** `parley serve` behind the sentinels, watched from its first line on (it may not listen for a while). */
function startParley(t: SentinelTopology, ...args: string[]): Starting {
  const child = spawn(
    parleyCommand[0]!,
    [
      ...parleyCommand.slice(1),
      'serve',
      '--port',
      '0',
      '--data',
      tempDir(),
      ...fastArgs,
      '--store',
      'redis',
      '--redis-sentinel',
      t.sentinelList,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exit = once(child, 'exit');
  stops.push(() => stopProcess(child, exit));
  const output = childLines(child, exit, 'parley');
  const logs = () =>
    output.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return {
    output,
    logs,
    async until(predicate, timeoutMs = 15_000) {
      await output.until(() => logs().some(predicate), timeoutMs);
      return logs().find(predicate)!;
    },
    signal: (signal) => void child.kill(signal),
    exited: exit.then(([code]) => code as number | null),
  };
}

const waiting = (entry: Record<string, unknown>) => entry.msg === 'waiting for a replica of Redis to come in sync';

describe('Parley started behind Sentinel before the replicas are in sync', () => {
  it('waits for them, saying so, and starts once one is in sync', async () => {
    const t = (topology = await startSentinelTopology({ replicas: 0 }));
    const parley = startParley(t);
    const first = await parley.until(waiting);
    expect(first).toMatchObject({ level: 40, onlineReplicas: 0, waitReplicas: 'all' });
    expect(Number(first.waitedMs)).toBeLessThan(1_000);
    expect(Number(first.waitedMs) + Number(first.leftMs)).toBe(120_000);

    // The replica starts only now, and makes its first full copy of the primary.
    started.push(await startRedisServer({ replicaOf: t.primary }));
    const listening = await parley.until((entry) => entry.msg === 'parley is listening', 30_000);
    expect(parley.logs().find((entry) => entry.msg === 'connected to Redis')).toMatchObject({ onlineReplicas: 1 });
    expect(parley.logs().findIndex(waiting)).toBeLessThan(
      parley.logs().findIndex((entry) => entry.msg === 'connected to Redis'),
    );
    // It works: a write is answered once the replica holds it.
    const url = String(listening.url);
    const alice = await register(url, 'alice');
    await register(url, 'bob');
    const sent = await api(url, 'POST', '/messages', { token: alice.token, json: { to: 'bob', text: 'in sync' } });
    expect(sent.status).toBe(202);
    parley.signal('SIGTERM');
    expect(await parley.exited).toBe(0);
  });

  it('says so again every few seconds while it waits, and stops at once, not failing, when told to', async () => {
    const t = (topology = await startSentinelTopology({ replicas: 0 }));
    const parley = startParley(t);
    await parley.output.until(() => parley.logs().filter(waiting).length === 2, 10_000);
    const [first, second] = parley.logs().filter(waiting);
    expect(Number(second!.waitedMs) - Number(first!.waitedMs)).toBeGreaterThanOrEqual(5_000);
    expect(Number(second!.waitedMs) - Number(first!.waitedMs)).toBeLessThan(6_000);
    const asked = Date.now();
    parley.signal('SIGTERM');
    expect(await parley.exited).toBe(0);
    expect(Date.now() - asked).toBeLessThan(2_000);
    expect(parley.logs().map((entry) => entry.msg)).toContain('parley stopped before it started');
    expect(parley.output.lines.join('\n')).not.toContain('could not start');
  });
});
