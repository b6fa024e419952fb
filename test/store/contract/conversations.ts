import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { draft, event, fill, idsOf, user } from './factories.js';

/** ConversationStore: history by conversation, newest first, and read marks. */
export function conversationsContract(backend: () => FreshBackend): void {
  describe('conversations', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('history', () => {
      const direct = (peer: string) => ({ kind: 'direct' as const, with: peer });
      const broad = { kind: 'broadcast' as const, with: 'broad' as const };
      const ids = (messages: { id: number }[]) => messages.map((m) => m.id);

      it('reads the direct messages between two users both ways, newest first, by position', async () => {
        const a1 = await store.appendMessage(draft(['bob'], { text: 'a1' }));
        await store.appendMessage(draft(['carol'], { text: 'to carol' }));
        const b1 = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'b1' }));
        const a2 = await store.appendMessage(draft(['bob'], { text: 'a2' }));
        expect(ids(await store.readConversation('alice', direct('bob'), Number.MAX_SAFE_INTEGER, 10))).toEqual([
          a2,
          b1,
          a1,
        ]);
        expect(await store.readConversation('bob', direct('alice'), Number.MAX_SAFE_INTEGER, 10)).toEqual(
          await store.readConversation('alice', direct('bob'), Number.MAX_SAFE_INTEGER, 10),
        );
        expect(ids(await store.readConversation('alice', direct('bob'), a2, 1))).toEqual([b1]);
        expect(ids(await store.readConversation('alice', direct('bob'), a1, 10))).toEqual([]);
        expect((await store.readConversation('bob', direct('alice'), b1, 10))[0]).toEqual({
          id: a1,
          from: 'alice',
          kind: 'direct',
          text: 'a1',
          sentAt: 1_000,
        });
        expect((await store.directPeers('alice')).sort()).toEqual(['bob', 'carol']);
        expect(await store.directPeers('carol')).toEqual(['alice']);
      });

      it('reads every message of a group, its senders own included', async () => {
        const g = { kind: 'group' as const, with: 'team' };
        const one = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'one' }));
        const two = await store.appendMessage(
          draft(['alice', 'carol'], { from: 'bob', kind: 'group', group: 'team', text: 'two' }),
        );
        await store.appendMessage(draft(['bob'], { kind: 'group', group: 'other' }));
        expect(ids(await store.readConversation('alice', g, Number.MAX_SAFE_INTEGER, 10))).toEqual([two, one]);
        expect((await store.readConversation('carol', g, Number.MAX_SAFE_INTEGER, 10))[0]).toMatchObject({
          group: 'team',
          from: 'bob',
        });
      });

      it('reads the broadcasts a user sent or could read', async () => {
        await store.insertUser(user('alice'));
        const before = await store.appendMessage(draft([], { kind: 'broadcast', text: 'before dora' }));
        await store.insertUser(user('dora'));
        const after = await store.appendMessage(draft([], { kind: 'broadcast', text: 'after dora' }));
        const own = await store.appendMessage(draft([], { kind: 'broadcast', from: 'dora', text: 'from dora' }));
        expect(ids(await store.readConversation('alice', broad, Number.MAX_SAFE_INTEGER, 10))).toEqual([
          own,
          after,
          before,
        ]);
        expect(ids(await store.readConversation('dora', broad, Number.MAX_SAFE_INTEGER, 10))).toEqual([own, after]);
      });

      it('gives a group member the history from when they joined, and a former member the history until they left', async () => {
        const g = { kind: 'group' as const, with: 'team' };
        const m1 = await store.appendMessage(draft(['bob'], { kind: 'group', group: 'team', text: 'one' }));
        const m2 = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'two' }));
        const m3 = await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'three' }));
        const read = (ref: typeof g & { after?: number; through?: number }) =>
          store.readConversation('carol', ref, Number.MAX_SAFE_INTEGER, 10);
        expect((await read({ ...g, after: m1 })).map((m) => m.id)).toEqual([m3, m2]);
        expect((await read({ ...g, after: m1, through: m2 })).map((m) => m.id)).toEqual([m2]);
        expect(await store.summarize('carol', { ...g, after: m1, through: m2 })).toMatchObject({
          unread: 1,
          last: { id: m2 },
        });
      });

      it('forgets what retention removed', async () => {
        const [first, second] = await fill(store, 'bob', 2);
        store.markDelivered('bob', first!);
        await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 100 });
        expect(ids(await store.readConversation('alice', direct('bob'), Number.MAX_SAFE_INTEGER, 10))).toEqual([
          second,
        ]);
      });
    });

    describe('read marks', () => {
      const direct = (peer: string) => ({ kind: 'direct' as const, with: peer });
      const broad = { kind: 'broadcast' as const, with: 'broad' as const };

      it('summarizes a conversation: its last message, and unread messages from others after the read mark', async () => {
        const a1 = await store.appendMessage(draft(['bob'], { text: 'a1' }));
        const a2 = await store.appendMessage(draft(['bob'], { text: 'a2' }));
        const b1 = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'b1' }));
        expect(await store.summarize('bob', direct('alice'))).toEqual({
          last: expect.objectContaining({ id: b1 }),
          unread: 2,
          readId: 0,
        });
        expect(await store.summarize('alice', direct('bob'))).toMatchObject({ unread: 1, readId: 0 });
        await store.markRead('bob', direct('alice'), a1);
        await store.markRead('bob', direct('alice'), 0);
        expect(await store.summarize('bob', direct('alice'))).toMatchObject({ unread: 1, readId: a1 });
        await store.markRead('bob', direct('alice'), a2);
        expect(await store.summarize('bob', direct('alice'))).toMatchObject({ unread: 0, readId: a2 });
        expect(await store.summarize('bob', { kind: 'group', with: 'nothing' })).toEqual({ unread: 0, readId: 0 });
      });

      it('counts unread broadcasts from after the user registered', async () => {
        await store.insertUser(user('alice'));
        await store.appendMessage(draft([], { kind: 'broadcast' }));
        await store.insertUser(user('dora'));
        const later = await store.appendMessage(draft([], { kind: 'broadcast' }));
        await store.appendMessage(draft([], { kind: 'broadcast', from: 'dora' }));
        expect(await store.summarize('dora', broad)).toMatchObject({ unread: 1 });
        await store.markRead('dora', broad, later);
        expect(await store.summarize('dora', broad)).toMatchObject({ unread: 0, readId: later });
      });

      it("counts no tombstone as unread, for the recipient, and none of the sender's own either", async () => {
        const kept = await store.appendMessage(draft(['bob'], { text: 'stays' }));
        const gone = await store.appendMessage(draft(['bob'], { text: 'goes' }));
        const reply = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'reply' }));
        const mine = await store.appendMessage(draft(['alice'], { from: 'bob', text: 'mine, taken back' }));
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ unread: 2 });
        await store.deleteMessage(gone, event('deleted', { of: String(gone) }, ['bob', 'alice']));
        await store.deleteMessage(mine, event('deleted', { of: String(mine) }, ['bob', 'alice']));
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ unread: 1 });
        expect(await store.summarize('alice', { kind: 'direct', with: 'bob' })).toMatchObject({ unread: 1 });
        await store.markRead('bob', { kind: 'direct', with: 'alice' }, kept);
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({ unread: 0 });
        expect(reply).toBeGreaterThan(kept);
      });

      it('appends a read mark for the reader alone, in the same step as the mark', async () => {
        const id = await store.appendMessage(draft(['bob'], { text: 'hi' }));
        const read = event('read', { with: 'alice', upTo: String(id) }, ['bob']);
        const r = await store.markRead('bob', { kind: 'direct', with: 'alice' }, id, read);
        expect(r).toBeGreaterThan(id);
        expect(await store.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({
          readId: id,
          unread: 0,
        });
        expect(await idsOf(store, 'bob')).toEqual([id, r]);
        expect(await idsOf(store, 'alice')).toEqual([]);
        expect(await store.markRead('bob', { kind: 'direct', with: 'alice' }, id)).toBe(0);
      });

      it('tells the feed the event of a read mark, for the reader alone, by the time the mark resolves; nothing for a mark without one', async () => {
        const id = await store.appendMessage(draft(['bob']));
        const feed = await backend().listen();
        expect(await store.markRead('bob', direct('alice'), id)).toBe(0);
        const read = event('read', { with: 'alice', upTo: String(id) }, ['bob']);
        const r = await store.markRead('bob', direct('alice'), id, read);
        expect(await feed.told(1)).toEqual([
          { kind: 'event', event: { id: r, type: 'read', json: read.json, at: 5_000 }, recipients: ['bob'] },
        ]);
      });
    });
  });
}
