// Small promise utilities of the benchmarks: bounded concurrency, time limits, pauses.
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Runs `work` over `items`, at most `concurrency` at a time; results in the order of `items`. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Rejects after `ms` unless `promise` settles first; says what was awaited. */
export async function guard<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Conditions waited for by whoever changes their state: `notify` after each change checks every waiter. */
export class Signal {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Resolves true once `done` holds (at once, or at a later `notify`), false after `ms` without it. */
  until(done: () => boolean, ms: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (done()) finish(true);
      };
      const timer = setTimeout(() => finish(false), ms);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      this.waiters.add(check);
    });
  }
}
