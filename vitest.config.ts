import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on port 0. Files mostly wait on the processes they start (servers, Redis,
    // Sentinel, Chromium, tmux): on two cores, three files at once kept the cores busier than two and ended a
    // sample of 39 e2e and security files about 15 % sooner, with nothing failing.
    maxWorkers: 3,
    reporters: ['default'],
    // Missing Debian packages stop the run before it starts; a process that outlives the suite fails it.
    globalSetup: ['test/support/global-setup.ts'],
    // Whatever a test file started is stopped once it ends, whatever the outcome.
    setupFiles: ['test/support/setup-file.ts'],
  },
});
