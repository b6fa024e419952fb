import { describe, expect, it } from 'vitest';
import { startDelivery } from '../support/delivery.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { QueuePage } from '../../src/core/ports/index.js';
import { RecordingSink } from '../support/recording-sink.js';

/**
 * A store whose reads can be held back after they have read: their answer then predates whatever is written
 * meanwhile, as a read in flight to Redis while a failover drops feed events.
 */
class SlowReads extends MemoryStore {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  /** Reads that have read and wait at the gate. */
  held = 0;

  holdReads(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  releaseReads(): void {
    this.gate = undefined;
    this.open?.();
  }

  override async readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage> {
    const page = await super.readQueue(recipient, afterId, limit);
    const gate = this.gate;
    if (gate) {
      this.held++;
      await gate;
    }
    return page;
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('reading every stream again (after a cut feed or a failover)', () => {
  it('reads once more when asked again while a read is in flight, so that a message stored meanwhile is not skipped', async () => {
    const store = new SlowReads();
    for (const name of ['alice', 'bob']) await store.insertUser({ name, passwordHash: 'x', createdAt: 0 });
    const delivery = await startDelivery(store, store.feed, { queueLimit: 1_000 });
    const first = (await delivery.send({ from: 'alice', kind: 'direct', text: 'one', sentAt: 1 }, ['bob'])).id;
    const sink = new RecordingSink();
    await delivery.open('bob', 's1', sink);
    expect(sink.ids).toEqual([first]);

    // The first reread's read has read (nothing new) and is held; a message is stored without any event telling
    // of it (the feed lost it), and the streams are asked to read again.
    store.holdReads();
    delivery.reread();
    await settle();
    expect(store.held).toBe(1);
    const missed = await store.appendMessage({
      from: 'alice',
      kind: 'direct',
      text: 'two',
      sentAt: 2,
      recipients: ['bob'],
    });
    delivery.reread();
    store.releaseReads();
    await settle();
    expect(sink.ids).toEqual([first, missed]);
    await store.close();
  });
});
