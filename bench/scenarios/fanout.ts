// Broadcast fan-out to many open streams: server CPU per delivery, with the opening (rate, idle memory per
// stream), the time to answer a broadcast to everyone online, and memory per user after heavy traffic measured
// on the way, each before the next phase disturbs it. On Redis also the streams on one process against spread
// over two, every broadcast accepted by one of them and delivered by both.
import type { IntegritySum } from '../lib/load-workers.js';
import { addIntegrity, emptyIntegrity } from '../lib/load-workers.js';
import { cpuMs, cpuMsOf, openFiles } from '../lib/proc.js';
import { atLeast, atMost, num, type Row } from '../lib/report.js';
import {
  broadcastSpaced,
  broadcastWindowed,
  cells,
  checks,
  goOnline,
  kB,
  median,
  memorySettleMs,
  ok,
  ratiosToReference,
  ratiosWithin,
  scaled,
  settledRss,
  values,
  withServer,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';
import type { TargetName } from '../lib/targets.js';

interface FanoutPlan {
  readonly streams: number;
  readonly broadcasts: number;
  /** Broadcasts one at a time to an idle server, each timed to its 202 (0: none). */
  readonly spaced: number;
  /** Broadcasts after the measured ones, before memory is read again (0: none). */
  readonly after: number;
}

interface FanoutResult {
  readonly plan: FanoutPlan;
  readonly openS: number;
  readonly concurrency: number;
  readonly rssBefore: number;
  readonly rssIdle: number;
  readonly acceptMs: readonly number[];
  readonly cpuMs: number;
  /** CPU of the redis-server over the same phase (Redis targets). */
  readonly redisCpuMs?: number;
  /** Files open in each process that holds streams, once they are open (how the streams spread). */
  readonly filesEach: readonly number[];
  readonly deliveries: number;
  readonly elapsedS: number;
  readonly clientCpuMs: number;
  /** Server RSS after `after` more broadcasts and a settle. */
  readonly rssAfter?: number;
  readonly check: IntegritySum;
}

const targets: readonly TargetName[] = ['reference', 'memory', 'sqlite'];

/** Broadcasts in flight at once: enough to keep the server busy, few enough to bound what it buffers. */
function windowFor(streams: number): number {
  return Math.max(3, Math.ceil(20_000 / streams));
}

async function measure(target: TargetName, plan: FanoutPlan, settings: Settings): Promise<FanoutResult> {
  return withServer(target, [], async (server) => {
    const online = await goOnline(server, plan.streams, settings, { memory: true });
    try {
      const check = emptyIntegrity();
      let acceptMs: number[] = [];
      if (plan.spaced > 0) {
        const spaced = await broadcastSpaced(online, plan.spaced, settings);
        acceptMs = spaced.acceptMs;
        addIntegrity(check, (await online.readers.verify({ all: spaced.ids })).integrity);
        settings.log(
          `${target}: broadcast to ${plan.streams} online answered in ${num(median(acceptMs))} ms (median of ${plan.spaced})`,
        );
      }
      const filesEach = server.servers.map(openFiles);
      const client0 = await online.readers.cpuMs();
      const redisCpu = () => (server.redisPid === undefined ? 0 : cpuMs(server.redisPid));
      const redis0 = redisCpu();
      const cpu0 = cpuMsOf(server.pids);
      const t0 = performance.now();
      const sent = await broadcastWindowed(online, plan.broadcasts, windowFor(plan.streams), settings);
      const elapsedS = (performance.now() - t0) / 1000;
      const cpu = cpuMsOf(server.pids) - cpu0;
      const redisCpuMs = redisCpu() - redis0;
      const clientCpuMs = (await online.readers.cpuMs()) - client0;
      addIntegrity(check, (await online.readers.verify({ all: sent.ids })).integrity);
      const deliveries = plan.streams * plan.broadcasts;
      settings.log(
        `${target}: ${plan.streams} × ${plan.broadcasts} in ${elapsedS.toFixed(1)} s, server CPU ${num((cpu * 1000) / deliveries)} µs per delivery`,
      );
      let rssAfter: number | undefined;
      if (plan.after > 0) {
        const more = await broadcastWindowed(online, plan.after, windowFor(plan.streams), settings);
        addIntegrity(check, (await online.readers.verify({ all: more.ids })).integrity);
        rssAfter = await settledRss(server.pids, memorySettleMs);
      }
      return {
        plan,
        openS: online.openS,
        concurrency: online.concurrency,
        rssBefore: online.rssBefore,
        rssIdle: online.rssIdle,
        acceptMs,
        cpuMs: cpu,
        ...(server.redisPid !== undefined ? { redisCpuMs } : {}),
        filesEach,
        deliveries,
        elapsedS,
        clientCpuMs,
        ...(rssAfter !== undefined ? { rssAfter } : {}),
        check,
      };
    } finally {
      await online.close();
    }
  });
}

const usPerDelivery = (r: FanoutResult) => (r.cpuMs * 1000) / r.deliveries;
const perStream = (r: FanoutResult) => (r.rssIdle - r.rssBefore) / r.plan.streams;
const openRate = (r: FanoutResult) => r.plan.streams / r.openS;
const acceptMedian = (r: FanoutResult) => median(r.acceptMs);
const perUserAfter = (r: FanoutResult) => ((r.rssAfter ?? NaN) - r.rssBefore) / r.plan.streams;

function fanoutRow(key: string, results: Results<FanoutResult>, plan: FanoutPlan): Row {
  const ratios = ratiosToReference(results, 'reference', usPerDelivery);
  return {
    key,
    figure: `fan-out, ${num(plan.streams, 9)} streams × ${num(plan.broadcasts, 9)} broadcasts: server CPU per delivery`,
    cells: cells(results, (r) => `${num(usPerDelivery(r))} µs`),
    ratios,
    goal: '≤ 1.3× both stores',
    met: atMost(ratios, 1.3),
    checks: checks(results, (r) => r.check),
    values: values(results, (r) => ({
      usPerDelivery: usPerDelivery(r),
      serverCpuMs: r.cpuMs,
      deliveries: r.deliveries,
      elapsedS: r.elapsedS,
      deliveriesPerS: r.deliveries / r.elapsedS,
      clientCpuMs: r.clientCpuMs,
    })),
  };
}

/** 1,000 streams × 1,000 broadcasts, then 1,000 more: memory per user after 2,000 messages each. */
export function fanout1k(settings: Settings): Scenario<FanoutResult> {
  const plan: FanoutPlan = {
    streams: scaled(1_000, settings, 10),
    broadcasts: scaled(1_000, settings, 10),
    spaced: 0,
    after: scaled(1_000, settings, 10),
  };
  return {
    name: 'fanout-1k',
    targets,
    measure: (target) => measure(target, plan, settings),
    rows(results) {
      const afterRatios = ratiosWithin(results, (r) => perUserAfter(r) / perStream(r));
      const reference = ok(results, 'reference');
      return [
        fanoutRow('fanout-1k-cpu', results, plan),
        {
          key: 'memory-after-traffic',
          figure: `memory per online user after ${num(plan.broadcasts + plan.after, 9)} messages each (${num(plan.streams, 9)} streams), against idle`,
          cells: cells(results, (r) => `${num(kB(perUserAfter(r)))} kB / ${num(kB(perStream(r)))} kB`),
          ratios: afterRatios,
          ratioOf: `after ÷ idle; reference ${reference ? num(perUserAfter(reference) / perStream(reference), 2) : '—'}×`,
          goal: '≤ 1.5× both stores',
          met: atMost(afterRatios, 1.5),
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => ({
            bytesPerUserAfter: perUserAfter(r),
            bytesPerUserIdle: perStream(r),
            rssBefore: r.rssBefore,
            rssIdle: r.rssIdle,
            rssAfter: r.rssAfter ?? NaN,
          })),
        },
      ];
    },
  };
}

