import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on port 0; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
    // Missing Debian packages stop the run before it starts; a process that outlives the suite fails it.
    globalSetup: ['test/support/global-setup.ts'],
    // Whatever a test file started is stopped once it ends, whatever the outcome.
    setupFiles: ['test/support/setup-file.ts'],
  },
});
