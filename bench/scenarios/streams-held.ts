// How many streams one machine holds open at once on Redis: one Parley process against `--workers 2`, and
// 100,000 streams on `--workers 6` (held through heartbeats, then broadcast to). A process may hold as many
// sockets as its open-file limit allows (every process here inherits the harness's, 20,000 on this machine), so
// each one is given a --max-streams that leaves room for its own files and the streams still opening, and as
// many streams are opened as the processes may hold in all. Held: open after a few seconds' hold, and reached by
// one broadcast then. Refused: answered 503 by a process already at its --max-streams (node:cluster hands each
// connection to a worker that is free at that moment, not in strict turn).
import { sleep } from '../lib/async.js';
import { expectJson } from '../lib/http.js';
import { streamsPerWorker, type IntegritySum } from '../lib/load-workers.js';
import { cpuMsOf, openFileLimit, openFiles, rssBytes } from '../lib/proc.js';
import { num, type Row } from '../lib/report.js';
import { manyProcessCount, processCount, type TargetName } from '../lib/targets.js';
import { wallMs } from '../load/protocol.js';
import { stampedText } from '../load/text.js';
import {
  cells,
  checks,
  goOnline,
  kB,
  ok,
  scaled,
  values,
  withServer,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';

interface HeldResult {
  /** Processes that hold streams. */
  readonly processes: number;
  /** --max-streams of each. */
  readonly maxStreams: number;
  readonly attempted: number;
  /** Open after the hold and reached by the broadcast. */
  readonly held: number;
  readonly refused: number;
  readonly firstRefusal?: string;
  readonly openS: number;
  /** Per process holding streams, once they are open: open files, and RSS growth since before the opening (bytes). */
  readonly filesEach: readonly number[];
  readonly rssEach: readonly number[];
  readonly growthEach: readonly number[];
  /** RSS of the primary with --workers (bytes). */
  readonly primaryRss?: number;
  readonly check: IntegritySum;
}

/**
 * Files a process keeps apart from its streams: the streams still opening (50 at a time from each load process,
 * all of them on one process at worst), keep-alive request connections, its own files (listening socket,
 * Redis connections, standard streams, the runtime's), with room to spare.
 */
function reserveFor(streams: number): number {
  const loadProcesses = Math.ceil(streams / streamsPerWorker);
  return loadProcesses * 50 + 64 + 150;
}

async function measure(target: TargetName, settings: Settings): Promise<HeldResult> {
  const processes = target === 'redis' ? 1 : processCount;
  const limit = openFileLimit();
  const full = processes * limit;
  const maxStreams = limit - reserveFor(full);
  const attempted = scaled(processes * maxStreams, settings, 10);
  const holdMs = scaled(5_000, settings, 1_000);
  return withServer(target, ['--max-streams', String(maxStreams)], async (server) => {
    const online = await goOnline(server, attempted, settings, { memory: true, refusals: true });
    try {
      const filesEach = server.servers.map(openFiles);
      const rssEach = server.servers.map(rssBytes);
      const growthEach = server.servers.map(
        (pid) => online.rssIdleEach[server.pids.indexOf(pid)]! - online.rssBeforeEach[server.pids.indexOf(pid)]!,
      );
      await sleep(holdMs);
      const opened = attempted - online.refused;
      const base = online.readers.received;
      const answer = await expectJson(
        online.agent,
        online.url,
        '/broadcast',
        { text: stampedText(wallMs(), settings.textBytes) },
        202,
        online.senderToken,
      );
      await online.readers.until(base + opened);
      const { integrity } = await online.readers.verify({ all: [Number(answer.body.id)] });
      // A stream the server ended, or one the broadcast did not reach, is not held (counted once if both).
      const held = Math.max(0, opened - Math.max(integrity.ended, integrity.missing));
      settings.log(
        `${target}: ${num(held, 9)} streams held over ${processes} process(es), open files ${filesEach.map((f) => num(f, 9)).join(' + ')}`,
      );
      return {
        processes,
        maxStreams,
        attempted,
        held,
        refused: online.refused,
        ...(online.firstRefusal !== undefined ? { firstRefusal: online.firstRefusal } : {}),
        openS: online.openS,
        filesEach,
        rssEach,
        growthEach,
        ...(server.servers.includes(server.pid) ? {} : { primaryRss: rssBytes(server.pid) }),
        check: integrity,
      };
    } finally {
      await online.close();
    }
  });
}

const perStream = (r: HeldResult) => r.growthEach.reduce((a, b) => a + b, 0) / Math.max(1, r.held);

/** What the results file keeps of streams held, whichever row held them. */
const heldValues = (r: HeldResult) => ({
  processes: r.processes,
  maxStreams: r.maxStreams,
  attempted: r.attempted,
  held: r.held,
  refused: r.refused,
  ...(r.firstRefusal !== undefined ? { firstRefusal: r.firstRefusal } : {}),
  openS: r.openS,
  streamsPerS: r.attempted / r.openS,
  filesEach: r.filesEach.join(' '),
  rssEach: r.rssEach.join(' '),
  bytesPerStream: perStream(r),
  ...(r.primaryRss !== undefined ? { primaryRss: r.primaryRss } : {}),
});
const mb = (bytes: number) => num(bytes / 1e6);

/** Streams held on one Redis: one process, then `--workers 2`, each up to its open-file limit. */
export function streamsWorkers(settings: Settings): Scenario<HeldResult> {
  const goal = scaled(37_000, settings, 10);
  return {
    name: 'streams-workers',
    targets: ['redis', 'redis-workers'],
    optionalTargets: ['redis-pair'],
    measure: (target) => measure(target, settings),
    rows(results: Results<HeldResult>): Row[] {
      const one = ok(results, 'redis');
      const two = ok(results, 'redis-workers') ?? ok(results, 'redis-pair');
      const ratios: Row['ratios'] = one && two ? { redis2: two.held / one.held } : {};
      return [
        {
          key: 'streams-held',
          table: 'processes',
          figure:
            `streams held at once, each process up to its open-file limit (${num(openFileLimit(), 9)}): held (of opened); ` +
            'open files, RSS and memory per stream of each process',
          cells: cells(
            results,
            (r) =>
              `${num(r.held, 9)} (of ${num(r.attempted, 9)}${r.refused > 0 ? `, ${num(r.refused, 9)} refused` : ''}); ${r.filesEach.map((f) => num(f, 9)).join(' + ')} files; ` +
              `${r.rssEach.map(mb).join(' + ')} MB` +
              (r.primaryRss !== undefined ? ` (primary ${mb(r.primaryRss)} MB)` : '') +
              `; ${num(kB(perStream(r)))} kB per stream`,
          ),
          ratios,
          ratioOf: 'held ÷ 1 process',
          goal: `≥ ${num(goal, 9)} on 2 processes`,
          met: two ? two.held >= goal && two.check.missing === 0 : undefined,
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => ({
            ...heldValues(r),
          })),
        },
      ];
    },
  };
}

