import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../support/open-store.js';
import { tempDir } from '../support/process.js';
import { describeStore } from './store.contract.js';

const root = tempDir('parley-sqlite-contract-');

describeStore('sqlite', () => openStore({ kind: 'sqlite', dataDir: mkdtempSync(join(root, 'db-')) }, createLogger('silent')));