/** 10,000 streams: opening, idle memory, a broadcast's 202, then 100 broadcasts. */
export function fanout10k(settings: Settings): Scenario<FanoutResult> {
  const plan: FanoutPlan = {
    streams: scaled(10_000, settings, 10),
    broadcasts: scaled(100, settings, 10),
    spaced: 10,
    after: 0,
  };
  const n = num(plan.streams, 9);
  return {
    name: 'fanout-10k',
    targets,
    measure: (target) => measure(target, plan, settings),
    rows(results) {
      const memoryRatios = ratiosToReference(results, 'reference', perStream);
      const openRatios = ratiosToReference(results, 'reference', openRate);
      const acceptRatios = ratiosToReference(results, 'reference', acceptMedian);
      const sqlite = ok(results, 'sqlite');
      const opening = (r: FanoutResult) => ({
        streams: r.plan.streams,
        openS: r.openS,
        streamsPerS: openRate(r),
        rssBefore: r.rssBefore,
        rssIdle: r.rssIdle,
        bytesPerStream: perStream(r),
      });
      return [
        {
          key: 'idle-memory-per-stream',
          figure: `${n} idle streams: server memory per stream`,
          cells: cells(results, (r) => `${num(kB(perStream(r)))} kB`),
          ratios: memoryRatios,
          goal: '≤ 1.3× both stores',
          met: atMost(memoryRatios, 1.3),
          checks: {},
          values: values(results, opening),
        },
        {
          key: 'open-rate',
          figure: `${n} streams opened (${ok(results, 'reference')?.concurrency ?? 50} at a time): streams per second`,
          cells: cells(results, (r) => `${num(openRate(r))}/s`),
          ratios: openRatios,
          goal: '≥ 0.5× both stores',
          met: atLeast(openRatios, 0.5),
          checks: {},
          values: values(results, opening),
        },
        {
          key: 'broadcast-accept',
          figure: `broadcast to ${n} online users: POST → 202 (median of ${plan.spaced})`,
          cells: cells(results, (r) => `${num(acceptMedian(r))} ms`),
          ratios: acceptRatios,
          goal: '≤ 50 ms on sqlite',
          ...(sqlite ? { met: acceptMedian(sqlite) <= 50 } : {}),
          checks: {},
          values: values(results, (r) => ({
            medianMs: acceptMedian(r),
            maxMs: Math.max(...r.acceptMs),
            samples: r.acceptMs.length,
          })),
        },
        fanoutRow('fanout-10k-cpu', results, plan),
      ];
    },
  };
}

