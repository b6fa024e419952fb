// Start-up: how long `parley serve` takes from the command to its first /healthz answer, and the memory it
// holds then, against the minimal express app started the same way: plain node on compiled JavaScript (Parley
// built by `npm run build`, run as its bin runs it; the express app transpiled once). Each is started once, then
// five more times, measured, as an operator's restarts: files in the page cache, the database already there.
// Each figure is the median of the five.
// On Redis also --workers 2, whose every worker should cost no more than one Parley process on Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import ts from 'typescript';
import { repoRoot, runToEnd, tempDir } from '../../test/support/process.js';
import { startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import { guard } from '../lib/async.js';
import { nodeChildren, rssBytes, rssOf } from '../lib/proc.js';
import { atMost, num, type Row } from '../lib/report.js';
import type { TargetName } from '../lib/targets.js';
import { cells, median, ok, ratiosToReference, values, type Results, type Scenario, type Settings } from './common.js';

interface StartUp {
  /** From the spawn to the first /healthz answer (ms). */
  readonly ms: number;
  /** Resident memory of every process then: the one, or the primary and its workers (bytes). */
  readonly rssBytes: number;
  /** With --workers: the mean of the workers' resident memory, and the primary's. */
  readonly perWorkerRssBytes?: number;
  readonly primaryRssBytes?: number;
  readonly processes: number;
}

const targets: readonly TargetName[] = ['express', 'memory', 'sqlite', 'redis', 'redis-workers'];
const mb = (bytes: number) => bytes / 1024 / 1024;
const expressJs = join(repoRoot, 'node_modules/.cache/parley-bench/express-app.mjs');
/** Starts measured after the first; each figure is their median. */
const measuredStarts = 5;

let prepared: Promise<void> | undefined;

/** Builds Parley (tsc -b: nothing when current) and transpiles the express app, once a run. */
function prepare(): Promise<void> {
  return (prepared ??= (async () => {
    const build = await runToEnd('npm', ['run', 'build', '--silent']);
    if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    // Beside node_modules, so that its `import express` resolves as the TypeScript original's does.
    mkdirSync(join(expressJs, '..'), { recursive: true });
    // The app and the wire module it imports (as ./wire.js), each transpiled alone.
    for (const [from, to] of [
      ['express-app.ts', expressJs],
      ['wire.ts', join(expressJs, '..', 'wire.js')],
    ] as const) {
      const source = readFileSync(join(repoRoot, 'bench/reference', from), 'utf8');
      const options = { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } };
      writeFileSync(to, ts.transpileModule(source, options).outputText);
    }
  })());
}

function command(target: TargetName, data: string, redis: RedisServer | undefined): string[] {
  if (target === 'express') return [process.execPath, expressJs, '0'];
  const serve = [process.execPath, join(repoRoot, 'bin/parley.js'), 'serve', '--port', '0', '--log-format', 'json'];
  switch (target) {
    case 'memory':
      return [...serve, '--store', 'memory'];
    case 'sqlite':
      return [...serve, '--store', 'sqlite', '--data', data];
    case 'redis':
    case 'redis-workers':
      return [
        ...serve,
        '--store',
        'redis',
        '--redis-url',
        redis!.url,
        ...(target === 'redis-workers' ? ['--workers', '2'] : []),
      ];
    default:
      throw new Error(`start-up does not measure ${target}`);
  }
}

/** SIGTERM (the whole cluster drains from its primary), SIGKILL if it is still there 15 s later. */
async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** One start: the command, its listening line, one GET /healthz; then memory is read and it is stopped. */
async function startOnce(argv: readonly string[]): Promise<StartUp> {
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  try {
    const url = await guard(
      new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          try {
            const entry = JSON.parse(line) as { msg?: string; url?: string };
            if (entry.msg === 'parley is listening' || entry.msg === 'listening') resolve(String(entry.url));
          } catch {
            // not a log line
          }
        });
        void exited.then(([code]) =>
          reject(new Error(`${argv.join(' ')} exited with ${String(code)} before listening`)),
        );
      }),
      30_000,
      () => `${argv.join(' ')} did not listen`,
    );
    const res = await fetch(`${url}/healthz`);
    await res.text();
    if (res.status !== 200) throw new Error(`GET /healthz answered ${res.status}`);
    const ms = performance.now() - started;
    const workers = nodeChildren(child.pid!);
    return {
      ms,
      rssBytes: rssOf([child.pid!, ...workers]),
      ...(workers.length > 0
        ? { perWorkerRssBytes: rssOf(workers) / workers.length, primaryRssBytes: rssBytes(child.pid!) }
        : {}),
      processes: 1 + workers.length,
    };
  } finally {
    await stop(child, exited);
  }
}

