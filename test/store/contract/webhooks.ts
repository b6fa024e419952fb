import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { user } from './factories.js';

const url = 'https://example.com/parley';
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** Long enough for every step of a test, short enough to wait out. */
const ttl = 60_000;
const shortTtl = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** WebhookStore: one webhook per bot, its stored position, and the lease that makes one process post its events. */
export function webhooksContract(backend: () => FreshBackend): void {
  describe('outgoing webhooks', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('setting and reading', () => {
      it('starts a new webhook after the position it is given, with no success and no failure', async () => {
        await store.setWebhook('helper', url, secret, 100, 42);
        expect(await store.findWebhook('helper')).toEqual({
          bot: 'helper',
          url,
          secret,
          setAt: 100,
          ackedId: 42,
          failures: 0,
        });
        expect(await store.findWebhook('nobody')).toBeUndefined();
      });

      it('lists every bot with a webhook, sorted', async () => {
        expect(await store.webhookBots()).toEqual([]);
        for (const bot of ['zed', 'alpha', 'mid']) await store.setWebhook(bot, url, secret, 100, 0);
        expect(await store.webhookBots()).toEqual(['alpha', 'mid', 'zed']);
      });

      it('keeps the position, the last success and the lease of a webhook replaced, and clears its errors', async () => {
        await store.setWebhook('helper', url, secret, 100, 5);
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 9 })).toBe(true);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 300, error: 'HTTP 500' })).toBe(true);
        await store.setWebhook('helper', 'https://example.org/new', 'whsec_other', 400, 1_000);
        expect(await store.findWebhook('helper')).toEqual({
          bot: 'helper',
          url: 'https://example.org/new',
          secret: 'whsec_other',
          setAt: 400,
          ackedId: 9,
          lastSuccessAt: 200,
          failures: 0,
        });
        expect(await store.webhookBots()).toEqual(['helper']);
        // Still p1's: another process cannot take it, and p1 records without taking it again.
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(false);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 500, ackedId: 12 })).toBe(true);
        expect(await store.findWebhook('helper')).toMatchObject({ ackedId: 12, lastSuccessAt: 500 });
      });

      it('deletes a webhook with its lease, says false when there was none, and a new one starts afresh', async () => {
        await store.setWebhook('helper', url, secret, 100, 5);
        await store.setWebhook('other', url, secret, 100, 5);
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 9 })).toBe(true);
        expect(await store.deleteWebhook('helper')).toBe(true);
        expect(await store.findWebhook('helper')).toBeUndefined();
        expect(await store.webhookBots()).toEqual(['other']);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 300, ackedId: 10 })).toBe(false);
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(false);
        expect(await store.deleteWebhook('helper')).toBe(false);
        expect(await store.deleteWebhook('nobody')).toBe(false);

        await store.setWebhook('helper', url, secret, 400, 20);
        expect(await store.findWebhook('helper')).toEqual({
          bot: 'helper',
          url,
          secret,
          setAt: 400,
          ackedId: 20,
          failures: 0,
        });
        // The old lease went with the old webhook.
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(true);
      });

      it("deletes a user's webhook and its lease with the user", async () => {
        await store.insertUser(user('alice'));
        await store.insertUser({ name: 'helper', passwordHash: '', owner: 'alice', createdAt: 1 });
        await store.setWebhook('helper', url, secret, 100, 5);
        await store.setWebhook('alice', url, secret, 100, 5);
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.deleteUser('helper')).toBe(true);
        expect(await store.findWebhook('helper')).toBeUndefined();
        expect(await store.webhookBots()).toEqual(['alice']);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 9 })).toBe(false);
        await store.setWebhook('helper', url, secret, 300, 7);
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(true);
      });
    });

    describe('the lease', () => {
      beforeEach(async () => {
        await store.setWebhook('helper', url, secret, 100, 0);
      });

      it('is refused for a bot without a webhook', async () => {
        expect(await store.leaseWebhook('nobody', 'p1', Date.now(), ttl)).toBe(false);
        expect(await store.recordWebhookAttempt('nobody', 'p1', { at: 200, ackedId: 1 })).toBe(false);
        expect(await store.findWebhook('nobody')).toBeUndefined();
        expect(await store.webhookBots()).toEqual(['helper']);
      });

      it("goes to one holder at a time: another is refused while the first's runs, the first renews it", async () => {
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(false);
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(false);
        expect(await store.recordWebhookAttempt('helper', 'p2', { at: 200, ackedId: 1 })).toBe(false);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 1 })).toBe(true);
      });

      it('goes to another holder once it lapsed, and the first then records nothing', async () => {
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), shortTtl)).toBe(true);
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), shortTtl)).toBe(false);
        await sleep(shortTtl + 30);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 1 })).toBe(false);
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(true);
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(false);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 300, ackedId: 2 })).toBe(false);
        expect(await store.findWebhook('helper')).toMatchObject({ ackedId: 0, failures: 0 });
        expect(await store.findWebhook('helper')).not.toHaveProperty('lastSuccessAt');
      });

      it('lapses for good unless renewed: a renewal counts its time from then', async () => {
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), shortTtl)).toBe(true);
        await sleep(shortTtl / 2);
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(true);
        await sleep(shortTtl);
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(false);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 1 })).toBe(true);
      });

      it('is given up by its holder only, and then taken at once', async () => {
        expect(await store.leaseWebhook('helper', 'p1', Date.now(), ttl)).toBe(true);
        await store.releaseWebhook('helper', 'p2');
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(false);
        await store.releaseWebhook('helper', 'p1');
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 1 })).toBe(false);
        expect(await store.leaseWebhook('helper', 'p2', Date.now(), ttl)).toBe(true);
        // Releasing a lease nobody holds, or a bot without a webhook, does nothing.
        await store.releaseWebhook('nobody', 'p1');
        expect(await store.findWebhook('helper')).toMatchObject({ ackedId: 0 });
      });
    });

    describe('attempts', () => {
      beforeEach(async () => {
        await store.setWebhook('helper', url, secret, 100, 10);
        await store.leaseWebhook('helper', 'p1', Date.now(), ttl);
      });

      it('moves the position up on success, zeroing the failures and keeping the last error', async () => {
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, error: 'HTTP 502' })).toBe(true);
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 210, error: 'timed out' })).toBe(true);
        expect(await store.findWebhook('helper')).toEqual({
          bot: 'helper',
          url,
          secret,
          setAt: 100,
          ackedId: 10,
          failures: 2,
          lastError: 'timed out',
          lastErrorAt: 210,
        });
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 300, ackedId: 15 })).toBe(true);
        expect(await store.findWebhook('helper')).toEqual({
          bot: 'helper',
          url,
          secret,
          setAt: 100,
          ackedId: 15,
          lastSuccessAt: 300,
          failures: 0,
          lastError: 'timed out',
          lastErrorAt: 210,
        });
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 400, error: 'HTTP 404' })).toBe(true);
        expect(await store.findWebhook('helper')).toEqual({
          bot: 'helper',
          url,
          secret,
          setAt: 100,
          ackedId: 15,
          lastSuccessAt: 300,
          failures: 1,
          lastError: 'HTTP 404',
          lastErrorAt: 400,
        });
      });

      it('never moves the position backwards', async () => {
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 200, ackedId: 2_000_000_000_000_001 })).toBe(
          true,
        );
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 300, ackedId: 7 })).toBe(true);
        expect(await store.findWebhook('helper')).toMatchObject({
          ackedId: 2_000_000_000_000_001,
          lastSuccessAt: 300,
        });
        expect(await store.recordWebhookAttempt('helper', 'p1', { at: 400, ackedId: 2_000_000_000_000_002 })).toBe(
          true,
        );
        expect(await store.findWebhook('helper')).toMatchObject({ ackedId: 2_000_000_000_000_002 });
      });

      it('writes nothing for a process that does not hold the lease', async () => {
        expect(await store.recordWebhookAttempt('helper', 'p2', { at: 200, ackedId: 50 })).toBe(false);
        expect(await store.recordWebhookAttempt('helper', 'p2', { at: 200, error: 'HTTP 500' })).toBe(false);
        expect(await store.findWebhook('helper')).toEqual({
          bot: 'helper',
          url,
          secret,
          setAt: 100,
          ackedId: 10,
          failures: 0,
        });
      });
    });
  });
}
