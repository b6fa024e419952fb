import { beforeEach, describe, expect, it } from 'vitest';
import { ChatError } from '../../../src/core/errors.js';
import { idEpochMs } from '../../../src/core/ids.js';
import { idempotencyKeepMs, type NewMessage, type Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { cursorOf, draft, event, fill, idsOf, rowsOf, textOf, user } from './factories.js';

/**
 * QueueStore: ids, every user's queue merged with the broadcast log, positions, delivery, the queue limit, and
 * what the feed is told of each message.
 */
export function queueAndStreamsContract(backend: () => FreshBackend): void {
  describe('queues and streams', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('an empty store', () => {
      it('has no users, groups, cursors or messages', async () => {
        expect(await store.loadUsers()).toEqual([]);
        expect(await store.loadGroups()).toEqual([]);
        expect(await store.loadCursors()).toEqual([]);
        expect(await store.lastMessageId()).toBe(0);
        expect(await rowsOf(store, 'bob', 0, 10)).toEqual([]);
      });
    });

    describe('idempotency keys', () => {
      it('stores a message once per key of its sender: a retry, whatever it says, gets the first id and stores nothing', async () => {
        const first = await store.appendMessageOnce(draft(['bob'], { text: 'once' }), 'key-1');
        expect(first).toEqual({ id: first.id, replayed: false, sentAt: 1_000 });
        const retry = await store.appendMessageOnce(
          draft(['bob'], { text: 'said differently', sentAt: 2_000 }),
          'key-1',
        );
        // The first send's answer, its sentAt included.
        expect(retry).toEqual({ id: first.id, replayed: true, sentAt: 1_000 });
        expect((await rowsOf(store, 'bob')).map((r) => [r.id, textOf(r)])).toEqual([[first.id, 'once']]);
      });

      it('keeps the keys of different senders apart, and a send without a key is always stored', async () => {
        const alice = await store.appendMessageOnce(draft(['bob']), 'same');
        const carol = await store.appendMessageOnce(draft(['bob'], { from: 'carol' }), 'same');
        const keyless = await store.appendMessage(draft(['bob']));
        expect(carol.replayed).toBe(false);
        expect(new Set([alice.id, carol.id, keyless])).toHaveProperty('size', 3);
        expect(await idsOf(store, 'bob')).toEqual([alice.id, carol.id, keyless]);
      });

      it('replays a broadcast once, one entry in the shared log', async () => {
        await store.insertUser(user('bob'));
        const first = await store.appendMessageOnce(draft([], { kind: 'broadcast', text: 'all' }), 'b');
        expect(await store.appendMessageOnce(draft([], { kind: 'broadcast', text: 'all' }), 'b')).toEqual({
          id: first.id,
          replayed: true,
          sentAt: 1_000,
        });
        expect(await idsOf(store, 'bob')).toEqual([first.id]);
      });

      it('forgets a key once its keep time has passed since the first message was sent', async () => {
        const first = await store.appendMessageOnce(draft(['bob'], { sentAt: 1_000 }), 'k');
        expect(await store.appendMessageOnce(draft(['bob'], { sentAt: 1_000 + idempotencyKeepMs - 1 }), 'k')).toEqual({
          id: first.id,
          replayed: true,
          sentAt: 1_000,
        });
        const later = await store.appendMessageOnce(draft(['bob'], { sentAt: 1_000 + idempotencyKeepMs }), 'k');
        expect(later.replayed).toBe(false);
        expect(later.id).toBeGreaterThan(first.id);
        expect(await store.appendMessageOnce(draft(['bob'], { sentAt: 2_000 + idempotencyKeepMs }), 'k')).toEqual({
          id: later.id,
          replayed: true,
          sentAt: 1_000 + idempotencyKeepMs,
        });
      });
    });

    describe('messages', () => {
      it('assigns strictly increasing ids in call order and resolves concurrent appends in that order', async () => {
        const resolved: number[] = [];
        const calls = Array.from({ length: 50 }, (_, i) =>
          store.appendMessage(draft([i % 2 ? 'bob' : 'carol'], { text: `t${i}` })).then((id) => {
            resolved.push(id);
            return id;
          }),
        );
        const ids = await Promise.all(calls);
        for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
        expect(resolved).toEqual(ids);
        expect(await store.lastMessageId()).toBe(ids[ids.length - 1]);
      });

      it('assigns ids from the clock: the microseconds since 2020 at the append, or one more than the last id', async () => {
        const before = (Date.now() - idEpochMs) * 1000;
        const ids = await fill(store, 'bob', 20);
        const after = (Date.now() - idEpochMs) * 1000;
        // A millisecond either way: the JavaScript clock counts whole milliseconds, Redis's counts microseconds.
        expect(ids[0]).toBeGreaterThanOrEqual(before - 1000);
        expect(ids[19]).toBeLessThanOrEqual(after + 1000 + 20);
        for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
        expect(ids.every(Number.isSafeInteger)).toBe(true);
      });

      it('stores a message for every recipient with all its fields', async () => {
        const id = await store.appendMessage(
          draft(['bob', 'carol', 'dave'], { kind: 'group', group: 'team', text: 'hi all', sentAt: 42 }),
        );
        for (const to of ['bob', 'carol', 'dave']) {
          expect(await rowsOf(store, to, 0, 10)).toEqual([
            { id, from: 'alice', to, kind: 'group', group: 'team', text: 'hi all', sentAt: 42 },
          ]);
        }
        expect(await rowsOf(store, 'alice', 0, 10)).toEqual([]);
      });

      it('keeps the bot mark and display name of a message wherever it is read, and neither key when unset', async () => {
        await store.insertUser(user('bob'));
        const marked = await store.appendMessage(
          draft(['bob'], { bot: true, displayName: 'CI \u00e9 "builds"', sentAt: 7 }),
        );
        const named = await store.appendMessage(draft(['bob'], { displayName: '', sentAt: 8 }));
        const plain = await store.appendMessage(draft(['bob'], { sentAt: 9 }));
        const broadcast = await store.appendMessage(
          draft([], { kind: 'broadcast', from: 'helper', bot: true, displayName: 'Status', sentAt: 10 }),
        );
        const marks = { bot: true, displayName: 'CI \u00e9 "builds"' };
        const base = { from: 'alice', kind: 'direct', text: 'hello' } as const;
        const fromHelper = {
          from: 'helper',
          kind: 'broadcast',
          text: 'hello',
          bot: true,
          displayName: 'Status',
        } as const;
        expect(await rowsOf(store, 'bob')).toEqual([
          { ...base, ...marks, id: marked, sentAt: 7, to: 'bob' },
          { ...base, displayName: '', id: named, sentAt: 8, to: 'bob' },
          { ...base, id: plain, sentAt: 9, to: 'bob' },
          { ...fromHelper, id: broadcast, sentAt: 10, to: 'bob' },
        ]);
        const [, , plainRow] = await rowsOf(store, 'bob');
        expect(plainRow).not.toHaveProperty('bot');
        expect(plainRow).not.toHaveProperty('displayName');
        expect(await store.findMessage(marked)).toEqual({ ...base, ...marks, id: marked, sentAt: 7, to: 'bob' });
        expect(await store.findMessage(plain)).toEqual({ ...base, id: plain, sentAt: 9, to: 'bob' });
        expect(await store.findMessage(broadcast)).toEqual({ ...fromHelper, id: broadcast, sentAt: 10 });
        expect(
          await store.readConversation('bob', { kind: 'direct', with: 'alice' }, Number.MAX_SAFE_INTEGER, 10),
        ).toEqual([
          { ...base, id: plain, sentAt: 9 },
          { ...base, displayName: '', id: named, sentAt: 8 },
          { ...base, ...marks, id: marked, sentAt: 7 },
        ]);
        expect(
          await store.readConversation('bob', { kind: 'broadcast', with: 'broad' }, Number.MAX_SAFE_INTEGER, 10),
        ).toEqual([{ ...fromHelper, id: broadcast, sentAt: 10 }]);
        const group = await store.appendMessage(
          draft(['bob'], { kind: 'group', group: 'team', bot: true, sentAt: 11 }),
        );
        expect(
          await store.readConversation('bob', { kind: 'group', with: 'team' }, Number.MAX_SAFE_INTEGER, 10),
        ).toEqual([{ from: 'alice', kind: 'group', group: 'team', text: 'hello', bot: true, id: group, sentAt: 11 }]);
      });

      it('keeps text exactly, including newlines, quotes and non-ASCII characters', async () => {
        const text = 'line one\nline "two"\r\n\u00e9\u4e2d\ud83d\ude00 \\ end';
        await store.appendMessage(draft(['bob'], { text }));
        expect(textOf((await rowsOf(store, 'bob', 0, 1))[0]!)).toBe(text);
      });

      it('gives a message with no recipients an id all the same', async () => {
        const first = await store.appendMessage(draft([], { kind: 'broadcast' }));
        const second = await store.appendMessage(draft(['bob']));
        expect(second).toBeGreaterThan(first);
        expect(await store.lastMessageId()).toBe(second);
      });

      it('pages through a queue after a position, oldest first', async () => {
        const ids = await fill(store, 'bob', 7);
        await store.appendMessage(draft(['carol']));
        expect(await idsOf(store, 'bob', 0, 3)).toEqual(ids.slice(0, 3));
        expect(await idsOf(store, 'bob', ids[2]!, 3)).toEqual(ids.slice(3, 6));
        expect(await idsOf(store, 'bob', ids[5]!, 3)).toEqual(ids.slice(6));
        expect(await rowsOf(store, 'bob', ids[6]!, 3)).toEqual([]);
      });
    });

    describe('cursors', () => {
      it('counts what waits for a recipient who never had a stream', async () => {
        await fill(store, 'bob', 3);
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: 0, prunedId: 0, pending: 3 });
      });

      it('moves the delivered position forward only', async () => {
        const ids = await fill(store, 'bob', 5);
        store.markDelivered('bob', ids[3]!);
        store.markDelivered('bob', ids[1]!);
        expect(await cursorOf(store, 'bob')).toEqual({ name: 'bob', deliveredId: ids[3], prunedId: 0, pending: 1 });
      });

      it('keeps the delivered position of a user with nothing queued', async () => {
        store.markDelivered('erin', 7);
        expect(await cursorOf(store, 'erin')).toEqual({ name: 'erin', deliveredId: 7, prunedId: 0, pending: 0 });
      });

      it('counts no event as pending, and prunes delivered events like messages', async () => {
        await store.insertUser(user('bob'));
        const m = await store.appendMessage(draft(['bob'], { sentAt: 1 }));
        const r = await store.markRead(
          'bob',
          { kind: 'direct', with: 'alice' },
          m,
          event('read', { upTo: String(m) }, ['bob'], 2),
        );
        expect(await cursorOf(store, 'bob')).toMatchObject({ pending: 1 });
        store.markDelivered('bob', m);
        expect(await cursorOf(store, 'bob')).toMatchObject({ pending: 0 });
        store.markDelivered('bob', r);
        expect(await store.prune({ olderThan: 10, batch: 10 })).toEqual({ removed: 2 });
        expect(await store.readQueue('bob', 0, 10)).toEqual({ rows: [], prunedId: r });
      });

      it('says where delivery stands: 0, then the newest position marked, written or not, never one further back', async () => {
        const ids = await fill(store, 'bob', 3);
        expect(await store.deliveredId('bob')).toBe(0);
        expect(await store.deliveredId('nobody')).toBe(0);
        store.markDelivered('bob', ids[1]!);
        expect(await store.deliveredId('bob')).toBe(ids[1]);
        store.markDelivered('bob', ids[0]!);
        expect(await store.deliveredId('bob')).toBe(ids[1]);
        store.markDelivered('bob', ids[2]!);
        // Written now, whatever the backend coalesced.
        await store.loadCursors();
        expect(await store.deliveredId('bob')).toBe(ids[2]);
        store.markDelivered('bob', ids[0]!);
        expect(await store.deliveredId('bob')).toBe(ids[2]);
      });

      it('totals what waits for every user: direct and group messages not yet delivered, no broadcast or event', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        expect(await store.pendingTotal()).toBe(0);
        const [first] = await fill(store, 'bob', 2);
        const shared = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team' }));
        await store.appendMessage(draft([], { kind: 'broadcast' }));
        await store.markRead(
          'carol',
          { kind: 'group', with: 'team' },
          shared,
          event('read', { upTo: String(shared) }, ['carol']),
        );
        expect(await store.pendingTotal()).toBe(4);
        store.markDelivered('bob', first!);
        expect(await store.pendingTotal()).toBe(3);
        store.markDelivered('carol', shared);
        expect(await store.pendingTotal()).toBe(2);
      });
    });

    describe('the broadcast log', () => {
      it('gives every registered user a broadcast once, merged by id with their own queue, but not its sender', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        const d1 = await store.appendMessage(draft(['bob']));
        const b1 = await store.appendMessage(draft([], { kind: 'broadcast', text: 'to all', sentAt: 7 }));
        const d2 = await store.appendMessage(draft(['bob'], { from: 'carol' }));
        expect(await idsOf(store, 'bob')).toEqual([d1, b1, d2]);
        expect(await rowsOf(store, 'carol')).toEqual([
          { id: b1, from: 'alice', to: 'carol', kind: 'broadcast', text: 'to all', sentAt: 7 },
        ]);
        expect(await rowsOf(store, 'alice')).toEqual([]);
      });

      it('gives a user registered after a broadcast only the later ones', async () => {
        await store.insertUser(user('alice'));
        await store.insertUser(user('bob'));
        await store.appendMessage(draft([], { kind: 'broadcast', text: 'before' }));
        await store.insertUser(user('dora'));
        const later = await store.appendMessage(draft([], { kind: 'broadcast', text: 'after' }));
        expect(await idsOf(store, 'dora')).toEqual([later]);
        expect((await rowsOf(store, 'bob')).map(textOf)).toEqual(['before', 'after']);
      });

      it('pages through queue and log together, a page at a time, from any position', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const ids: number[] = [];
        for (let i = 0; i < 12; i++) {
          ids.push(
            await store.appendMessage(
              draft(i % 3 === 0 ? [] : ['bob'], { kind: i % 3 === 0 ? 'broadcast' : 'direct', text: `m${i}` }),
            ),
          );
        }
        const read: number[] = [];
        let after = 0;
        for (;;) {
          const page = await idsOf(store, 'bob', after, 5);
          read.push(...page);
          if (page.length < 5) break;
          after = page[page.length - 1]!;
        }
        expect(read).toEqual(ids);
        expect(await idsOf(store, 'bob', ids[6]!, 3)).toEqual(ids.slice(7, 10));
      });

      it('counts only direct and group messages as pending', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        await store.appendMessage(draft([], { kind: 'broadcast' }));
        await store.appendMessage(draft(['bob']));
        expect(await cursorOf(store, 'bob')).toMatchObject({ deliveredId: 0, pending: 1 });
      });
    });

    describe('positions', () => {
      it('knows 0, every retained id a user reads or sent, and nothing else', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        const direct = await store.appendMessage(draft(['bob']));
        const toCarol = await store.appendMessage(draft(['carol']));
        const broadcast = await store.appendMessage(draft([], { kind: 'broadcast' }));
        const ownBroadcast = await store.appendMessage(draft([], { kind: 'broadcast', from: 'bob' }));
        const ownDirect = await store.appendMessage(draft(['carol'], { from: 'bob' }));
        const ownGroup = await store.appendMessage(
          draft(['alice', 'carol'], { from: 'bob', kind: 'group', group: 'team' }),
        );
        expect(await store.knowsPosition('bob', 0)).toBe(true);
        expect(await store.knowsPosition('bob', direct)).toBe(true);
        expect(await store.knowsPosition('bob', broadcast)).toBe(true);
        // What bob sent: his history and his other devices show it, so a device may resume from it.
        for (const own of [ownBroadcast, ownDirect, ownGroup]) expect(await store.knowsPosition('bob', own)).toBe(true);
        // Ids it gave others, ids between, ids beyond, and users it never had.
        expect(await store.knowsPosition('bob', toCarol)).toBe(false);
        expect(await store.knowsPosition('alice', ownDirect)).toBe(false);
        expect(await store.knowsPosition('bob', direct + 1 === toCarol ? direct - 1 : direct + 1)).toBe(false);
        expect(await store.knowsPosition('bob', ownGroup + 1)).toBe(false);
        expect(await store.knowsPosition('nobody', direct)).toBe(false);
      });

      it('knows the ids retention removed, up to the pruned position', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const ids = await fill(store, 'bob', 3);
        const broadcast = await store.appendMessage(draft([], { kind: 'broadcast' }));
        store.markDelivered('bob', broadcast);
        store.markDelivered('alice', broadcast);
        await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 100 });
        expect(await idsOf(store, 'bob')).toEqual([]);
        for (const id of [...ids, broadcast]) expect(await store.knowsPosition('bob', id)).toBe(true);
        expect(await store.knowsPosition('bob', broadcast + 1)).toBe(false);
      });

      it('knows the position of an event as it knows a message', async () => {
        await store.insertUser(user('bob'));
        const m = await store.appendMessage(draft(['bob']));
        const r = await store.markRead(
          'bob',
          { kind: 'direct', with: 'alice' },
          m,
          event('read', { upTo: String(m) }, ['bob']),
        );
        expect(await store.knowsPosition('bob', r)).toBe(true);
        expect(await store.knowsPosition('bob', r + 1)).toBe(false);
      });
    });

    describe('the queue limit', () => {
      /** A message refused while a recipient has two undelivered. */
      const limited = (recipients: string[], overrides: Partial<NewMessage> = {}) =>
        draft(recipients, { queueLimit: 2, ...overrides });
      const refusedFor = (...names: string[]) => ({
        code: 'queue_full',
        message: expect.stringMatching(new RegExp(names.map((n) => `\\b${n}\\b`).join('.*'))),
      });
      const direct = { kind: 'direct' as const, with: 'alice' };

      it('refuses a message to a recipient with the limit undelivered, naming them, and stores nothing', async () => {
        const waiting = [
          await store.appendMessage(draft(['bob'])),
          await store.appendMessage(draft(['bob'], { kind: 'group', group: 'team' })),
        ];
        const refused = store.appendMessage(limited(['bob'], { text: 'one too many' }));
        await expect(refused).rejects.toBeInstanceOf(ChatError);
        await expect(refused).rejects.toMatchObject(refusedFor('bob'));
        // Its id may have been spent, but nothing was stored.
        expect(await idsOf(store, 'bob')).toEqual(waiting);
        expect(await cursorOf(store, 'bob')).toMatchObject({ pending: 2 });
        expect((await store.readConversation('bob', direct, Number.MAX_SAFE_INTEGER, 10)).map((m) => m.id)).toEqual(
          waiting.slice(0, 1),
        );
      });

      it('stores a message to several recipients for all or none: one full queue refuses it for everyone', async () => {
        await fill(store, 'carol', 2);
        const refused = store.appendMessage(
          limited(['bob', 'carol', 'dave'], { kind: 'group', group: 'team', text: 'to all' }),
        );
        await expect(refused).rejects.toMatchObject(refusedFor('carol'));
        await expect(refused).rejects.not.toMatchObject(refusedFor('bob'));
        for (const name of ['bob', 'dave']) {
          expect(await rowsOf(store, name)).toEqual([]);
          expect(await cursorOf(store, name)).toBeUndefined();
        }
        expect((await rowsOf(store, 'carol')).map(textOf)).toEqual(['m0', 'm1']);
        for (const reader of ['alice', 'bob', 'carol', 'dave']) {
          expect(
            await store.readConversation(reader, { kind: 'group', with: 'team' }, Number.MAX_SAFE_INTEGER, 10),
          ).toEqual([]);
        }
        // Every full queue is named.
        await fill(store, 'bob', 2);
        await expect(store.appendMessage(limited(['bob', 'carol', 'dave']))).rejects.toMatchObject(
          refusedFor('bob', 'carol'),
        );
      });

      it('lets the next message in once delivery makes room, counting the newest position marked, written or not', async () => {
        const [first, second] = await fill(store, 'bob', 2);
        await expect(store.appendMessage(limited(['bob']))).rejects.toMatchObject(refusedFor('bob'));
        store.markDelivered('bob', first!);
        const third = await store.appendMessage(limited(['bob']));
        await expect(store.appendMessage(limited(['bob']))).rejects.toMatchObject(refusedFor('bob'));
        store.markDelivered('bob', third);
        const fourth = await store.appendMessage(limited(['bob']));
        const fifth = await store.appendMessage(limited(['bob']));
        expect(await idsOf(store, 'bob', first)).toEqual([second, third, fourth, fifth]);
      });

      it('counts no event and no broadcast, and never refuses either', async () => {
        for (const name of ['alice', 'bob']) await store.insertUser(user(name));
        const m = await store.appendMessage(draft(['bob']));
        const r = await store.markRead('bob', direct, m, event('read', { upTo: String(m) }, ['bob']));
        const b = await store.appendMessage(limited([], { kind: 'broadcast' }));
        // One message waits: the event and the broadcast leave room for a second.
        const second = await store.appendMessage(limited(['bob']));
        await expect(store.appendMessage(limited(['bob']))).rejects.toMatchObject(refusedFor('bob'));
        // Full, yet an event and a broadcast still reach the queue.
        const r2 = await store.markRead('bob', direct, second, event('read', { upTo: String(second) }, ['bob']));
        const b2 = await store.appendMessage(limited([], { kind: 'broadcast' }));
        expect(await idsOf(store, 'bob')).toEqual([m, r, b, second, r2, b2]);
      });

      it('answers a key replayed with the first id even when the queue is full now, and remembers no key it refused', async () => {
        const first = await store.appendMessageOnce(limited(['bob'], { text: 'once' }), 'key-1');
        await store.appendMessage(limited(['bob']));
        await expect(store.appendMessage(limited(['bob']))).rejects.toMatchObject(refusedFor('bob'));
        expect(await store.appendMessageOnce(limited(['bob'], { text: 'once' }), 'key-1')).toEqual({
          id: first.id,
          replayed: true,
          sentAt: 1_000,
        });
        await expect(store.appendMessageOnce(limited(['bob']), 'key-2')).rejects.toMatchObject(refusedFor('bob'));
        store.markDelivered('bob', first.id);
        const later = await store.appendMessageOnce(limited(['bob']), 'key-2');
        expect(later.replayed).toBe(false);
        expect(later.id).toBeGreaterThan(first.id);
      });
    });

    describe('the feed', () => {
      it('is told each message stored by the time its append resolves, with its recipients; a broadcast with none', async () => {
        const feed = await backend().listen();
        const d = await store.appendMessage(draft(['bob'], { text: 'hi', sentAt: 7 }));
        const told = [
          {
            kind: 'message',
            message: { id: d, from: 'alice', kind: 'direct', text: 'hi', sentAt: 7 },
            recipients: ['bob'],
          },
        ];
        expect(await feed.told(1)).toEqual(told);
        const g = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team' }));
        expect(await feed.told(2)).toEqual([
          ...told,
          {
            kind: 'message',
            message: { id: g, from: 'alice', kind: 'group', group: 'team', text: 'hello', sentAt: 1_000 },
            recipients: ['bob', 'carol'],
          },
        ]);
        const b = await store.appendMessage(draft([], { kind: 'broadcast', text: 'all' }));
        expect((await feed.told(3))[2]).toEqual({
          kind: 'message',
          message: { id: b, from: 'alice', kind: 'broadcast', text: 'all', sentAt: 1_000 },
          recipients: [],
        });
        const once = await store.appendMessageOnce(draft(['carol'], { text: 'once' }), 'k');
        expect((await feed.told(4))[3]).toEqual({
          kind: 'message',
          message: { id: once.id, from: 'alice', kind: 'direct', text: 'once', sentAt: 1_000 },
          recipients: ['carol'],
        });
      });

      it("is told a message's bot mark and display name, and neither for a message without them", async () => {
        const feed = await backend().listen();
        const marked = await store.appendMessage(draft(['bob'], { bot: true, displayName: 'Deploys', sentAt: 7 }));
        const plain = await store.appendMessage(draft(['bob'], { sentAt: 8 }));
        const broadcast = await store.appendMessage(
          draft([], { kind: 'broadcast', from: 'helper', bot: true, displayName: 'Status', sentAt: 9 }),
        );
        expect(await feed.told(3)).toEqual([
          {
            kind: 'message',
            message: {
              id: marked,
              from: 'alice',
              bot: true,
              displayName: 'Deploys',
              kind: 'direct',
              text: 'hello',
              sentAt: 7,
            },
            recipients: ['bob'],
          },
          {
            kind: 'message',
            message: { id: plain, from: 'alice', kind: 'direct', text: 'hello', sentAt: 8 },
            recipients: ['bob'],
          },
          {
            kind: 'message',
            message: {
              id: broadcast,
              from: 'helper',
              bot: true,
              displayName: 'Status',
              kind: 'broadcast',
              text: 'hello',
              sentAt: 9,
            },
            recipients: [],
          },
        ]);
        const second = feed.events[1];
        expect(second?.kind === 'message' && second.message).not.toHaveProperty('bot');
        expect(second?.kind === 'message' && second.message).not.toHaveProperty('displayName');
      });

      it('is told nothing of a key replayed or of a message refused, for any of its recipients', async () => {
        await store.appendMessageOnce(draft(['bob']), 'k');
        await store.appendMessage(draft(['bob']));
        const feed = await backend().listen();
        expect((await store.appendMessageOnce(draft(['bob']), 'k')).replayed).toBe(true);
        await expect(
          store.appendMessage(draft(['carol', 'bob'], { queueLimit: 2, kind: 'group', group: 'team' })),
        ).rejects.toMatchObject({ code: 'queue_full' });
        const next = await store.appendMessage(draft(['carol'], { text: 'next' }));
        expect(await feed.told(1)).toEqual([
          {
            kind: 'message',
            message: { id: next, from: 'alice', kind: 'direct', text: 'next', sentAt: 1_000 },
            recipients: ['carol'],
          },
        ]);
      });
    });
  });
}
