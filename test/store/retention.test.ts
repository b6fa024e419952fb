import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelivery } from '../support/delivery.js';
import { Retention } from '../../src/core/retention.js';
import { createLogger } from '../../src/log/logger.js';
import { openTestBackend } from '../support/open-store.js';
import type { Store } from '../../src/core/ports/index.js';
import { tempDir } from '../support/process.js';
import { RecordingSink } from '../support/recording-sink.js';

const root = tempDir('parley-retention-');
const day = 86_400_000;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
});

describe('background retention on the SQLite store', () => {
  it('prunes delivered messages past the age window in bounded batches and tells a late resume what was lost', async () => {
    let now = Date.UTC(2026, 10, 24);
    const backend = await openTestBackend(
      { kind: 'sqlite', dataDir: mkdtempSync(join(root, 'db-')) },
      createLogger('silent'),
    );
    store = backend.store;
    const delivery = await startDelivery(store, backend.feed, { queueLimit: 100 });
    const retention = new Retention(store, { retainMs: day, intervalMs: 60_000, batch: 3, now: () => now });

    const ids: number[] = [];
    for (let i = 0; i < 10; i++)
      ids.push((await delivery.send({ from: 'alice', kind: 'direct', text: `m${i}`, sentAt: now }, ['bob'])).id);
    const reader = new RecordingSink();
    delivery.close(await delivery.open('bob', 's1', reader));
    expect(reader.ids).toEqual(ids);

    // Two more that nobody has read yet: retention never touches them.
    now += 1_000;
    const waiting = [];
    for (let i = 0; i < 2; i++)
      waiting.push((await delivery.send({ from: 'alice', kind: 'direct', text: `w${i}`, sentAt: now }, ['bob'])).id);

    now += day + 1;
    await retention.run();
    expect((await store.readQueue('bob', 0, 100)).rows.map((row) => row.id)).toEqual(waiting);

    const late = new RecordingSink();
    await delivery.open('bob', 's2', late, { resumeAfter: ids[0] });
    expect(late.notices).toEqual([{ reason: 'retention', after: ids[0], through: ids[9] }]);
    expect(late.ids).toEqual(waiting);
  });
});
