import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { describeStore } from './contract/index.js';

describeStore('memory', async () => {
  const store = new MemoryStore();
  return { store, feed: store.feed, feedTells: 'at once' };
});
