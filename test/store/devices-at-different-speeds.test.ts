import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startDelivery } from '../support/delivery.js';
import type { Backend } from '../../src/server/open-backend.js';
import type { StreamSession } from '../../src/core/delivery/stream-session.js';
import { createLogger } from '../../src/log/logger.js';
import { openTestBackend } from '../support/open-store.js';
import { tempDir } from '../support/process.js';
import { RecordingSink } from '../support/recording-sink.js';

/** A device of bob's: a recording transport that knows where it started. */
class Device extends RecordingSink {
  constructor(readonly start: number) {
    super();
  }

  /** Where a reconnect resumes: the last id received, or where it started. */
  get last(): number {
    return this.ids.at(-1) ?? this.start;
  }
}

type Step =
  | { readonly kind: 'direct' | 'group' | 'broadcast' | 'own_broadcast' | 'elsewhere' }
  | { readonly kind: 'pause' | 'read' | 'reconnect'; readonly device: number };

const steps = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom<Step>(
        { kind: 'direct' },
        { kind: 'group' },
        { kind: 'broadcast' },
        { kind: 'own_broadcast' },
        { kind: 'elsewhere' },
      ),
    },
    fc.record({ kind: fc.constantFrom('pause' as const, 'read' as const, 'reconnect' as const), device: fc.nat(2) }),
  ),
  // Long plans: a device must fall several pages behind for reading on to be put to the test.
  { minLength: 20, maxLength: 150, size: 'max' },
);

/** Lets the store commit and every stream that can read on do so. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

const root = tempDir('parley-devices-');
const stores: Record<string, () => Promise<Backend>> = {
  memory: () => openTestBackend({ kind: 'memory', dataDir: root }, createLogger('silent')),
  sqlite: () => openTestBackend({ kind: 'sqlite', dataDir: mkdtempSync(join(root, 'db-')) }, createLogger('silent')),
};

describe.each(Object.keys(stores))('devices of one user at different speeds, on %s', (kind) => {
  it('each receive exactly the messages after their start position, with no gap and no repeat', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const { store, feed } = await stores[kind]!();
        // Small pages, so that reading on from the store takes several of them.
        const delivery = await startDelivery(store, feed, { queueLimit: 1_000_000, pageSize: 7 });
        const sessions: StreamSession[] = [];
        try {
          for (const name of ['alice', 'bob', 'carol'])
            await store.insertUser({ name, passwordHash: 'x', createdAt: 0 });
          const expected: number[] = [];
          const devices: Device[] = [];
          const connect = async (slot: number, start: number) => {
            const device = new Device(start);
            devices[slot] = device;
            sessions[slot] = await delivery.open('bob', `s${slot}`, device, { resumeAfter: start });
          };
          for (let slot = 0; slot < 3; slot++) await connect(slot, 0);
          const history: Device[] = [...devices];

          const sentAt = 1;
          for (const step of plan) {
            switch (step.kind) {
              case 'direct':
                expected.push((await delivery.send({ from: 'alice', kind: 'direct', text: 'd', sentAt }, ['bob'])).id);
                break;
              case 'group':
                expected.push(
                  (
                    await delivery.send({ from: 'carol', kind: 'group', group: 'team', text: 'g', sentAt }, [
                      'alice',
                      'bob',
                    ])
                  ).id,
                );
                break;
              case 'broadcast':
                expected.push((await delivery.broadcast({ from: 'carol', text: 'b', sentAt })).id);
                break;
              case 'own_broadcast':
                await delivery.broadcast({ from: 'bob', text: 'mine', sentAt });
                break;
              case 'elsewhere':
                await delivery.send({ from: 'bob', kind: 'direct', text: 'to carol', sentAt }, ['carol']);
                break;
              case 'pause':
                devices[step.device]!.paused = true;
                break;
              case 'read':
                devices[step.device]!.read();
                break;
              case 'reconnect': {
                const old = devices[step.device]!;
                delivery.close(sessions[step.device]!);
                await connect(step.device, old.last);
                history.push(devices[step.device]!);
                break;
              }
            }
            await settle();
          }
          for (const device of devices) device.read();
          await settle();

          for (const device of history) {
            const open = devices.includes(device);
            const after = expected.filter((id) => id > device.start);
            expect(device.notices).toEqual([]);
            // A closed device got a prefix of what followed its start; an open one got all of it.
            expect(device.ids).toEqual(open ? after : after.slice(0, device.ids.length));
          }
        } finally {
          for (const session of sessions) delivery.close(session);
          await store.close();
        }
      }),
      { numRuns: kind === 'sqlite' ? 60 : 150, seed: 20_261_201 },
    );
  });
});
