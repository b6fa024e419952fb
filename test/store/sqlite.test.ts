import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/create-store.js';
import { tempDir } from '../support/process.js';
import { describeStore } from './store.contract.js';

const root = tempDir('parley-sqlite-contract-');

describeStore('sqlite', () => createStore({ kind: 'sqlite', dataDir: mkdtempSync(join(root, 'db-')) }, createLogger('silent')));
