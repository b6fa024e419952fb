import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRef, SearchRequest, Store } from '../../../src/core/ports/index.js';
import { parseQuery } from '../../../src/core/search/search-query.js';
import type { FreshBackend } from './fresh-backend.js';
import { draft, event, fill, user } from './factories.js';

const direct = (peer: string): ConversationRef => ({ kind: 'direct', with: peer });
const group = (name: string, window: { after?: number; through?: number } = {}): ConversationRef => ({
  kind: 'group',
  with: name,
  ...window,
});
const broad: ConversationRef = { kind: 'broadcast', with: 'broad' };

type Ask = Partial<Omit<SearchRequest, 'terms'>> & { q: string; reader: string; conversations: ConversationRef[] };

/** SearchStore: the messages of the conversations and windows it is handed that hold every term, newest first. */
export function searchContract(backend: () => FreshBackend): void {
  describe('search', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    // A budget that holds everything, and one of two messages a page: the same hits either way, found once each
    // (SQLite reads the conversations for the first, and its index for the second).
    describe.each([
      { budget: 5_000, pages: 'in one page' },
      { budget: 2, pages: 'two messages examined a page' },
    ])('$pages', ({ budget }) => {
      /** Every hit of a search, paging on with `next`; each page is checked: newest first, at most `limit`. */
      async function find({ q, ...ask }: Ask): Promise<{ id: number; with: string; text: string }[]> {
        let request: SearchRequest = {
          terms: parseQuery(q, 'q'),
          beforeId: Number.MAX_SAFE_INTEGER,
          afterId: 0,
          limit: 10,
          budget,
          ...ask,
        };
        const hits: { id: number; with: string; text: string }[] = [];
        for (let page = 0; page < 1_000; page++) {
          const { hits: some, next } = await store.searchMessages(request);
          expect(some.length).toBeLessThanOrEqual(request.limit);
          hits.push(...some.map((h) => ({ id: h.message.id, with: h.with, text: h.message.text })));
          if (next === undefined) break;
          expect(next).toBeLessThan(request.beforeId);
          request = { ...request, beforeId: next };
        }
        const ids = hits.map((h) => h.id);
        expect(ids).toEqual([...ids].sort((a, b) => b - a));
        expect(new Set(ids).size).toBe(ids.length);
        return hits;
      }
      const idsFound = async (ask: Ask) => (await find(ask)).map((h) => h.id);

      it('finds words in English, German with umlauts, Japanese and Arabic, ignoring case and Latin accents', async () => {
        const texts = [
          'Meet me at the Station at noon',
          'Schöne Grüße aus MÜNCHEN, bis Übermorgen',
          '明日の会議は東京で行います',
          'مرحبا بالعالم، كيف حالك اليوم',
          'nothing to see here',
        ];
        const ids: number[] = [];
        for (const text of texts) ids.push(await store.appendMessage(draft(['bob'], { text })));
        const ask = (q: string) => idsFound({ q, reader: 'bob', conversations: [direct('alice')] });
        expect(await ask('station')).toEqual([ids[0]]);
        expect(await ask('STATION noon')).toEqual([ids[0]]);
        expect(await ask('grüße')).toEqual([ids[1]]);
        expect(await ask('münchen')).toEqual([ids[1]]);
        expect(await ask('Munchen ubermorgen')).toEqual([ids[1]]);
        expect(await ask('東京')).toEqual([ids[2]]);
        expect(await ask('会議は東京')).toEqual([ids[2]]);
        expect(await ask('بالعالم')).toEqual([ids[3]]);
        expect(await ask('كيف حالك')).toEqual([ids[3]]);
        expect(await ask('"at the station"')).toEqual([ids[0]]);
        expect(await ask('"the noon"')).toEqual([]);
        expect(await ask('station münchen')).toEqual([]);
        expect(await ask('see')).toEqual([ids[4]]);
      });

      it('finds terms shorter than three characters, a single Japanese one too', async () => {
        const ok = await store.appendMessage(draft(['bob'], { text: 'OK, see you' }));
        const cat = await store.appendMessage(draft(['bob'], { text: '猫が好き' }));
        await store.appendMessage(draft(['bob'], { text: 'nothing here' }));
        const ask = (q: string) => idsFound({ q, reader: 'alice', conversations: [direct('bob')] });
        expect(await ask('ok')).toEqual([ok]);
        expect(await ask('猫')).toEqual([cat]);
        expect(await ask('が 猫')).toEqual([cat]);
        expect(await ask('ok see')).toEqual([ok]);
        expect(await ask('x')).toEqual([]);
      });

      it("never returns another pair's direct messages, or a conversation it was not handed", async () => {
        const mine = await store.appendMessage(draft(['bob'], { text: 'the plan is on' }));
        await store.appendMessage(draft(['dora'], { from: 'carol', text: 'the plan is secret' }));
        await store.appendMessage(draft(['carol'], { text: 'the plan for carol' }));
        await store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'the plan, team' }));
        expect(await find({ q: 'plan', reader: 'bob', conversations: [direct('alice')] })).toEqual([
          { id: mine, with: 'alice', text: 'the plan is on' },
        ]);
        expect(await idsFound({ q: 'pl', reader: 'bob', conversations: [direct('alice')] })).toEqual([mine]);
        expect(await idsFound({ q: 'plan', reader: 'bob', conversations: [] })).toEqual([]);
      });

      it('gives a group member what was said from when they joined until they left, and no more', async () => {
        const say = (text: string) =>
          store.appendMessage(draft(['bob', 'carol'], { kind: 'group', group: 'team', text }));
        const before = await say('budget before carol');
        const during = await say('budget while carol is in');
        const left = await say('budget as carol leaves');
        await say('budget after carol');
        const window = group('team', { after: before, through: left });
        for (const q of ['budget', 'bu']) {
          expect(await idsFound({ q, reader: 'carol', conversations: [window] })).toEqual([left, during]);
        }
        expect(await find({ q: 'budget', reader: 'bob', conversations: [group('team')] })).toHaveLength(4);
        expect((await find({ q: 'budget', reader: 'bob', conversations: [group('team')] }))[0]).toMatchObject({
          with: 'team',
        });
      });

      it('gives the broadcasts sent after the reader registered, their own among them', async () => {
        await store.insertUser(user('alice'));
        await store.appendMessage(draft([], { kind: 'broadcast', text: 'welcome, early ones' }));
        await store.insertUser(user('dora'));
        const later = await store.appendMessage(draft([], { kind: 'broadcast', text: 'welcome, dora' }));
        const own = await store.appendMessage(draft([], { kind: 'broadcast', from: 'dora', text: 'welcome me' }));
        for (const q of ['welcome', 'we']) {
          expect(await idsFound({ q, reader: 'dora', conversations: [broad] })).toEqual([own, later]);
          expect(await idsFound({ q, reader: 'alice', conversations: [broad] })).toHaveLength(3);
        }
      });

      it('finds an edited message by its new text only, and a deleted one by nothing', async () => {
        const edited = await store.appendMessage(draft(['bob'], { text: 'lunch at noon' }));
        const deleted = await store.appendMessage(draft(['bob'], { text: 'lunch code 4711' }));
        const edit = event('edited', { of: String(edited), text: 'dinner at eight' }, ['bob', 'alice']);
        await store.editMessage(edited, 'dinner at eight', 2_000, edit);
        await store.deleteMessage(deleted, event('deleted', { of: String(deleted) }, ['bob', 'alice']));
        const ask = (q: string) => idsFound({ q, reader: 'bob', conversations: [direct('alice')] });
        expect(await ask('lunch')).toEqual([]);
        expect(await ask('noon')).toEqual([]);
        expect(await ask('4711')).toEqual([]);
        expect(await ask('dinner')).toEqual([edited]);
        expect(await ask('at')).toEqual([edited]);
      });

      it('forgets what retention removed', async () => {
        const [first, second] = await fill(store, 'bob', 2);
        store.markDelivered('bob', first!);
        await store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batch: 100 });
        for (const q of ['m0', 'm1', 'm']) {
          const ids = await idsFound({ q, reader: 'alice', conversations: [direct('bob')] });
          expect(ids).toEqual(q === 'm0' ? [] : [second]);
        }
      });

      it('narrows to a sender, to ids and to when messages were sent', async () => {
        const ids: number[] = [];
        for (let i = 0; i < 6; i++) {
          const from = i % 2 ? 'bob' : 'alice';
          ids.push(
            await store.appendMessage(
              draft([from === 'bob' ? 'alice' : 'bob'], { from, text: `news ${i}`, sentAt: i * 100 }),
            ),
          );
        }
        const ask = (more: Partial<Ask>) =>
          idsFound({ q: 'news', reader: 'alice', conversations: [direct('bob')], ...more });
        expect(await ask({ from: 'bob' })).toEqual([ids[5], ids[3], ids[1]]);
        expect(await ask({ from: 'carol' })).toEqual([]);
        expect(await ask({ sentFrom: 200, sentBefore: 400 })).toEqual([ids[3], ids[2]]);
        expect(await ask({ sentFrom: 200, from: 'alice' })).toEqual([ids[4], ids[2]]);
        expect(await ask({ beforeId: ids[4]!, afterId: ids[1]! })).toEqual([ids[3], ids[2]]);
      });

      it('reads several conversations as one, newest first, and names the conversation of each hit', async () => {
        const a = await store.appendMessage(draft(['bob'], { text: 'ship it' }));
        const b = await store.appendMessage(
          draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'ship it!' }),
        );
        const c = await store.appendMessage(draft(['alice'], { from: 'carol', text: 'did you ship' }));
        const d = await store.appendMessage(
          draft(['alice', 'carol'], { from: 'bob', kind: 'group', group: 'team', text: 'shipped' }),
        );
        const hits = await find({
          q: 'ship',
          reader: 'alice',
          conversations: [direct('bob'), direct('carol'), group('team'), broad],
        });
        expect(hits.map((h) => [h.id, h.with])).toEqual([
          [d, 'team'],
          [c, 'carol'],
          [b, 'team'],
          [a, 'bob'],
        ]);
      });
    });

    it('merges long conversations read a little at a time, each message once, newest first', async () => {
      const sent: number[] = [];
      for (let i = 0; i < 90; i++) {
        const to = ['bob', 'carol', 'dora'][i % 3 === 0 ? 0 : i % 7 === 0 ? 2 : 1]!;
        sent.push(await store.appendMessage(draft([to], { text: `entry ${i}` })));
      }
      const page = await store.searchMessages({
        reader: 'alice',
        conversations: [direct('bob'), direct('carol'), direct('dora')],
        terms: ['entry'],
        beforeId: Number.MAX_SAFE_INTEGER,
        afterId: 0,
        limit: 100,
        budget: 5_000,
      });
      expect(page.hits.map((h) => h.message.id)).toEqual([...sent].reverse());
      expect(page.next).toBeUndefined();
    });

    it('stops at the limit and goes on from where it stopped, each hit once', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) ids.push(await store.appendMessage(draft(['bob'], { text: `report ${i}` })));
      const request = {
        reader: 'alice',
        conversations: [direct('bob')],
        terms: ['report'],
        beforeId: Number.MAX_SAFE_INTEGER,
        afterId: 0,
        limit: 3,
        budget: 5_000,
      };
      const first = await store.searchMessages(request);
      expect(first.hits.map((h) => h.message.id)).toEqual([ids[6], ids[5], ids[4]]);
      expect(first.next).toBe(ids[4]);
      const second = await store.searchMessages({ ...request, beforeId: first.next! });
      expect(second.hits.map((h) => h.message.id)).toEqual([ids[3], ids[2], ids[1]]);
      const third = await store.searchMessages({ ...request, beforeId: second.next! });
      expect(third.hits.map((h) => h.message.id)).toEqual([ids[0]]);
      expect(third.next).toBeUndefined();
    });

    it('examines no more than its budget, and says where it stopped', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(await store.appendMessage(draft(['bob'], { text: i === 0 ? 'rare' : 'common' })));
      const page = await store.searchMessages({
        reader: 'alice',
        conversations: [direct('bob')],
        terms: ['ra'],
        beforeId: Number.MAX_SAFE_INTEGER,
        afterId: 0,
        limit: 10,
        budget: 3,
      });
      expect(page).toEqual({ hits: [], next: ids[2] });
    });
  });
}
