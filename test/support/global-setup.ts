// vitest globalSetup: refuses to start without the Debian packages the suite drives, compiles the server the tests
// start as processes, and fails the run when a process started by a test is still running once every file has
// finished.
import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { missingPackagesMessage } from '../../scripts/check-packages.js';
import { buildServer } from './server-build.js';
import { ownerVariable, survivors } from './suite-processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Unique to one run of the suite; see ownerVariable. */
    testRunId: string;
  }
}

export function setup(project: TestProject): () => Promise<void> {
  const missing = missingPackagesMessage();
  if (missing !== undefined) throw new Error(missing);
  buildServer();
  const runId = randomUUID();
  project.provide('testRunId', runId);

  return async function teardown() {
    const left = await survivors(ownerVariable, `${runId}:`, 5_000);
    if (left.length === 0) return;
    const lines = left.map((p) => `  pid ${p.pid} from ${p.owner.slice(runId.length + 1)}: ${p.command.slice(0, 200)}`);
    console.error(
      `parley tests: ${left.length} process(es) started by the suite outlived it; killed now:\n${lines.join('\n')}`,
    );
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // it ended on its own meanwhile
      }
    }
    // A throw here is only logged by vitest; the exit status is what a CI reads.
    process.exitCode = 1;
  };
}
