// The performance harness: Parley on each store against a bare node:http SSE server (bench/reference), one run,
// a fresh server per scenario, load from separate processes (bench/load) over loopback; on Redis also one
// process against two (--workers 2) and 100,000 streams on --workers 6, each Redis row with a redis-server of
// its own. Prints Markdown tables of figures with their ratios and the goals, and appends one JSON line
// per row to the results file. Every stream's message ids are checked: nothing missing, repeated or out of order.
//
//   npm run bench                          the whole matrix (about 8 minutes on 2 cores, and as long again for
//                                          streams-100k: registering and opening 100,000 streams)
//   BENCH_SCALE=0.1 npm run bench          every count and duration a tenth: a quick run
//   BENCH_ONLY=fanout-10k,keep-up          some scenarios: start-up, requests, healthz, post, direct, direct-redis,
//                                          doors, resume, webhooks, push, search, fanout-1k, fanout-10k, fanout-2proc,
//                                          streams-workers, keep-up, streams-100k, direct-acked, failover (Redis
//                                          behind Sentinel)
//   BENCH_TARGETS=reference,sqlite         some servers (reference includes the express app): reference, memory,
//                                          sqlite, redis (one process), redis-workers (--workers 2), and
//                                          redis-pair (two processes on one Redis, each on its own port: only
//                                          when named, in the rows of redis-workers), redis-workers6 (--workers 6),
//                                          sentinel and sentinel-acked (behind Sentinel, --redis-wait-replicas 0 and all)
//   BENCH_RESULTS=path.jsonl               where the JSON lines go (default bench/results.jsonl)
//   BENCH_TEXT_BYTES=64                    length of every message text
//   BENCH_TIMEOUT_S=1800                   a guard on the whole run: past it everything is killed
//   BENCH_CHECKOUT=/path/to/clone    measure that checkout's Parley (a commit before a change), for rows taken in turns
//   BENCH_PROFILE=/tmp/profiles            each Parley server writes a `node --cpu-prof` profile there as it stops
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { repoRoot } from '../test/support/process.js';
import { killWorkers } from './lib/load-workers.js';
import { killPushServices } from './lib/push-receiver.js';
import { machine } from './lib/proc.js';
import { appendResults, markdown, type Row } from './lib/report.js';
import { killAll, type TargetName } from './lib/targets.js';
import type { Results, Scenario, Settings } from './scenarios/common.js';
import { direct, directAcked, directRedis } from './scenarios/direct.js';
import { doors } from './scenarios/doors.js';
import { failover } from './scenarios/failover.js';
import { fanout10k, fanout1k, fanout2proc } from './scenarios/fanout.js';
import { keepUp } from './scenarios/keep-up.js';
import { healthz, postMessages } from './scenarios/requests.js';
import { push } from './scenarios/push.js';
import { resume } from './scenarios/resume.js';
import { search } from './scenarios/search.js';
import { startUp } from './scenarios/start-up.js';
import { streams100k, streamsWorkers } from './scenarios/streams-held.js';
import { webhooks } from './scenarios/webhooks.js';

const env = process.env;

function numberFrom(name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name}: "${raw}" is not a number from ${min} to ${max}`);
  return value;
}

function listFrom(name: string): string[] | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === ''
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

const started = Date.now();
const loadAtStart = loadavg()[0]!;
const settings: Settings = {
  scale: numberFrom('BENCH_SCALE', 1, 0.001, 1),
  textBytes: numberFrom('BENCH_TEXT_BYTES', 64, 24, 4_000),
  log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`),
};
const resultsFile = resolve(repoRoot, env.BENCH_RESULTS ?? 'bench/results.jsonl');
const timeoutS = numberFrom('BENCH_TIMEOUT_S', 1_800, 10, 86_400);