interface ManyResult extends HeldResult {
  readonly heartbeatMs: number;
  readonly holdMs: number;
  /** Heartbeats during the hold: the fewest any open stream had, and the mean. */
  readonly heartbeatsLeast: number;
  readonly heartbeatsMean: number;
  /** Per broadcast, from its request to its last delivery on any stream (ms). */
  readonly lastDeliveryMs: readonly number[];
  /** Server CPU (every process, the primary too) per delivery over the broadcasts (µs). */
  readonly cpuUsPerDelivery: number;
  readonly redisUsPerDelivery: number;
  readonly primaryRss: number;
}

const manyBroadcasts = 3;

/**
 * A machine's worth of streams: `--workers 6` on one Redis, each worker well inside its open-file limit, the
 * streams held through a few heartbeats, then broadcasts one at a time to all of them.
 */
async function measureMany(target: TargetName, settings: Settings): Promise<ManyResult> {
  const processes = manyProcessCount;
  const limit = openFileLimit();
  const attempted = scaled(100_000, settings, 60);
  const maxStreams = limit - reserveFor(attempted);
  // node:cluster hands connections round in turn: each worker gets its share, give or take the streams opening.
  if (Math.ceil(attempted / processes) > maxStreams) {
    throw new Error(
      `${num(attempted, 9)} streams over ${processes} processes need more than the ${num(maxStreams, 9)} an open-file limit of ${num(limit, 9)} leaves each`,
    );
  }
  // The default heartbeat: every tick also checks each stream's session in the store, so a shorter one would
  // measure those checks more than the streams. Two ticks fall in any window of 2.2 intervals.
  const heartbeatMs = 15_000;
  const holdMs = Math.round(heartbeatMs * 2.2);
  return withServer(
    target,
    ['--max-streams', String(maxStreams), '--heartbeat-ms', String(heartbeatMs)],
    async (server) => {
      const online = await goOnline(server, attempted, settings, { memory: true, refusals: true });
      try {
        const filesEach = server.servers.map(openFiles);
        const rssEach = server.servers.map(rssBytes);
        const growthEach = server.servers.map(
          (pid) => online.rssIdleEach[server.pids.indexOf(pid)]! - online.rssBeforeEach[server.pids.indexOf(pid)]!,
        );
        await online.readers.heartbeats();
        await sleep(holdMs);
        const beats = await online.readers.heartbeats();
        const opened = attempted - online.refused;
        const ids: number[] = [];
        const lastDeliveryMs: number[] = [];
        const cpu0 = cpuMsOf(server.pids);
        const redis0 = server.redisPid === undefined ? 0 : cpuMsOf([server.redisPid]);
        const base = online.readers.received;
        for (let i = 0; i < manyBroadcasts; i++) {
          const before = online.readers.received;
          const sentAt = wallMs();
          const answer = await expectJson(
            online.agent,
            online.url,
            '/broadcast',
            { text: stampedText(sentAt, settings.textBytes) },
            202,
            online.senderToken,
          );
          ids.push(Number(answer.body.id));
          await online.readers.until(before + opened);
          lastDeliveryMs.push(online.readers.lastAt - sentAt);
          await sleep(200);
        }
        const deliveries = Math.max(1, online.readers.received - base);
        const cpuUsPerDelivery = ((cpuMsOf(server.pids) - cpu0) * 1000) / deliveries;
        const redisUsPerDelivery =
          server.redisPid === undefined ? NaN : ((cpuMsOf([server.redisPid]) - redis0) * 1000) / deliveries;
        const { integrity } = await online.readers.verify({ all: ids });
        const held = Math.max(0, opened - Math.max(integrity.ended, Math.ceil(integrity.missing / manyBroadcasts)));
        settings.log(
          `${target}: ${num(held, 9)} of ${num(attempted, 9)} streams held over ${processes} processes, at least ${beats.least} heartbeats each in ${holdMs} ms; ` +
            `last delivery ${lastDeliveryMs.map((ms) => num(ms)).join(' / ')} ms; ${num(cpuUsPerDelivery)} µs per delivery`,
        );
        return {
          processes,
          maxStreams,
          attempted,
          held,
          refused: online.refused,
          ...(online.firstRefusal !== undefined ? { firstRefusal: online.firstRefusal } : {}),
          openS: online.openS,
          heartbeatMs,
          holdMs,
          heartbeatsLeast: beats.least,
          heartbeatsMean: beats.total / Math.max(1, beats.streams),
          lastDeliveryMs,
          cpuUsPerDelivery,
          redisUsPerDelivery,
          filesEach,
          rssEach,
          growthEach,
          primaryRss: rssBytes(server.pid),
          check: integrity,
        };
      } finally {
        await online.close();
      }
    },
  );
}

