import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/log/logger.js';
import { openTestBackend } from '../support/open-store.js';
import { tempDir } from '../support/process.js';
import { describeStore } from './contract/index.js';

const root = tempDir('parley-sqlite-contract-');

describeStore('sqlite', async () => {
  const { store, feed } = await openTestBackend(
    { kind: 'sqlite', dataDir: mkdtempSync(join(root, 'db-')) },
    createLogger('silent'),
  );
  return { store, feed, feedTells: 'at once' };
});
