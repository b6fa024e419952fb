import type { Logger } from 'pino';
import { MemoryStore } from './memory/memory-store.js';
import type { Store } from './store.js';

export interface StoreSettings {
  readonly kind: 'memory';
  /** Directory for durable backends' files. */
  readonly dataDir: string;
}

/** The one place that switches on the configured store kind. */
export async function createStore(settings: StoreSettings, _log: Logger): Promise<Store> {
  switch (settings.kind) {
    case 'memory':
      return new MemoryStore();
  }
}