/** 100,000 streams on `--workers 6`: held with heartbeats, then reached by broadcasts. */
export function streams100k(settings: Settings): Scenario<ManyResult> {
  const goal = scaled(100_000, settings, 60);
  return {
    name: 'streams-100k',
    targets: ['redis-workers6'],
    measure: (target) => measureMany(target, settings),
    rows(results: Results<ManyResult>): Row[] {
      const six = ok(results, 'redis-workers6');
      return [
        {
          key: 'streams-100k',
          table: 'processes',
          figure:
            `${num(goal, 9)} streams on --workers 6 (${manyBroadcasts} broadcasts to all, one at a time, after a hold through heartbeats): ` +
            "held (of opened); open rate; fewest heartbeats a stream had in the hold; send → last delivery; server CPU per delivery (+ Redis's); " +
            'open files, RSS and memory per stream of each worker',
          cells: cells(
            results,
            (r) =>
              `${num(r.held, 9)} (of ${num(r.attempted, 9)}${r.refused > 0 ? `, ${num(r.refused, 9)} refused` : ''}); ${num(r.attempted / r.openS)}/s; ` +
              `≥ ${r.heartbeatsLeast} heartbeats in ${num(r.holdMs / 1000)} s; ${r.lastDeliveryMs.map((ms) => num(ms)).join(' / ')} ms; ` +
              `${num(r.cpuUsPerDelivery)} µs (+ ${num(r.redisUsPerDelivery)} µs); ${r.filesEach.map((f) => num(f, 9)).join(' + ')} files; ` +
              `${r.rssEach.map(mb).join(' + ')} MB (primary ${mb(r.primaryRss)} MB); ${num(kB(perStream(r)))} kB per stream`,
          ),
          ratios: {},
          goal: `${num(goal, 9)} held, heartbeats flowing, every stream reached`,
          met: six ? six.held >= goal && six.check.missing === 0 && six.heartbeatsLeast >= 2 : undefined,
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => ({
            ...heldValues(r),
            heartbeatMs: r.heartbeatMs,
            holdMs: r.holdMs,
            heartbeatsLeast: r.heartbeatsLeast,
            heartbeatsMean: r.heartbeatsMean,
            lastDeliveryMs: r.lastDeliveryMs.join(' '),
            cpuUsPerDelivery: r.cpuUsPerDelivery,
            redisUsPerDelivery: r.redisUsPerDelivery,
          })),
        },
      ];
    },
  };
}
