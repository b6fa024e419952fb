// Direct messages to random online users, 32 keep-alive connections, at a fixed offered rate and then as fast
// as they go (a fresh server each): messages per second and server CPU per message, every message checked on
// its recipient's stream. On Redis also with two processes, where about half the messages are accepted by one
// process for a stream on the other.
import type { Histogram } from 'hdr-histogram-js';
import { LoadWorker, addIntegrity, emptyIntegrity, type IntegritySum } from '../lib/load-workers.js';
import { cpuMs, cpuMsOf } from '../lib/proc.js';
import { atLeast, atMost, num, type Row } from '../lib/report.js';
import type { TargetName } from '../lib/targets.js';
import type { Loaded } from '../load/protocol.js';
import {
  cells,
  checks,
  goOnline,
  ok,
  ratiosToReference,
  scaled,
  values,
  withServer,
  type Results,
  type Scenario,
  type Settings,
  type Online,
} from './common.js';

interface DirectRun {
  readonly sent: number;
  readonly perS: number;
  readonly usPerMessage: number;
  /** CPU of the redis-server per message (Redis targets). */
  readonly redisUsPerMessage?: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** POST -> 202, as the load generator timed it. */
  readonly postP50Ms: number;
  readonly postP99Ms: number;
  readonly refused: number;
  readonly check: IntegritySum;
}

interface DirectResult {
  readonly fixed: DirectRun;
  readonly max: DirectRun;
}

const connections = 32;

/** One autocannon run from its own process, then the wait for every message to reach its stream. */
async function drive(
  online: Online,
  loader: LoadWorker,
  amount: number,
  rate: number | undefined,
  settings: Settings,
  check: IntegritySum,
): Promise<{ loaded: Loaded; cpuMs: number; redisCpuMs?: number; latency?: Histogram }> {
  const base = online.readers.received;
  const { redisPid } = online.target;
  const redis0 = redisPid === undefined ? 0 : cpuMs(redisPid);
  const cpu0 = cpuMsOf(online.target.pids);
  const loaded = await loader.call<Loaded>({
    op: 'load',
    spec: {
      url: online.target.url,
      method: 'POST',
      path: '/messages',
      connections,
      amount,
      ...(rate !== undefined ? { rate } : {}),
      token: online.senderToken,
      recipients: online.users,
      textBytes: settings.textBytes,
    },
  });
  await online.readers.until(base + loaded.ok);
  const cpu = cpuMsOf(online.target.pids) - cpu0;
  const redisCpu = redisPid === undefined ? undefined : cpuMs(redisPid) - redis0;
  const { integrity, latency } = await online.readers.verify({ byUser: loaded.sent });
  addIntegrity(check, integrity);
  return {
    loaded,
    cpuMs: cpu,
    ...(redisCpu !== undefined ? { redisCpuMs: redisCpu } : {}),
    ...(latency ? { latency } : {}),
  };
}

async function run(
  target: TargetName,
  streams: number,
  durationS: number,
  rate: number | undefined,
  settings: Settings,
): Promise<DirectRun> {
  return withServer(target, [], async (server) => {
    const online = await goOnline(server, streams, settings);
    const loader = await LoadWorker.start();
    try {
      const check = emptyIntegrity();
      // Warm-up: JIT, connection pools, statement caches; its rate sizes the measured run to about durationS.
      const warm = await drive(online, loader, rate ?? 2_000, rate, settings, check);
      await online.readers.latency(true);
      const amount = Math.max(connections, Math.round((rate ?? warm.loaded.ok / warm.loaded.durationS) * durationS));
      const { loaded, cpuMs: cpu, redisCpuMs, latency } = await drive(online, loader, amount, rate, settings, check);
      const result: DirectRun = {
        sent: loaded.ok,
        perS: loaded.ok / loaded.durationS,
        usPerMessage: (cpu * 1000) / loaded.ok,
        ...(redisCpuMs !== undefined ? { redisUsPerMessage: (redisCpuMs * 1000) / loaded.ok } : {}),
        p50Ms: (latency?.getValueAtPercentile(50) ?? NaN) / 1000,
        p99Ms: (latency?.getValueAtPercentile(99) ?? NaN) / 1000,
        postP50Ms: loaded.p50Ms,
        postP99Ms: loaded.p99Ms,
        refused: loaded.non2xx + loaded.errors,
        check,
      };
      settings.log(
        `${target}: direct ${rate === undefined ? 'at the maximum' : `at ${rate}/s`}: ${num(result.perS)}/s, ${num(result.usPerMessage)} µs server CPU per message`,
      );
      return result;
    } finally {
      await loader.stop();
      await online.close();
    }
  });
}

/**
 * Against the bare node:http reference, with the goal; and against a minimal express app doing the same wire work,
 * which shows how much of the gap is express's own floor.
 */
