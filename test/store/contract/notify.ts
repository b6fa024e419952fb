import { beforeEach, describe, expect, it } from 'vitest';
import type { NewPushSubscription, Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { draft, event, rowsOf, sessionOf, user } from './factories.js';

/** Long enough for every step of a test, short enough to wait out. */
const ttl = 60_000;
const shortTtl = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The n-th browser's subscription, made by `session` of `user`. */
const subscription = (n: number, user: string, session: string, overrides: Partial<NewPushSubscription> = {}) => ({
  id: `sub-${n}`,
  user,
  sessionId: session,
  endpoint: `https://push.example.com/send/${n}`,
  p256dh: `key-${n}`,
  auth: `auth-${n}`,
  createdAt: 100 + n,
  ackedId: 7,
  ...overrides,
});

const alice1 = sessionOf('alice', 1).tokenHash;
const alice2 = sessionOf('alice', 2).tokenHash;
const bob1 = sessionOf('bob', 1).tokenHash;

/** NotifyStore, and the mentions a message keeps: what a user is told of when away, and where. */
export function notifyContract(backend: () => FreshBackend): void {
  describe('notifications', () => {
    let store: Store;
    beforeEach(async () => {
      ({ store } = backend());
      for (const name of ['alice', 'bob']) await store.insertUser(user(name));
    });

    describe('levels and quiet time', () => {
      it('has no level set and no quiet time at first', async () => {
        expect(await store.notifyLevels('alice')).toEqual(new Map());
        expect(await store.quietUntil('alice')).toBe(0);
      });

      it("sets a level per conversation and appends the notifications event on the user's queue only", async () => {
        const before = await store.appendMessage(draft(['alice'], { from: 'bob' }));
        const muted = event('notifications', { conversation: 'team', level: 'none' }, ['alice']);
        const id = await store.setNotifyLevel('alice', 'team', 'none', muted);
        expect(id).toBeGreaterThan(before);
        const next = await store.setNotifyLevel(
          'alice',
          'bob',
          'mentions',
          event('notifications', { conversation: 'bob', level: 'mentions' }, ['alice'], 6_000),
        );
        expect(next).toBeGreaterThan(id);
        expect(await store.notifyLevels('alice')).toEqual(
          new Map([
            ['team', 'none'],
            ['bob', 'mentions'],
          ]),
        );
        expect(await store.notifyLevels('bob')).toEqual(new Map());
        const rows = await rowsOf(store, 'alice');
        expect(rows.map((r) => r.id)).toEqual([before, id, next]);
        expect(rows[1]).toEqual({ id, type: 'notifications', json: muted.json, at: 5_000, to: 'alice' });
        expect(await rowsOf(store, 'bob')).toEqual([]);
      });

      it('replaces the level of a conversation set again', async () => {
        await store.setNotifyLevel('alice', 'broad', 'none', event('notifications', { level: 'none' }, ['alice']));
        await store.setNotifyLevel('alice', 'broad', 'all', event('notifications', { level: 'all' }, ['alice']));
        expect(await store.notifyLevels('alice')).toEqual(new Map([['broad', 'all']]));
      });

      it('sets the quiet time with its quiet event, and 0 ends it', async () => {
        const quiet = event('quiet', { until: 9_000 }, ['alice']);
        const id = await store.setQuietUntil('alice', 9_000, quiet);
        expect(await store.quietUntil('alice')).toBe(9_000);
        expect(await store.quietUntil('bob')).toBe(0);
        const end = await store.setQuietUntil('alice', 0, event('quiet', { until: 0 }, ['alice'], 6_000));
        expect(end).toBeGreaterThan(id);
        expect(await store.quietUntil('alice')).toBe(0);
        const rows = await rowsOf(store, 'alice');
        expect(rows.map((r) => r.id)).toEqual([id, end]);
        expect(rows[0]).toEqual({ id, type: 'quiet', json: quiet.json, at: 5_000, to: 'alice' });
      });

      it('tells the feed each event by the time its change resolves', async () => {
        const feed = await backend().listen();
        const level = event('notifications', { conversation: 'bob', level: 'all' }, ['alice']);
        const levelId = await store.setNotifyLevel('alice', 'bob', 'all', level);
        const quiet = event('quiet', { until: 2_000_000_000_000 }, ['alice']);
        const quietId = await store.setQuietUntil('alice', 2_000_000_000_000, quiet);
        expect(await feed.told(2)).toEqual([
          {
            kind: 'event',
            event: { id: levelId, type: 'notifications', json: level.json, at: 5_000 },
            recipients: ['alice'],
          },
          { kind: 'event', event: { id: quietId, type: 'quiet', json: quiet.json, at: 5_000 }, recipients: ['alice'] },
        ]);
        expect(await store.quietUntil('alice')).toBe(2_000_000_000_000);
      });

      it("forgets a deleted user's levels and quiet time: a new user of the name has none", async () => {
        await store.setNotifyLevel('alice', 'bob', 'none', event('notifications', {}, ['alice']));
        await store.setQuietUntil('alice', 9_000, event('quiet', {}, ['alice']));
        await store.setNotifyLevel('bob', 'alice', 'none', event('notifications', {}, ['bob']));
        expect(await store.deleteUser('alice')).toBe(true);
        await store.insertUser(user('alice'));
        expect(await store.notifyLevels('alice')).toEqual(new Map());
        expect(await store.quietUntil('alice')).toBe(0);
        expect(await store.notifyLevels('bob')).toEqual(new Map([['alice', 'none']]));
      });
    });

    describe('read marks', () => {
      it('reads the mark markRead keeps, by conversation name, 0 where there is none, never moving back', async () => {
        const one = await store.appendMessage(draft(['bob']));
        const two = await store.appendMessage(draft(['bob']));
        expect(await store.readMark('bob', 'alice')).toBe(0);
        await store.markRead('bob', { kind: 'direct', with: 'alice' }, two);
        await store.markRead('bob', { kind: 'direct', with: 'alice' }, one);
        await store.markRead('bob', { kind: 'group', with: 'team' }, one);
        await store.markRead('alice', { kind: 'broadcast', with: 'broad' }, two, event('read', {}, ['alice']));
        expect(await store.readMark('bob', 'alice')).toBe(two);
        expect(await store.readMark('bob', 'team')).toBe(one);
        expect(await store.readMark('alice', 'broad')).toBe(two);
        expect(await store.readMark('alice', 'bob')).toBe(0);
      });
    });

    describe('mentions', () => {
      const team = { kind: 'group', group: 'team' } as const;

      it('keeps the mentions of a message wherever it is read, and none where it had none or an empty list', async () => {
        const called = await store.appendMessage(
          draft(['bob'], { ...team, text: '@bob @everyone', mentions: ['bob', 'everyone'], sentAt: 7 }),
        );
        const empty = await store.appendMessage(draft(['bob'], { ...team, mentions: [], sentAt: 8 }));
        const direct = await store.appendMessage(draft(['bob'], { text: '@bob', mentions: ['bob'], sentAt: 9 }));
        const base = { from: 'alice', text: 'hello' } as const;
        const inTeam = { ...base, ...team, text: '@bob @everyone', mentions: ['bob', 'everyone'] };
        const toBob = { ...base, kind: 'direct', text: '@bob', mentions: ['bob'], id: direct, sentAt: 9 };
        expect(await rowsOf(store, 'bob')).toEqual([
          { ...inTeam, id: called, sentAt: 7, to: 'bob' },
          { ...base, ...team, id: empty, sentAt: 8, to: 'bob' },
          { ...toBob, to: 'bob' },
        ]);
        expect((await rowsOf(store, 'bob'))[1]).not.toHaveProperty('mentions');
        const history = await store.readConversation(
          'bob',
          { kind: 'group', with: 'team' },
          Number.MAX_SAFE_INTEGER,
          10,
        );
        expect(history).toEqual([
          { ...base, ...team, id: empty, sentAt: 8 },
          { ...inTeam, id: called, sentAt: 7 },
        ]);
        expect(history[0]).not.toHaveProperty('mentions');
        expect(await store.findMessage(called)).toEqual({ ...inTeam, id: called, sentAt: 7 });
        expect(await store.findMessage(empty)).not.toHaveProperty('mentions');
        expect(await store.findMessage(direct)).toEqual({ ...toBob, to: 'bob' });
        expect((await store.summarize('bob', { kind: 'direct', with: 'alice' })).last).toEqual(toBob);
      });

      it('keeps them through an edit, with the bot mark and display name beside them', async () => {
        const id = await store.appendMessage(
          draft(['bob'], { ...team, bot: true, displayName: 'CI', mentions: ['bob'], sentAt: 7 }),
        );
        await store.editMessage(id, 'edited', 8, event('edited', { id }, ['bob']));
        expect(await store.findMessage(id)).toEqual({
          from: 'alice',
          ...team,
          bot: true,
          displayName: 'CI',
          mentions: ['bob'],
          text: 'edited',
          editedAt: 8,
          id,
          sentAt: 7,
        });
      });

      it('tells the feed the mentions of a message, and none for one without', async () => {
        const feed = await backend().listen();
        const called = await store.appendMessage(draft(['bob'], { ...team, mentions: ['bob'], sentAt: 7 }));
        const marked = await store.appendMessage(
          draft(['bob'], { ...team, displayName: 'CI', mentions: ['everyone'], sentAt: 8 }),
        );
        const plain = await store.appendMessage(draft(['bob'], { ...team, mentions: [], sentAt: 9 }));
        const told = (id: number, sentAt: number, marks: object) => ({
          kind: 'message',
          message: { id, from: 'alice', ...team, text: 'hello', sentAt, ...marks },
          recipients: ['bob'],
        });
        expect(await feed.told(3)).toEqual([
          told(called, 7, { mentions: ['bob'] }),
          told(marked, 8, { displayName: 'CI', mentions: ['everyone'] }),
          told(plain, 9, {}),
        ]);
        const last = feed.events[2];
        expect(last?.kind === 'message' && last.message).not.toHaveProperty('mentions');
      });
    });

    describe('push subscriptions', () => {
      beforeEach(async () => {
        for (const session of [sessionOf('alice', 1), sessionOf('alice', 2), sessionOf('bob', 1)])
          await store.insertSession(session);
      });

      it('stores a subscription with no failure yet, lists a user’s oldest first, and every id sorted', async () => {
        expect(await store.insertPushSubscription(subscription(2, 'alice', alice1), 5)).toEqual({
          id: 'sub-2',
          created: true,
        });
        await store.insertPushSubscription(subscription(1, 'alice', alice2, { createdAt: 200 }), 5);
        await store.insertPushSubscription(subscription(3, 'bob', bob1), 5);
        expect(await store.findPushSubscription('sub-2')).toEqual({ ...subscription(2, 'alice', alice1), failures: 0 });
        expect(await store.findPushSubscription('nothing')).toBeUndefined();
        expect((await store.pushSubscriptionsOf('alice')).map((s) => s.id)).toEqual(['sub-2', 'sub-1']);
        expect(await store.pushSubscriptionsOf('bob')).toEqual([{ ...subscription(3, 'bob', bob1), failures: 0 }]);
        expect(await store.pushSubscriptionsOf('carol')).toEqual([]);
        expect(await store.pushSubscriptionIds()).toEqual(['sub-1', 'sub-2', 'sub-3']);
      });

      it('keeps one subscription per endpoint: stored again, it keeps its id, place and position and takes the new keys and session', async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 5);
        await store.insertPushSubscription(subscription(2, 'alice', alice1), 5);
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 200, ackedId: 9 })).toBe(true);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 300, error: 'HTTP 500' })).toBe(true);
        const again = subscription(9, 'alice', alice2, {
          endpoint: subscription(1, 'alice', alice1).endpoint,
          createdAt: 400,
          ackedId: 1_000,
        });
        expect(await store.insertPushSubscription(again, 2)).toEqual({ id: 'sub-1', created: false });
        expect(await store.findPushSubscription('sub-1')).toEqual({
          ...subscription(1, 'alice', alice2),
          p256dh: 'key-9',
          auth: 'auth-9',
          ackedId: 9,
          lastSuccessAt: 200,
          failures: 0,
        });
        expect(await store.findPushSubscription('sub-9')).toBeUndefined();
        expect((await store.pushSubscriptionsOf('alice')).map((s) => s.id)).toEqual(['sub-1', 'sub-2']);
        expect(await store.pushSubscriptionIds()).toEqual(['sub-1', 'sub-2']);
        // Its lease stayed with it.
        expect(await store.leasePushSubscription('sub-1', 'p2', Date.now(), ttl)).toBe(false);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 500, ackedId: 12 })).toBe(true);
      });

      it('moves an endpoint stored for another user to the one who stores it now', async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 5);
        const moved = { ...subscription(2, 'bob', bob1), endpoint: subscription(1, 'alice', alice1).endpoint };
        expect(await store.insertPushSubscription(moved, 5)).toEqual({ id: 'sub-1', created: false });
        expect(await store.pushSubscriptionsOf('alice')).toEqual([]);
        expect((await store.pushSubscriptionsOf('bob')).map((s) => s.id)).toEqual(['sub-1']);
        expect(await store.findPushSubscription('sub-1')).toMatchObject({ user: 'bob', sessionId: bob1 });
        // It is bob's session's now: alice's signing out leaves it.
        await store.deleteSession(alice1);
        expect(await store.pushSubscriptionIds()).toEqual(['sub-1']);
        await store.deleteSession(bob1);
        expect(await store.pushSubscriptionIds()).toEqual([]);
      });

      it('refuses a new endpoint to a user who has the limit, storing nothing, and takes one stored again', async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 2);
        await store.insertPushSubscription(subscription(2, 'alice', alice2), 2);
        expect(await store.insertPushSubscription(subscription(3, 'alice', alice1), 2)).toBe('too_many');
        expect(await store.findPushSubscription('sub-3')).toBeUndefined();
        expect(await store.pushSubscriptionIds()).toEqual(['sub-1', 'sub-2']);
        expect(await store.insertPushSubscription(subscription(4, 'bob', bob1), 2)).toEqual({
          id: 'sub-4',
          created: true,
        });
        const renewed = { ...subscription(5, 'alice', alice1), endpoint: subscription(2, 'alice', alice2).endpoint };
        expect(await store.insertPushSubscription(renewed, 2)).toEqual({ id: 'sub-2', created: false });
        // The endpoint of one deleted is new again.
        expect(await store.deletePushSubscription('sub-1')).toBe(true);
        expect(await store.insertPushSubscription(subscription(3, 'alice', alice1), 2)).toEqual({
          id: 'sub-3',
          created: true,
        });
      });

      it('deletes a subscription with its lease, and says false for one unknown', async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 5);
        await store.insertPushSubscription(subscription(2, 'alice', alice1), 5);
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.deletePushSubscription('sub-1')).toBe(true);
        expect(await store.deletePushSubscription('sub-1')).toBe(false);
        expect(await store.findPushSubscription('sub-1')).toBeUndefined();
        expect((await store.pushSubscriptionsOf('alice')).map((s) => s.id)).toEqual(['sub-2']);
        expect(await store.pushSubscriptionIds()).toEqual(['sub-2']);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 200, ackedId: 9 })).toBe(false);
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(false);
        // Its endpoint can be stored anew.
        expect(await store.insertPushSubscription(subscription(1, 'alice', alice1, { id: 'sub-new' }), 5)).toEqual({
          id: 'sub-new',
          created: true,
        });
        expect(await store.leasePushSubscription('sub-new', 'p2', Date.now(), ttl)).toBe(true);
      });

      it('removes the subscriptions a session made when it ends, and only those', async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 5);
        await store.insertPushSubscription(subscription(2, 'alice', alice2), 5);
        await store.insertPushSubscription(subscription(3, 'alice', alice1), 5);
        await store.insertPushSubscription(subscription(4, 'bob', bob1), 5);
        await store.deleteSession(alice1, 'revoked');
        expect(await store.pushSubscriptionIds()).toEqual(['sub-2', 'sub-4']);
        expect((await store.pushSubscriptionsOf('alice')).map((s) => s.id)).toEqual(['sub-2']);
        expect(await store.findPushSubscription('sub-1')).toBeUndefined();
        // An endpoint of the ended session is new again.
        expect((await store.insertPushSubscription(subscription(1, 'alice', alice2), 5)) as object).toMatchObject({
          created: true,
        });
      });

      it("removes every subscription of a user's sessions when they all end, and no one else's", async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 5);
        await store.insertPushSubscription(subscription(2, 'alice', alice2), 5);
        await store.insertPushSubscription(subscription(3, 'bob', bob1), 5);
        expect(await store.deleteSessionsOf('alice')).toBe(2);
        expect(await store.pushSubscriptionsOf('alice')).toEqual([]);
        expect(await store.pushSubscriptionIds()).toEqual(['sub-3']);
      });

      it('removes every subscription of a deleted user, with its lease', async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 5);
        await store.insertPushSubscription(subscription(2, 'alice', alice2), 5);
        await store.insertPushSubscription(subscription(3, 'bob', bob1), 5);
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.deleteUser('alice')).toBe(true);
        expect(await store.pushSubscriptionIds()).toEqual(['sub-3']);
        expect(await store.findPushSubscription('sub-1')).toBeUndefined();
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 200, ackedId: 9 })).toBe(false);
        await store.insertUser(user('alice'));
        expect(await store.pushSubscriptionsOf('alice')).toEqual([]);
      });
    });

    describe('the lease on a push subscription', () => {
      beforeEach(async () => {
        await store.insertPushSubscription(subscription(1, 'alice', alice1), 5);
      });

      it('is refused for an unknown subscription', async () => {
        expect(await store.leasePushSubscription('nothing', 'p1', Date.now(), ttl)).toBe(false);
        expect(await store.recordPushAttempt('nothing', 'p1', { at: 200, ackedId: 1 })).toBe(false);
        expect(await store.findPushSubscription('nothing')).toBeUndefined();
      });

      it("goes to one holder at a time: another is refused while the first's runs, and records nothing", async () => {
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.leasePushSubscription('sub-1', 'p2', Date.now(), ttl)).toBe(false);
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.recordPushAttempt('sub-1', 'p2', { at: 200, ackedId: 50 })).toBe(false);
        expect(await store.recordPushAttempt('sub-1', 'p2', { at: 200, error: 'HTTP 500' })).toBe(false);
        expect(await store.findPushSubscription('sub-1')).toEqual({ ...subscription(1, 'alice', alice1), failures: 0 });
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 200, ackedId: 8 })).toBe(true);
      });

      it('goes to another holder once it lapsed or was given up, and the first then records nothing', async () => {
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), shortTtl)).toBe(true);
        await sleep(shortTtl + 30);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 200, ackedId: 8 })).toBe(false);
        expect(await store.leasePushSubscription('sub-1', 'p2', Date.now(), ttl)).toBe(true);
        await store.releasePushSubscription('sub-1', 'p1');
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(false);
        await store.releasePushSubscription('sub-1', 'p2');
        expect(await store.recordPushAttempt('sub-1', 'p2', { at: 200, ackedId: 8 })).toBe(false);
        expect(await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl)).toBe(true);
        expect(await store.findPushSubscription('sub-1')).toMatchObject({ ackedId: 7, failures: 0 });
      });

      it('records failures and successes, and never moves the position back', async () => {
        await store.leasePushSubscription('sub-1', 'p1', Date.now(), ttl);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 200, error: 'HTTP 429' })).toBe(true);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 210, error: 'timed out' })).toBe(true);
        expect(await store.findPushSubscription('sub-1')).toEqual({
          ...subscription(1, 'alice', alice1),
          failures: 2,
          lastError: 'timed out',
          lastErrorAt: 210,
        });
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 300, ackedId: 2_000_000_000_000_001 })).toBe(true);
        expect(await store.recordPushAttempt('sub-1', 'p1', { at: 400, ackedId: 3 })).toBe(true);
        expect(await store.findPushSubscription('sub-1')).toEqual({
          ...subscription(1, 'alice', alice1),
          ackedId: 2_000_000_000_000_001,
          lastSuccessAt: 400,
          failures: 0,
          lastError: 'timed out',
          lastErrorAt: 210,
        });
      });
    });

    describe('the VAPID key pair', () => {
      const pair = (n: number) => ({ publicKey: `public-${n}`, privateKey: `private-${n}` });

      it('stores the first pair made and hands it out ever after, making no other', async () => {
        let made = 0;
        const make = () => pair(++made);
        expect(await store.vapidKeys(make)).toEqual(pair(1));
        expect(await store.vapidKeys(make)).toEqual(pair(1));
        expect(made).toBe(1);
      });

      it('hands every caller the same pair when they ask at once', async () => {
        let made = 0;
        const make = () => pair(++made);
        const pairs = await Promise.all([store.vapidKeys(make), store.vapidKeys(make), store.vapidKeys(make)]);
        expect(new Set(pairs.map((p) => JSON.stringify(p))).size).toBe(1);
        expect(await store.vapidKeys(() => pair(99))).toEqual(pairs[0]);
      });
    });
  });
}
