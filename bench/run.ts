// Sustained accepted direct messages per second, memory against SQLite, with 1, 10 and 100 concurrent senders.
// Starts real server processes on free ports, drives them with autocannon over keep-alive connections, prints a
// Markdown table and stops by itself. Run: npm run bench  (BENCH_SECONDS=5 by default per measurement)
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { spawnServer, tempDir, type ServerProcess } from '../test/support/process.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrencies = [1, 10, 100];
const maxSenders = Math.max(...concurrencies);

/** Lifts the server's protective limits: the benchmark measures the store, not the rate limits. */
function unlimitedArgs(): string[] {
  return ['--queue-limit', '10000000', '--message-rate', '0'];
}

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username}-password` }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`cannot log in as ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

interface Measurement {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly refused: number;
  readonly errors: number;
}

/** `connections` senders, each its own user on its own keep-alive connection, each one request at a time. */
async function measure(url: string, tokens: readonly string[], connections: number, duration: number): Promise<Measurement> {
  let next = 0;
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        path: '/messages',
        setupRequest: (req, context: { token?: string }) => {
          context.token ??= tokens[next++ % tokens.length];
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${context.token}` },
            body: JSON.stringify({ to: 'sink', text: `benchmark message ${++n}` }),
          };
        },
      },
    ],
  });
  return {
    rate: result['2xx'] / (result.duration || duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    refused: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function benchStore(store: 'memory' | 'sqlite'): Promise<Map<number, Measurement>> {
  const args = ['--store', store, ...unlimitedArgs()];
  if (store === 'sqlite') args.push('--data', tempDir('parley-bench-'));
  const server: ServerProcess = await spawnServer(args);
  try {
    await login(server.url, 'sink');
    const tokens: string[] = [];
    for (let i = 0; i < maxSenders; i++) tokens.push(await login(server.url, `sender${i}`));
    await measure(server.url, tokens, 10, 1); // warm-up: JIT, connection pools, statement caches
    const results = new Map<number, Measurement>();
    for (const connections of concurrencies) {
      results.set(connections, await measure(server.url, tokens, connections, seconds));
      process.stderr.write(`${store} ${connections} senders: ${Math.round(results.get(connections)!.rate)}/s\n`);
    }
    return results;
  } finally {
    await server.stop();
  }
}

const memory = await benchStore('memory');
const sqlite = await benchStore('sqlite');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const lines = [
  `Accepted direct messages per second (202), ${seconds} s per row, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  '',
  '| senders | memory msg/s | memory p50 / p99 ms | sqlite msg/s | sqlite p50 / p99 ms | sqlite / memory |',
  '|--------:|-------------:|--------------------:|-------------:|--------------------:|----------------:|',
];
for (const c of concurrencies) {
  const m = memory.get(c)!;
  const s = sqlite.get(c)!;
  lines.push(
    `| ${c} | ${fmt(m.rate)} | ${m.p50} / ${m.p99} | ${fmt(s.rate)} | ${s.p50} / ${s.p99} | ${(s.rate / m.rate).toFixed(2)} |`,
  );
}
const failures = [...memory.values(), ...sqlite.values()].reduce((sum, r) => sum + r.refused + r.errors, 0);
lines.push('', failures === 0 ? 'Every request was accepted.' : `Requests refused or failed: ${failures}.`);
process.stdout.write(`${lines.join('\n')}\n`);
