import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process the suite starts carries this variable, `<run id>:<test file>`: each test file's worker sets it
 * in its own environment, and children inherit it. The worker itself does not show it in /proc/<pid>/environ,
 * which holds the environment a process started with, so only what the tests started is found by it.
 */
export const ownerVariable = 'PARLEY_TEST_OWNER';

export interface SuiteProcess {
  readonly pid: number;
  /** The value of the variable that marks it: the run and the test file that started it. */
  readonly owner: string;
  readonly command: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** A zombie has exited and only waits for its parent to reap it: it runs no more. */
function running(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The running processes whose start environment has `variable` with a value starting with `prefix`. */
export function processesMarked(variable: string, prefix: string): SuiteProcess[] {
  const found: SuiteProcess[] = [];
  const needle = `${variable}=${prefix}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const environ = read(`/proc/${entry}/environ`);
    const mark = environ?.split('\0').find((pair) => pair.startsWith(needle));
    if (mark === undefined || !running(Number(entry))) continue;
    const command = (read(`/proc/${entry}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
    found.push({ pid: Number(entry), owner: mark.slice(variable.length + 1), command });
  }
  return found;
}

/**
 * The processes marked so that are still running after `graceMs`: one that was told to stop a moment ago may
 * still be on its way out. A process that is no child of ours has no exit event to wait on, so /proc is read
 * again every 50 ms until they are gone or the grace is over.
 */
export async function survivors(variable: string, prefix: string, graceMs: number): Promise<SuiteProcess[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = processesMarked(variable, prefix);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
