// Runs in every test file's worker before the file (vitest setupFiles).
import { relative } from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { repoRoot } from './process.js';
import { stopEverything } from './stop-at-end.js';
import { ownerVariable } from './suite-processes.js';

// Marks every process this file starts, so that the run's teardown can tell whether one outlived the suite.
process.env[ownerVariable] = `${inject('testRunId')}:${relative(repoRoot, expect.getState().testPath ?? 'unknown')}`;

// Registered before the file's own hooks, so it runs after them: what they did not stop is stopped here.
afterAll(stopEverything);
