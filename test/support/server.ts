import { configFrom } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/start-server.js';

/** An in-process server on a free loopback port with real defaults, made cheap where tests need it; memory store unless told otherwise. */
export async function startTestServer(
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = configFrom({
    port: 0,
    store: 'memory',
    scryptCost: 1024,
    presenceDelayMs: 10,
    logLevel: 'silent',
    ...overrides,
  });
  return startServer(config, { log: createLogger('silent'), ...options });
}