/** 2,000 streams × 1,000 broadcasts on Redis: the streams on one process, then spread over two (`--workers 2`). */
export function fanout2proc(settings: Settings): Scenario<FanoutResult> {
  const plan: FanoutPlan = {
    streams: scaled(2_000, settings, 10),
    broadcasts: scaled(1_000, settings, 10),
    spaced: 0,
    after: 0,
  };
  const redisUs = (r: FanoutResult) => ((r.redisCpuMs ?? NaN) * 1000) / r.deliveries;
  return {
    name: 'fanout-2proc',
    targets: ['redis', 'redis-workers'],
    optionalTargets: ['redis-pair'],
    measure: (target) => measure(target, plan, settings),
    rows(results) {
      const one = ok(results, 'redis');
      const two = ok(results, 'redis-workers') ?? ok(results, 'redis-pair');
      const ratios: Row['ratios'] = one && two ? { redis2: usPerDelivery(two) / usPerDelivery(one) } : {};
      const withRedis = one && two ? (usPerDelivery(two) + redisUs(two)) / (usPerDelivery(one) + redisUs(one)) : NaN;
      return [
        {
          key: 'fanout-2proc-cpu',
          table: 'processes',
          figure: `fan-out, ${num(plan.streams, 9)} streams × ${num(plan.broadcasts, 9)} broadcasts, the streams on one process against spread over two: server CPU per delivery (+ Redis's); open files per process`,
          cells: cells(
            results,
            (r) =>
              `${num(usPerDelivery(r))} µs (+ ${num(redisUs(r))} µs); ${r.filesEach.map((f) => num(f, 9)).join(' + ')} files`,
          ),
          ratios,
          ratioOf: `CPU per delivery ÷ 1 process; with Redis's ${num(withRedis, 2)}×`,
          goal: '≤ 1.3× on 2 processes',
          met: atMost(ratios, 1.3, ['redis2']),
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => ({
            usPerDelivery: usPerDelivery(r),
            redisUsPerDelivery: redisUs(r),
            serverCpuMs: r.cpuMs,
            redisCpuMs: r.redisCpuMs ?? NaN,
            deliveries: r.deliveries,
            elapsedS: r.elapsedS,
            deliveriesPerS: r.deliveries / r.elapsedS,
            clientCpuMs: r.clientCpuMs,
            filesEach: r.filesEach.join(' '),
          })),
        },
      ];
    },
  };
}
