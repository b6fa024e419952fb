// The harness's output: Markdown tables of rows (figure | reference | Parley memory | Parley sqlite | ratios |
// goal | delivery check; for several processes on Redis: reference | sqlite | redis, one process | redis, two)
// and one JSON line per row appended to the results file.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Machine } from './proc.js';
import type { IntegritySum } from './load-workers.js';

/**
 * redis: Parley on Redis, one process; redis2: two processes on one Redis (`--workers 2`, or a pair); redis6:
 * `--workers 6`. wait0, waitAll: Parley on Redis behind Sentinel (two replicas) with --redis-wait-replicas 0 and all.
 */
export type Column = 'reference' | 'memory' | 'sqlite' | 'redis' | 'redis2' | 'redis6' | 'wait0' | 'waitAll';
export type Store = Exclude<Column, 'reference'>;
export const columns: readonly Column[] = [
  'reference',
  'memory',
  'sqlite',
  'redis',
  'redis2',
  'redis6',
  'wait0',
  'waitAll',
];
export const stores: readonly Store[] = ['memory', 'sqlite', 'redis', 'redis2', 'redis6', 'wait0', 'waitAll'];

/** The tables of the report: the stores against the reference, and one process against two on Redis. */
export type TableName = 'stores' | 'processes' | 'replication';
const tables: Record<TableName, { readonly intro?: string; readonly columns: readonly Column[] }> = {
  stores: { columns: ['reference', 'memory', 'sqlite'] },
  processes: {
    intro:
      "Several Parley processes on one Redis (a redis-server of each row's own, loopback, appendfsync always), against one process " +
      "and SQLite; server CPU summed over every Parley process (with --workers, the primary too), Redis's own CPU apart:",
    columns: ['reference', 'sqlite', 'redis', 'redis2', 'redis6'],
  },
  replication: {
    intro:
      "Redis behind Sentinel (a primary, two replicas and three sentinels of each row's own, loopback, appendfsync everysec, " +
      'down-after 1 s), one Parley process with --redis-sentinel; a write is answered once N replicas hold it (--redis-wait-replicas N):',
    columns: ['wait0', 'waitAll'],
  },
};
const headings: Record<Column, string> = {
  reference: 'reference',
  memory: 'Parley memory',
  sqlite: 'Parley sqlite',
  redis: 'Parley redis, 1 process',
  redis2: 'Parley redis, 2 processes',
  redis6: 'Parley redis, 6 processes',
  wait0: 'Sentinel, --redis-wait-replicas 0',
  waitAll: 'Sentinel, --redis-wait-replicas all (the default)',
};
const shortNames: Record<Store, string> = {
  memory: 'memory',
  sqlite: 'sqlite',
  redis: 'redis',
  redis2: '2 processes',
  redis6: '6 processes',
  wait0: 'wait 0',
  waitAll: 'wait all',
};

export interface Row {
  /** Stable name of the figure, for comparing results files. */
  readonly key: string;
  /** @default 'stores' */
  readonly table?: TableName;
  readonly figure: string;
  readonly cells: Partial<Record<Column, string>>;
  /** Parley ÷ reference, or what `ratioOf` says. */
  readonly ratios: Partial<Record<Store, number>>;
  readonly ratioOf?: string;
  readonly goal?: string;
  /** Whether the goal was met; undefined without a goal or a measurement. */
  readonly met?: boolean;
  /** What the streams received against what they should have (summed over the row's phases). */
  readonly checks: Partial<Record<Column, IntegritySum>>;
  /** The measured numbers behind the cells, for the results file. */
  readonly values: Partial<Record<Column, Record<string, number | string>>>;
}

export interface Report {
  readonly date: string;
  readonly machine: Machine;
  readonly scale: number;
  readonly minutes: number;
  /** One-minute load averages at the start and the end: what else the machine was doing. */
  readonly load: readonly [number, number];
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
}

/** Numbers for people: 3 significant digits at most, thousands separated. */
export function num(x: number | undefined, digits = 3): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const magnitude = Math.abs(x) < 1 ? 0 : Math.floor(Math.log10(Math.abs(x))) + 1;
  const decimals = Math.max(0, digits - magnitude);
  return x.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: decimals });
}

