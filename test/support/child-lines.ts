import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Watched } from './watched.js';

export interface ChildLines {
  /** Every line printed so far, standard output and standard error as they came. */
  readonly lines: string[];
  /** Resolves once `condition` holds for the lines so far; rejects, quoting them, on exit first or after `timeoutMs`. */
  until(condition: (lines: readonly string[]) => boolean, timeoutMs: number): Promise<void>;
}

/** What a child process prints, line by line, to wait on; `name` says whose output a failure quotes. */
export function childLines(child: ChildProcess, exited: Promise<unknown>, name: string): ChildLines {
  const lines: string[] = [];
  const watched = new Watched();
  const add = (line: string) => {
    lines.push(line);
    watched.changed();
  };
  createInterface({ input: child.stdout! }).on('line', add);
  createInterface({ input: child.stderr! }).on('line', add);
  void exited.then(() => watched.end());
  return {
    lines,
    async until(condition, timeoutMs) {
      await watched.until(
        () => (condition(lines) ? true : undefined),
        timeoutMs,
        (why) =>
          `${name} did not get there ${why === 'ended' ? 'before it exited' : `within ${timeoutMs} ms`}:\n${lines.join('\n')}`,
      );
    },
  };
}