// Cheap scenarios first, the heaviest last; the reference runs first in each, then memory, then sqlite.
const scenarios: Scenario<unknown>[] = [
  startUp(settings),
  healthz(settings),
  postMessages(settings),
  direct(settings),
  directRedis(settings),
  doors(settings),
  resume(settings),
  webhooks(settings),
  push(settings),
  search(settings),
  fanout1k(settings),
  fanout10k(settings),
  fanout2proc(settings),
  streamsWorkers(settings),
  keepUp(settings),
  directAcked(settings),
  failover(settings),
  streams100k(settings),
] as Scenario<unknown>[];
const groups: Record<string, readonly string[]> = { requests: ['healthz', 'post'] };
const only = listFrom('BENCH_ONLY')?.flatMap((name) => groups[name] ?? [name]);
for (const name of only ?? []) {
  if (!scenarios.some((s) => s.name === name))
    throw new Error(`BENCH_ONLY: no scenario is called ${name}; there are ${scenarios.map((s) => s.name).join(', ')}`);
}
const targetNames = listFrom('BENCH_TARGETS');
const targetChoices = [
  'reference',
  'memory',
  'sqlite',
  'redis',
  'redis-workers',
  'redis-pair',
  'redis-workers6',
  'sentinel',
  'sentinel-acked',
];
for (const name of targetNames ?? []) {
  if (!targetChoices.includes(name))
    throw new Error(`BENCH_TARGETS: ${name} is not one of ${targetChoices.join(', ')}`);
}
const wanted = (target: TargetName) =>
  !targetNames || targetNames.includes(target === 'express' ? 'reference' : target);

const guardTimer = setTimeout(() => {
  process.stderr.write(`the benchmark ran longer than ${timeoutS} s; stopping everything it started\n`);
  killAll();
  killWorkers();
  killPushServices();
  process.exit(1);
}, timeoutS * 1000);
guardTimer.unref();
// However the run ends, no server or load process it started outlives it.
process.on('exit', () => {
  killAll();
  killWorkers();
  killPushServices();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    killWorkers();
    killPushServices();
    process.exit(130);
  });
}

const rows: Row[] = [];
const notes: string[] = [];
// A stray rejection is a flaw of the harness, not a reason to lose the rest of an unattended run.
process.on('unhandledRejection', (err) => {
  notes.push(`unhandled: ${err instanceof Error ? err.message : String(err)}`);
  settings.log(`unhandled: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});
for (const scenario of scenarios) {
  if (only && !only.includes(scenario.name)) continue;
  const results: Results<unknown> = {};
  const scenarioStarted = Date.now();
  const named = (target: TargetName) => targetNames?.includes(target) ?? false;
  for (const target of [...scenario.targets.filter(wanted), ...(scenario.optionalTargets ?? []).filter(named)]) {
    settings.log(`${scenario.name}: ${target}`);
    try {
      results[target] = await scenario.measure(target, settings);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      results[target] = error;
      notes.push(`${scenario.name} on ${target} failed: ${error.message.split('\n')[0]}`);
      settings.log(`${scenario.name}: ${target} failed: ${error.stack ?? error.message}`);
    }
  }
  rows.push(...scenario.rows(results, settings));
  settings.log(`${scenario.name}: done in ${((Date.now() - scenarioStarted) / 1000).toFixed(0)} s`);
}

const m = machine();
notes.push(
  'Server CPU is utime + stime of the server process (/proc/<pid>/stat, 10 ms ticks) over the measured phase, summed over its processes ' +
    "(with --workers the primary and every worker; a redis-server's CPU is shown apart); memory is VmRSS; " +
    'per delivery, per message and per request divide by what was delivered or answered.',
  'Parley runs from its CLI with the limits lifted (--message-rate 0 --broadcast-rate 0 --queue-limit 10000000 --max-streams 100000 ' +
    '--max-streams-per-user 100000), --scrypt-cost 16 for the registrations, the default --presence-delay-ms 250; streams do not ask for presence. ' +
    'Streams held: each process gets a --max-streams that leaves room within its open-file limit for its own files and the streams still opening. ' +
    'Each load process opens its streams from a loopback address of its own, fresh for each opening (127.1.0.2, 127.1.0.3, ..., then 127.2.0.2, ...), so that ephemeral ports do not run out and no opening meets the TIME_WAIT of the one before.',
  'A scenario is one fresh server per target: fan-out at 10,000 measures in turn the opening (rate, idle memory), 10 broadcasts one at a time ' +
    '(202), then the fan-out; fan-out at 1,000 measures the fan-out, then as many broadcasts again before memory is read. ' +
    'Fan-out keeps a bounded number of broadcasts in flight; the keep-up row offers its broadcasts on schedule whatever the answers.',
  'missing / duplicate / out of order: every message id on every stream against the ids the server answered with, summed over the servers of the row.',
);
const report = {
  date: new Date().toISOString(),
  machine: m,
  scale: settings.scale,
  minutes: (Date.now() - started) / 60_000,
  load: [loadAtStart, loadavg()[0]!] as const,
  rows,
  notes,
};
process.stdout.write(markdown(report));
appendResults(resultsFile, report);
process.stderr.write(`appended ${rows.length} rows to ${resultsFile}\n`);
process.exit(0);
