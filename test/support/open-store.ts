import type { Logger } from 'pino';
import { configFrom } from '../../src/config/load.js';
import { backendSettings, openBackend, type Backend, type BackendSettings } from '../../src/server/open-backend.js';
import type { Store } from '../../src/core/ports/index.js';

/** The backend the configuration's defaults would open, with `overrides`: what a server would be handed. */
export function openTestBackend(overrides: Partial<BackendSettings>, log: Logger): Promise<Backend> {
  return openBackend({ ...backendSettings(configFrom()), ...overrides }, log);
}

/** The store alone of such a backend. */
export async function openStore(overrides: Partial<BackendSettings>, log: Logger): Promise<Store> {
  return (await openTestBackend(overrides, log)).store;
}
