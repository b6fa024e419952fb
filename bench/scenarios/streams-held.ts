// How many streams one machine holds open at once on Redis: one Parley process against `--workers 2`. A process
// may hold as many sockets as its open-file limit allows (every process here inherits the harness's, 20,000 on
// this machine), so each one is given a --max-streams that leaves room for its own files and the streams still
// opening, and as many streams are opened as the processes may hold in all. Held: open after a few seconds'
// hold, and reached by one broadcast then. Refused: answered 503 by a process already at its --max-streams
// (node:cluster hands each connection to a worker that is free at that moment, not in strict turn).
import { sleep } from '../lib/async.js';
import { expectJson } from '../lib/http.js';
import { streamsPerWorker, type IntegritySum } from '../lib/load-workers.js';
import { openFileLimit, openFiles, rssBytes } from '../lib/proc.js';
import { num, type Row } from '../lib/report.js';
import { processCount, type TargetName } from '../lib/targets.js';
import { wallMs } from '../load/protocol.js';
import { stampedText } from '../load/text.js';
import { cells, checks, goOnline, kB, ok, scaled, values, withServer, type Results, type Scenario, type Settings } from './common.js';

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
      const growthEach = server.servers.map((pid) => online.rssIdleEach[server.pids.indexOf(pid)]! - online.rssBeforeEach[server.pids.indexOf(pid)]!);
      await sleep(holdMs);
      const opened = attempted - online.refused;
      const base = online.readers.received;
      const answer = await expectJson(online.agent, online.url, '/broadcast', { text: stampedText(wallMs(), settings.textBytes) }, 202, online.senderToken);
      await online.readers.until(base + opened);
      const { integrity } = await online.readers.verify({ all: [Number(answer.body.id)] });
      // A stream the server ended, or one the broadcast did not reach, is not held (counted once if both).
      const held = Math.max(0, opened - Math.max(integrity.ended, integrity.missing));
      settings.log(`${target}: ${num(held, 9)} streams held over ${processes} process(es), open files ${filesEach.map((f) => num(f, 9)).join(' + ')}`);
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
          })),
        },
      ];
    },
  };
}
