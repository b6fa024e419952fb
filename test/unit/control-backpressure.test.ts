import { describe, expect, it } from 'vitest';
import { startDelivery } from '../support/delivery.js';
import type { EndReason, StreamSink } from '../../src/core/delivery/stream-session.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';

/** A transport whose buffer is full from the start: every write says "wait for drain", and drain never comes. */
class FullSink implements StreamSink {
  writes = 0;
  ended: Promise<EndReason>;
  private resolveEnd!: (reason: EndReason) => void;
  constructor() {
    this.ended = new Promise((resolve) => (this.resolveEnd = resolve));
  }
  message(): boolean {
    this.writes++;
    return false;
  }
  lost(): void {}
  sent(): boolean {
    this.writes++;
    return false;
  }
  presence(): boolean {
    this.writes++;
    return false;
  }
  heartbeat(): boolean {
    this.writes++;
    return false;
  }
  onDrain(): void {}
  end(reason: EndReason): void {
    this.resolveEnd(reason);
  }
}

describe('control traffic and backpressure', () => {
  it('stops writing presence and heartbeats to a full stream and closes it as a slow consumer', async () => {
    const store = new MemoryStore();
    const delivery = await startDelivery(store, store.feed, { queueLimit: 10, slowConsumerMs: 20 });
    const sink = new FullSink();
    await delivery.open('carol', 'session', sink, { presence: true });
    expect(delivery.isOnline('carol')).toBe(true);

    for (let i = 0; i < 100; i++) delivery.broadcastControl((s) => s.presence({ json: `{"users":[]}` }), true);
    delivery.broadcastControl((s) => s.heartbeat());
    // One write found the buffer full; nothing more is piled on until the transport drains.
    expect(sink.writes).toBe(1);
    expect(await sink.ended).toBe('slow_consumer');
    expect(delivery.isOnline('carol')).toBe(false);
  });
});
