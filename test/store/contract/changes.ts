import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { draft, event, idsOf, rowsOf } from './factories.js';

/** ChangeStore: edits and deletions of stored messages, each an event in the order of everything else. */
export function changesContract(backend: () => FreshBackend): void {
  describe('changes', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('edits and deletions', () => {
      it('edits a message in place and appends the edit for its recipients', async () => {
        const id = await store.appendMessage(draft(['bob'], { text: 'helo' }));
        const edit = event('edited', { of: String(id), text: 'hello' }, ['bob', 'alice'], 2_000);
        const e = await store.editMessage(id, 'hello', 2_000, edit);
        expect(e).toBeGreaterThan(id);
        expect(await store.findMessage(id)).toEqual({
          id,
          from: 'alice',
          to: 'bob',
          kind: 'direct',
          text: 'hello',
          sentAt: 1_000,
          editedAt: 2_000,
        });
        const rows = await rowsOf(store, 'bob');
        expect(rows[0]).toMatchObject({ id, text: 'hello', editedAt: 2_000 });
        expect(rows[1]).toEqual({ id: e, type: 'edited', json: edit.json, at: 2_000, to: 'bob' });
        expect(await idsOf(store, 'alice')).toEqual([e]);
        expect(await store.editMessage(id + 1_000_000, 'x', 2_000, edit)).toBeUndefined();
      });

      it('deletes a message: a tombstone stays, its text and the texts of its edits are gone, it cannot be edited again', async () => {
        const id = await store.appendMessage(draft(['bob'], { text: 'secret one' }));
        const edit = event('edited', { of: String(id), text: 'secret two' }, ['bob', 'alice']);
        const e = (await store.editMessage(id, 'secret two', 2_000, edit))!;
        const deletion = event('deleted', { of: String(id) }, ['bob', 'alice']);
        const d = (await store.deleteMessage(id, deletion))!;
        expect(d).toBeGreaterThan(e);
        expect(await store.findMessage(id)).toMatchObject({ id, deleted: true, text: '' });
        const rows = await rowsOf(store, 'bob');
        expect(rows.map((r) => r.id)).toEqual([id, e, d]);
        expect(rows[0]).toMatchObject({ id, deleted: true, text: '' });
        expect(rows[1]).toEqual({ id: e, type: 'deleted', json: deletion.json, at: 5_000, to: 'bob' });
        expect(JSON.stringify(rows)).not.toContain('secret');
        expect(
          JSON.stringify(
            await store.readConversation('bob', { kind: 'direct', with: 'alice' }, Number.MAX_SAFE_INTEGER, 10),
          ),
        ).not.toContain('secret');
        expect(await store.editMessage(id, 'again', 3_000, edit)).toBeUndefined();
        expect(await store.deleteMessage(id, deletion)).toBeUndefined();
        expect(await idsOf(store, 'bob')).toEqual([id, e, d]);
      });

      it('tells the feed each edit and deletion by the time it resolves, for the recipients of its event, and nothing of one refused', async () => {
        const id = await store.appendMessage(draft(['bob'], { text: 'helo' }));
        const feed = await backend().listen();
        const edit = event('edited', { of: String(id), text: 'hello' }, ['bob', 'alice'], 2_000);
        const e = await store.editMessage(id, 'hello', 2_000, edit);
        const told = [
          { kind: 'event', event: { id: e, type: 'edited', json: edit.json, at: 2_000 }, recipients: ['bob', 'alice'] },
        ];
        expect(await feed.told(1)).toEqual(told);
        const deletion = event('deleted', { of: String(id) }, ['bob', 'alice']);
        const d = await store.deleteMessage(id, deletion);
        told.push({
          kind: 'event',
          event: { id: d, type: 'deleted', json: deletion.json, at: 5_000 },
          recipients: ['bob', 'alice'],
        });
        expect(await feed.told(2)).toEqual(told);
        expect(await store.editMessage(id, 'again', 3_000, edit)).toBeUndefined();
        expect(await store.deleteMessage(id, deletion)).toBeUndefined();
        const next = await store.appendMessage(draft(['bob'], { text: 'next' }));
        expect((await feed.told(3)).slice(2)).toEqual([
          {
            kind: 'message',
            message: { id: next, from: 'alice', kind: 'direct', text: 'next', sentAt: 1_000 },
            recipients: ['bob'],
          },
        ]);
      });
    });
  });
}
