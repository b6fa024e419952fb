export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Scrape {
  readonly samples: readonly Sample[];
  /** `# TYPE` of every family. */
  readonly types: ReadonlyMap<string, string>;
  /** The sum of the samples called `name` whose labels include `labels`; 0 when there is none (yet). */
  value(name: string, labels?: Record<string, string>): number;
  /** A histogram's `_count` and `_sum` over its samples whose labels include `labels`. */
  histogram(name: string, labels?: Record<string, string>): { count: number; sum: number };
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;

/**
 * The Prometheus text format (version 0.0.4), sample by sample. The parser on npm for it folds a labelled
 * histogram's samples into one, so this reads the lines themselves: `name{label="value",...} value`.
 */
export function parseExposition(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPair))
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([key, v]) => s.labels[key] === v))
      .reduce((total, s) => total + s.value, 0);
  return {
    samples,
    types,
    value,
    histogram: (name, labels = {}) => ({ count: value(`${name}_count`, labels), sum: value(`${name}_sum`, labels) }),
  };
}

/** GET /metrics, parsed. */
export async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return parseExposition(await res.text());
}
