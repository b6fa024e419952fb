// `npm run check`: every static check of package.json's scripts, run side by side (as many at once as the machine
// has cores), each one's output printed whole once it ends, in the order listed. Fails when any one fails, after
// all have ended, naming them. The checks only read the tree, so their order does not matter.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The package.json scripts, longest first so that the slowest starts at once. */
const steps = ['typecheck', 'lint', 'lint:format', 'gen:check', 'lint:spec', 'lint:lua'];

interface Outcome {
  readonly step: string;
  readonly code: number | null;
  readonly output: string;
  readonly ms: number;
}

function run(step: string): Promise<Outcome> {
  const started = Date.now();
  const child = spawn('npm', ['run', '--silent', step], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ step, code, output, ms: Date.now() - started }));
    child.on('error', (err) => resolve({ step, code: null, output: `${output}${err.message}\n`, ms: 0 }));
  });
}

// A step starts once one of `slots` is free; each is a promise of its outcome from the start.
let free = Math.max(1, availableParallelism());
const waiting: (() => void)[] = [];
const slot = async <T>(work: () => Promise<T>): Promise<T> => {
  if (free > 0) free--;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else free++;
  }
};
const outcomes = steps.map((step) => slot(() => run(step)));

const failed: string[] = [];
for (const outcome of outcomes) {
  const { step, code, output, ms } = await outcome;
  process.stdout.write(`> ${step} (${(ms / 1000).toFixed(1)} s)${code === 0 ? '' : `: failed with ${String(code)}`}\n`);
  if (output !== '') process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
  if (code !== 0) failed.push(step);
}
if (failed.length > 0) {
  process.stderr.write(`check: ${failed.join(', ')} failed\n`);
  process.exitCode = 1;
}
