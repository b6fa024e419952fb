import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { describeStore } from './store.contract.js';

describeStore('memory', async () => new MemoryStore());