export function direct(settings: Settings): Scenario<DirectResult> {
  const streams = scaled(1_000, settings, 10);
  const durationS = scaled(5, settings, 2);
  const rate = 1_000;
  return {
    name: 'direct',
    targets: ['reference', 'express', 'memory', 'sqlite'],
    async measure(target) {
      return {
        fixed: await run(target, streams, durationS, rate, settings),
        max: await run(target, streams, durationS, undefined, settings),
      };
    },
    rows(results: Results<DirectResult>): Row[] {
      const row = (which: 'fixed' | 'max', figure: string, reference: 'reference' | 'express'): Row => {
        const shown = only(results, [reference, 'memory', 'sqlite']);
        const ratios = ratiosToReference(shown, reference, (r) => r[which].usPerMessage);
        return {
          key: reference === 'reference' ? `direct-${which}` : `direct-${which}-express`,
          figure:
            reference === 'reference' ? figure : `${figure} (reference: a minimal express app, the same wire work)`,
          cells: cells(shown, (r) => `${num(r[which].perS)}/s; ${num(r[which].usPerMessage)} µs`),
          ratios,
          ratioOf: reference === 'reference' ? 'CPU per message ÷ reference' : 'CPU per message ÷ express',
          ...(reference === 'reference' ? { goal: '≤ 3× both stores', met: atMost(ratios, 3) } : {}),
          checks: checks(shown, (r) => r[which].check),
          values: values(shown, (r) => {
            const { check: _check, ...numbers } = r[which];
            return numbers;
          }),
        };
      };
      const fixed = `direct to random online users (${num(streams, 9)} streams), ${num(rate, 9)}/s offered over ${connections} connections: msg/s; server CPU per message`;
      const max = `direct to random online users (${num(streams, 9)} streams), as fast as ${connections} connections go: msg/s; server CPU per message`;
      return [
        row('fixed', fixed, 'reference'),
        row('max', max, 'reference'),
        row('fixed', fixed, 'express'),
        row('max', max, 'express'),
      ];
    },
  };
}

/** The results of some targets only: two references would fill one column. */
function only<M>(results: Results<M>, targets: readonly TargetName[]): Results<M> {
  return Object.fromEntries(Object.entries(results).filter(([target]) => targets.includes(target as TargetName)));
}

/** As fast as they go on SQLite, on Redis with one process, and on Redis with two processes, in one run. */
export function directRedis(settings: Settings): Scenario<DirectRun> {
  const streams = scaled(1_000, settings, 10);
  const durationS = scaled(5, settings, 2);
  return {
    name: 'direct-redis',
    targets: ['sqlite', 'redis', 'redis-workers'],
    optionalTargets: ['redis-pair'],
    measure: (target) => run(target, streams, durationS, undefined, settings),
    rows(results: Results<DirectRun>): Row[] {
      const sqlite = ok(results, 'sqlite');
      const ratios: Row['ratios'] = {};
      for (const [target, column] of [
        ['redis', 'redis'],
        ['redis-workers', 'redis2'],
        ['redis-pair', 'redis2'],
      ] as const) {
        const m = ok(results, target);
        if (sqlite && m) ratios[column] = m.perS / sqlite.perS;
      }
      return [
        {
          key: 'direct-redis',
          table: 'processes',
          figure: `direct to random online users (${num(streams, 9)} streams), as fast as ${connections} connections go: msg/s; server CPU per message (+ Redis's)`,
          cells: cells(
            results,
            (r) =>
              `${num(r.perS)}/s; ${num(r.usPerMessage)} µs` +
              (r.redisUsPerMessage !== undefined ? ` (+ ${num(r.redisUsPerMessage)} µs)` : ''),
          ),
          ratios,
          ratioOf: 'msg/s ÷ sqlite',
          goal: '≥ 0.9× sqlite on redis, 1 process',
          met: atLeast(ratios, 0.9, ['redis']),
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => {
            const { check: _check, ...numbers } = r;
            return numbers;
          }),
        },
      ];
    },
  };
}

/** The cost of acknowledged writes: as fast as they go behind Sentinel, answered at once or once a replica holds them. */
export function directAcked(settings: Settings): Scenario<DirectRun> {
  const streams = scaled(1_000, settings, 10);
  const durationS = scaled(5, settings, 2);
  return {
    name: 'direct-acked',
    targets: ['sentinel', 'sentinel-acked'],
    measure: (target) => run(target, streams, durationS, undefined, settings),
    rows(results: Results<DirectRun>): Row[] {
      const unacked = ok(results, 'sentinel');
      const acked = ok(results, 'sentinel-acked');
      const ratios: Row['ratios'] = unacked && acked ? { waitAll: acked.perS / unacked.perS } : {};
      return [
        {
          key: 'direct-acked',
          table: 'replication',
          figure: `direct to random online users (${num(streams, 9)} streams), as fast as ${connections} connections go: msg/s; POST → 202 p50, p99`,
          cells: cells(results, (r) => `${num(r.perS)}/s; ${num(r.postP50Ms)} ms, ${num(r.postP99Ms)} ms`),
          ratios,
          ratioOf: 'msg/s ÷ wait 0',
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => {
            const { check: _check, ...numbers } = r;
            return numbers;
          }),
        },
      ];
    },
  };
}