export function startUp(_settings: Settings): Scenario<StartUp> {
  return {
    name: 'start-up',
    targets,
    async measure(target, settings) {
      await prepare();
      const data = tempDir('parley-bench-start-');
      const redis = target === 'redis' || target === 'redis-workers' ? await startRedisServer() : undefined;
      try {
        const argv = command(target, data, redis);
        const first = await startOnce(argv);
        const again: StartUp[] = [];
        for (let i = 0; i < measuredStarts; i++) again.push(await startOnce(argv));
        const middle = <K extends keyof StartUp>(key: K) => median(again.map((r) => r[key] as number));
        const result: StartUp = {
          ms: middle('ms'),
          rssBytes: middle('rssBytes'),
          processes: first.processes,
          ...(first.perWorkerRssBytes === undefined
            ? {}
            : { perWorkerRssBytes: middle('perWorkerRssBytes'), primaryRssBytes: middle('primaryRssBytes') }),
        };
        settings.log(
          `${target}: first /healthz ${num(first.ms)} ms, then ${again.map((r) => num(r.ms)).join(', ')} ms; ${num(mb(result.rssBytes))} MB in ${result.processes} process(es)`,
        );
        return result;
      } finally {
        await redis?.stop();
        rmSync(data, { recursive: true, force: true });
      }
    },
    rows(results) {
      const time = ratiosToReference(results, 'express', (r) => r.ms);
      const memory = ratiosToReference(results, 'express', (r) => r.rssBytes);
      const pick = (r: StartUp) => ({
        ms: r.ms,
        rssBytes: r.rssBytes,
        processes: r.processes,
        ...(r.perWorkerRssBytes === undefined
          ? {}
          : { perWorkerRssBytes: r.perWorkerRssBytes, primaryRssBytes: r.primaryRssBytes! }),
      });
      const single = (rs: Results<StartUp>) =>
        Object.fromEntries(
          Object.entries(rs).filter(([t]) => t !== 'redis' && t !== 'redis-workers'),
        ) as Results<StartUp>;
      const one = ok(results, 'redis');
      const workers = ok(results, 'redis-workers');
      const perWorker =
        one && workers?.perWorkerRssBytes !== undefined ? workers.perWorkerRssBytes / one.rssBytes : undefined;
      const processCells = cells(results, (r) =>
        r.perWorkerRssBytes === undefined
          ? `${num(mb(r.rssBytes))} MB`
          : `${num(mb(r.perWorkerRssBytes))} MB a worker (primary ${num(mb(r.primaryRssBytes!))} MB)`,
      );
      return [
        {
          key: 'start-up-healthz',
          figure:
            'start-up: `parley serve` (built, plain node) to its first /healthz answer, restarted (reference: the minimal express app, node on its .mjs)',
          cells: cells(single(results), (r) => `${num(r.ms)} ms`),
          ratios: time,
          ratioOf: '÷ express',
          goal: '≤ 3× both stores',
          met: atMost(time, 3),
          checks: {},
          values: values(single(results), pick),
        },
        {
          key: 'start-up-rss',
          figure: 'start-up: resident memory at the first /healthz answer, restarted',
          cells: cells(single(results), (r) => `${num(mb(r.rssBytes))} MB`),
          ratios: memory,
          ratioOf: '÷ express',
          goal: '≤ 1.5× both stores',
          met: atMost(memory, 1.5),
          checks: {},
          values: values(single(results), pick),
        },
        {
          key: 'start-up-worker-rss',
          table: 'processes',
          figure:
            'start-up: resident memory of a serving process at the first /healthz answer (2 processes: each worker of --workers 2)',
          cells: { ...processCells, ...(one ? { redis: `${num(mb(one.rssBytes))} MB` } : {}) },
          ratios: perWorker === undefined ? {} : { redis2: perWorker },
          ratioOf: 'a worker ÷ one process on Redis',
          // A worker runs the very code of one process: 5 % is room for two starts' spread, not for more code.
          goal: '≤ 1.05×',
          met: perWorker === undefined ? undefined : perWorker <= 1.05,
          checks: {},
          values: values(results, pick),
        },
      ] satisfies Row[];
    },
  };
}
