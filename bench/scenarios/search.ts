// Search over 1,000,000 retained messages on SQLite (search-seed.ts writes them straight into the file, then
// migration 12 builds the index): GET /search as a user who reads about 3 % of them (five groups of ten, the
// direct messages chance gives them, the broadcasts), over keep-alive HTTP, one request at a time, for a few query
// shapes: latency p50 / p99, hits on the first page, server CPU per query. And what the index costs a message:
// the store's CPU per direct message with the index in use (a search first, then kept in batches, and a search at
// the end to bring it up to the last) and never used (nothing indexed), in this process, in turns.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/log/logger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../../test/support/process.js';
import { expectJson, getJson } from '../lib/http.js';
import { cpuMs } from '../lib/proc.js';
import { num, type Row } from '../lib/report.js';
import type { TargetName } from '../lib/targets.js';
import {
  cells,
  ok,
  restAgent,
  scaled,
  values,
  withServer,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';
import {
  passwordOf,
  randomFrom,
  searcher,
  searcherGroup,
  seedGroups,
  seedSearchDatabase,
  seedUsers,
  textMaker,
  type Seeded,
} from './search-seed.js';

interface Shape {
  readonly key: string;
  readonly label: string;
  readonly query: Readonly<Record<string, string>>;
}

const shapes: readonly Shape[] = [
  { key: 'common', label: 'a common word (the)', query: { q: 'the' } },
  { key: 'rare', label: 'a rare word (quokka, in about 1 message of 10,000)', query: { q: 'quokka' } },
  { key: 'short', label: 'a 2-character word (ok), which the trigram index cannot look up', query: { q: 'ok' } },
  {
    key: 'with',
    label: `a common word in one group (the, with=${searcherGroup})`,
    query: { q: 'the', with: searcherGroup },
  },
  { key: 'words', label: 'two words (lunch tomorrow)', query: { q: 'lunch tomorrow' } },
];

interface ShapeResult {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstPageHits: number;
  /** Whether the first page came with a cursor (more may follow). */
  readonly more: boolean;
  readonly usPerQuery: number;
}

interface SearchResult {
  readonly seeded: Seeded;
  readonly shapes: Readonly<Record<string, ShapeResult>>;
  /** Store CPU per direct message (µs), each turn: with the index in use, and never searched. */
  readonly withIndexUs: readonly number[];
  readonly withoutIndexUs: readonly number[];
}

/** Requests per shape at most, and the time one shape may take. */
const requestsPerShape = 200;
const shapeS = 15;
/** Seeding and the migration together may take this long before the row fails. */
const seedLimitS = 900;
/** Turns of the index's cost, each with and without. */
const turns = 3;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measureShape(url: URL, token: string, pid: number, shape: Shape): Promise<ShapeResult> {
  const agent = restAgent(1);
  const path = `/search?${new URLSearchParams(shape.query)}`;
  try {
    let first = await getJson(agent, url, path, token);
    if (first.status !== 200) throw new Error(`GET ${path}: ${first.status} ${JSON.stringify(first.body)}`);
    for (let i = 0; i < 4; i++) first = await getJson(agent, url, path, token);
    const ms: number[] = [];
    const cpu0 = cpuMs(pid);
    const until = performance.now() + shapeS * 1000;
    while (ms.length < requestsPerShape && performance.now() < until)
      ms.push((await getJson(agent, url, path, token)).ms);
    const cpu = cpuMs(pid) - cpu0;
    return {
      requests: ms.length,
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
      firstPageHits: (first.body.hits as unknown[]).length,
      more: first.body.cursor !== undefined,
      usPerQuery: (cpu * 1000) / ms.length,
    };
  } finally {
    agent.destroy();
  }
}

/** CPU of this process per direct message appended to a fresh store, in group commits of 500 (µs). */
async function appendCpuUs(indexed: boolean, count: number, textBytes: number): Promise<number> {
  const dir = tempDir('parley-bench-index-');
  const db = new Database(join(dir, 'parley.db'));
  const store = SqliteStore.open({ db, log: createLogger('silent') });
  try {
    // A search puts the index in use: every message is then indexed, in batches (src/store/sqlite/search-index.ts).
    const search = () =>
      store.searchMessages({
        reader: 'alice',
        conversations: [{ kind: 'direct', with: 'u0' }],
        terms: ['zqxjk'],
        beforeId: Number.MAX_SAFE_INTEGER,
        afterId: 0,
        limit: 10,
        budget: 5_000,
      });
    const text = textMaker(randomFrom(7), textBytes);
    const append = async (n: number) => {
      for (let i = 0; i < n; i += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, n - i) }, (_, j) =>
            store.appendMessage({
              from: 'alice',
              kind: 'direct',
              text: text(),
              sentAt: Date.now(),
              recipients: [`u${j % 100}`],
            }),
          ),
        );
      }
    };
    await append(2_000);
    if (indexed) await search();
    const before = process.cpuUsage();
    await append(count);
    if (indexed) await search();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / count;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(target: TargetName, settings: Settings): Promise<SearchResult> {
  const count = scaled(1_000_000, settings, 10_000);
  const dir = tempDir('parley-bench-search-');
  try {
    const seeded = await seedSearchDatabase(dir, count, settings.textBytes, seedLimitS);
    settings.log(
      `${target}: ${num(count, 9)} messages seeded in ${num(seeded.seedS)} s; migration 12 built the index in ${num(seeded.migrateS)} s`,
    );
    const results: Record<string, ShapeResult> = {};
    await withServer(target, ['--data', dir], async (server) => {
      const url = new URL(server.url);
      const agent = restAgent(1);
      const login = await expectJson(
        agent,
        url,
        '/sessions',
        { username: searcher, password: passwordOf(searcher) },
        200,
      );
      agent.destroy();
      for (const shape of shapes) {
        results[shape.key] = await measureShape(url, String(login.body.token), server.pid, shape);
        const r = results[shape.key]!;
        settings.log(`${target}: search, ${shape.label}: p50 ${num(r.p50Ms)} ms, p99 ${num(r.p99Ms)} ms`);
      }
    });
    const withIndexUs: number[] = [];
    const withoutIndexUs: number[] = [];
    const appends = scaled(50_000, settings, 5_000);
    for (let turn = 0; turn < turns; turn++) {
      withIndexUs.push(await appendCpuUs(true, appends, settings.textBytes));
      withoutIndexUs.push(await appendCpuUs(false, appends, settings.textBytes));
    }
    settings.log(
      `${target}: store CPU per direct message, with the index ${withIndexUs.map((u) => num(u)).join(', ')} µs, without ${withoutIndexUs.map((u) => num(u)).join(', ')} µs`,
    );
    return { seeded, shapes: results, withIndexUs, withoutIndexUs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function search(settings: Settings): Scenario<SearchResult> {
  const count = scaled(1_000_000, settings, 10_000);
  const retained = `${num(count, 9)} retained messages (${num(seedUsers, 9)} users, ${seedGroups} groups of 10)`;
  return {
    name: 'search',
    targets: ['sqlite'],
    measure: (target) => measure(target, settings),
    rows(results: Results<SearchResult>): Row[] {
      const mb = (bytes: number) => `${num(bytes / 1e6)} MB`;
      const rows: Row[] = [
        {
          key: 'search-index-build',
          figure: `search over ${retained}: seeded straight into the file; migration 12 building the trigram index; the file without and with it`,
          cells: cells(
            results,
            (r) =>
              `${num(r.seeded.seedS)} s; ${num(r.seeded.migrateS)} s; ${mb(r.seeded.bytesBefore)} → ${mb(r.seeded.bytesAfter)}`,
          ),
          ratios: ratioOf(results, (r) => r.seeded.bytesAfter / r.seeded.bytesBefore),
          ratioOf: 'file with the index ÷ without',
          checks: {},
          values: values(results, (r) => ({ ...r.seeded })),
        },
        ...shapes.map((shape): Row => ({
          key: `search-${shape.key}`,
          figure: `GET /search over ${retained}, as a user who reads about 3 % of them, ${shape.label}: p50 / p99; hits on the first page (20 at most); server CPU per query`,
          cells: cells(results, (r) => {
            const s = r.shapes[shape.key]!;
            return `${num(s.p50Ms)} / ${num(s.p99Ms)} ms; ${s.firstPageHits}${s.more ? ' and a cursor' : ''}; ${num(s.usPerQuery)} µs`;
          }),
          ratios: {},
          checks: {},
          values: values(results, (r) => {
            const { more, ...numbers } = r.shapes[shape.key]!;
            return { ...numbers, more: String(more) };
          }),
        })),
        {
          key: 'search-index-cost',
          figure: `the index's cost: store CPU per direct message appended (in the bench's process, ${turns} turns of ${num(scaled(50_000, settings, 5_000), 9)}, group commits of 500), the index in use (kept in batches) and never searched`,
          cells: cells(
            results,
            (r) => `${num(median(r.withIndexUs))} µs / ${num(median(r.withoutIndexUs))} µs (medians)`,
          ),
          ratios: ratioOf(results, (r) => median(r.withIndexUs) / median(r.withoutIndexUs)),
          ratioOf: 'with ÷ without',
          checks: {},
          values: values(results, (r) => ({
            withIndexUs: r.withIndexUs.join(' '),
            withoutIndexUs: r.withoutIndexUs.join(' '),
          })),
        },
      ];
      return rows;
    },
  };
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

function ratioOf(results: Results<SearchResult>, ratio: (r: SearchResult) => number): Row['ratios'] {
  const r = ok(results, 'sqlite');
  return r ? { sqlite: ratio(r) } : {};
}