export function ratioText(row: Row): string {
  const parts = stores
    .filter((s) => row.ratios[s] !== undefined)
    .map((s) => `${shortNames[s]} ${num(row.ratios[s], 2)}×`);
  if (parts.length === 0) return '—';
  return row.ratioOf ? `${parts.join(', ')} (${row.ratioOf})` : parts.join(', ');
}

function checkText(row: Row): string {
  const present = columns.filter((c) => row.checks[c] !== undefined);
  if (present.length === 0) return '—';
  const bad = (c: IntegritySum) => c.missing + c.duplicate + c.outOfOrder + c.unexpected + c.lost + c.ended;
  const triple = (c: IntegritySum) =>
    `${c.missing} / ${c.duplicate} / ${c.outOfOrder}` +
    (c.unexpected ? `, ${c.unexpected} unexpected` : '') +
    (c.lost ? `, ${c.lost} lost events` : '') +
    (c.ended ? `, ${c.ended} streams ended` : '');
  if (present.every((c) => bad(row.checks[c]!) === 0)) {
    const received = present.reduce((sum, c) => sum + row.checks[c]!.received, 0);
    return `0 / 0 / 0 (${num(received, 9)} received)`;
  }
  return present.map((c) => `${c}: ${triple(row.checks[c]!)}`).join('; ');
}

function goalText(row: Row): string {
  if (!row.goal) return '—';
  if (row.met === undefined) return row.goal;
  return `${row.goal}: ${row.met ? 'met' : '**not met**'}`;
}

export function markdown(report: Report): string {
  const m = report.machine;
  const lines = [
    `Parley against a bare node:http SSE server (and a minimal express app for requests), one run, ${report.date}, ` +
      `${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}; load generator in separate processes on the same cores, ` +
      `loopback, a fresh server per scenario; scale ${report.scale}; ${num(report.minutes, 2)} minutes in all; ` +
      `load average ${num(report.load[0], 2)} at the start, ${num(report.load[1], 2)} at the end.`,
  ];
  for (const [name, table] of Object.entries(tables) as [TableName, (typeof tables)[TableName]][]) {
    const rows = report.rows.filter((r) => (r.table ?? 'stores') === name);
    if (rows.length === 0) continue;
    if (table.intro) lines.push('', table.intro);
    lines.push(
      '',
      `| figure | ${table.columns.map((c) => headings[c]).join(' | ')} | ratio | goal | missing / duplicate / out of order |`,
      `|---|${table.columns.map(() => '---:|').join('')}---|---|---|`,
      ...rows.map(
        (r) =>
          `| ${r.figure} | ${table.columns.map((c) => r.cells[c] ?? '—').join(' | ')} | ${ratioText(r)} | ${goalText(r)} | ${checkText(r)} |`,
      ),
    );
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/** One JSON line per row, with the run's date, machine and scale on each. */
export function appendResults(file: string, report: Report): void {
  mkdirSync(dirname(file), { recursive: true });
  const lines = report.rows.map((row) =>
    JSON.stringify({
      date: report.date,
      machine: report.machine,
      scale: report.scale,
      load: report.load,
      key: row.key,
      figure: row.figure,
      ...(row.table ? { table: row.table } : {}),
      values: row.values,
      ratios: row.ratios,
      ...(row.ratioOf ? { ratioOf: row.ratioOf } : {}),
      ...(row.goal ? { goal: row.goal, met: row.met ?? null } : {}),
      checks: row.checks,
    }),
  );
  appendFileSync(file, `${lines.join('\n')}\n`);
}

/** met when every measured store's ratio is at most `max` (and at least one was measured). */
export function atMost(
  ratios: Partial<Record<Store, number>>,
  max: number,
  only: readonly Store[] = stores,
): boolean | undefined {
  const measured = only.map((s) => ratios[s]).filter((r): r is number => r !== undefined && Number.isFinite(r));
  return measured.length === 0 ? undefined : measured.every((r) => r <= max);
}

export function atLeast(
  ratios: Partial<Record<Store, number>>,
  min: number,
  only: readonly Store[] = stores,
): boolean | undefined {
  const measured = only.map((s) => ratios[s]).filter((r): r is number => r !== undefined && Number.isFinite(r));
  return measured.length === 0 ? undefined : measured.every((r) => r >= min);
}
