import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import type { FreshBackend } from './fresh-backend.js';
import { draft, event, group, idsOf, rowsOf, textOf, user } from './factories.js';

/** GroupStore: named groups, their members, and their changes as events. */
export function groupsContract(backend: () => FreshBackend): void {
  describe('groups', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('members', () => {
      const team = (members: string[]) => ({ ...group('team', members), createdBy: 'alice', owner: 'alice' });
      const asc = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

      it('keeps a group with its members in order', async () => {
        expect(await store.insertGroup(group('team', ['carol', 'alice', 'bob']))).toBe(0);
        expect(await store.loadGroups()).toEqual([group('team', ['carol', 'alice', 'bob'])]);
      });

      it('appends a group event with the next id, merged in id order with messages, for everyone it concerns', async () => {
        for (const name of ['alice', 'bob', 'carol']) await store.insertUser(user(name));
        const created = event('group', { change: 'created' }, ['alice', 'bob']);
        const c = await store.insertGroup(team(['alice', 'bob']), created);
        expect(c).toBeGreaterThan(0);
        const m = await store.appendMessage(draft(['bob'], { kind: 'group', group: 'team', text: 'hi' }));
        const added = event('group', { change: 'added', users: ['carol'] }, ['alice', 'bob', 'carol']);
        const ids = await store.changeGroup({
          name: 'team',
          expected: ['alice', 'bob'],
          members: ['alice', 'bob', 'carol'],
          owner: 'alice',
          added: ['carol'],
          removed: [],
          events: [added],
        });
        expect(ids).toHaveLength(1);
        const [e] = ids!;
        expect(c as number).toBeLessThan(m);
        expect(m).toBeLessThan(e!);
        expect(await idsOf(store, 'bob')).toEqual([c, m, e]);
        expect(await idsOf(store, 'carol')).toEqual([e]);
        expect(await rowsOf(store, 'carol')).toEqual([
          { id: e, type: 'group', json: added.json, at: 5_000, to: 'carol' },
        ]);
        expect(textOf((await rowsOf(store, 'alice'))[1]!)).toBe(added.json);
        expect(await store.loadGroups()).toEqual([{ ...team(['alice', 'bob', 'carol']), joined: { carol: e } }]);
        expect(await store.lastMessageId()).toBe(e);
      });

      it('refuses a change decided on members that changed meanwhile, writing nothing', async () => {
        await store.insertGroup(team(['alice', 'bob']));
        const stale = event('group', { change: 'removed' }, ['alice', 'bob']);
        expect(
          await store.changeGroup({
            name: 'team',
            expected: ['alice'],
            members: [],
            owner: 'alice',
            added: [],
            removed: ['alice'],
            events: [stale],
          }),
        ).toBeUndefined();
        expect(
          await store.changeGroup({
            name: 'nope',
            expected: [],
            members: ['alice'],
            owner: 'alice',
            added: ['alice'],
            removed: [],
            events: [stale],
          }),
        ).toBeUndefined();
        expect(await store.loadGroups()).toEqual([team(['alice', 'bob'])]);
        expect(await rowsOf(store, 'bob')).toEqual([]);
      });

      it('appends several events of one change with rising ids, and records when a member left', async () => {
        await store.insertGroup(team(['alice', 'bob', 'carol']));
        const left = event('group', { change: 'left' }, ['alice', 'bob', 'carol']);
        const owner = event('group', { change: 'owner' }, ['alice', 'bob', 'carol']);
        const ids = (await store.changeGroup({
          name: 'team',
          expected: ['alice', 'bob', 'carol'],
          members: ['bob', 'carol'],
          owner: 'bob',
          added: [],
          removed: ['alice'],
          events: [left, owner],
        }))!;
        expect(ids).toEqual(asc(ids));
        expect(ids[0]).toBeLessThan(ids[1]!);
        expect((await rowsOf(store, 'alice')).map(textOf)).toEqual([left.json, owner.json]);
        expect(await store.loadGroups()).toEqual([
          { ...team(['bob', 'carol']), owner: 'bob', left: { alice: ids[0] } },
        ]);
        // Nobody left: the group ends, its name stays taken.
        await store.changeGroup({
          name: 'team',
          expected: ['bob', 'carol'],
          members: [],
          owner: 'bob',
          added: [],
          removed: ['bob', 'carol'],
          events: [event('group', { change: 'ended' }, ['bob', 'carol'])],
        });
        expect((await store.loadGroups())[0]!.members).toEqual([]);
        expect(await store.insertUser(user('team'))).toBe(false);
      });

      it('keeps when a member joined once they leave, so that their window of history stays what it was', async () => {
        await store.insertGroup(team(['alice', 'bob']));
        const change = (members: string[], added: string[], removed: string[]) =>
          store.changeGroup({
            name: 'team',
            expected: added.length ? ['alice', 'bob'] : ['alice', 'bob', 'carol'],
            members,
            owner: 'alice',
            added,
            removed,
            events: [event('group', { change: added.length ? 'added' : 'removed' }, ['alice', 'bob', 'carol'])],
          });
        const [joined] = (await change(['alice', 'bob', 'carol'], ['carol'], []))!;
        const [left] = (await change(['alice', 'bob'], [], ['carol']))!;
        expect(await store.findGroup('team')).toEqual({
          ...team(['alice', 'bob']),
          joined: { carol: joined },
          left: { carol: left },
        });
        const [again] = (await change(['alice', 'bob', 'carol'], ['carol'], []))!;
        expect(await store.findGroup('team')).toEqual({ ...team(['alice', 'bob', 'carol']), joined: { carol: again } });
      });

      it("finds a group as it is now, and nothing under an unknown name or a user's", async () => {
        await store.insertUser(user('alice'));
        expect(await store.findGroup('team')).toBeUndefined();
        await store.insertGroup(team(['alice', 'bob']));
        expect(await store.findGroup('team')).toEqual(team(['alice', 'bob']));
        const added = event('group', { change: 'added', users: ['carol'] }, ['alice', 'bob', 'carol']);
        const [e] = (await store.changeGroup({
          name: 'team',
          expected: ['alice', 'bob'],
          members: ['alice', 'bob', 'carol'],
          owner: 'alice',
          added: ['carol'],
          removed: [],
          events: [added],
        }))!;
        expect(await store.findGroup('team')).toEqual({ ...team(['alice', 'bob', 'carol']), joined: { carol: e } });
        expect(await store.findGroup('alice')).toBeUndefined();
      });

      it('tells the feed a group as created, then its event, and a change as the group with its new members, then its events', async () => {
        const feed = await backend().listen();
        const created = event('group', { change: 'created' }, ['alice', 'bob']);
        const c = await store.insertGroup(team(['alice', 'bob']), created);
        const told: object[] = [
          { kind: 'group', group: team(['alice', 'bob']) },
          {
            kind: 'event',
            event: { id: c, type: 'group', json: created.json, at: 5_000 },
            recipients: ['alice', 'bob'],
          },
        ];
        expect(await feed.told(2)).toEqual(told);
        // Refused: nothing told.
        expect(await store.insertGroup(team(['carol', 'dave']))).toBe(false);
        const added = event('group', { change: 'added', users: ['carol'] }, ['alice', 'bob', 'carol']);
        const change = {
          name: 'team',
          members: ['alice', 'bob', 'carol'],
          owner: 'alice',
          added: ['carol'],
          removed: [],
          events: [added] as const,
        };
        const [e] = (await store.changeGroup({ ...change, expected: ['alice', 'bob'] }))!;
        told.push(
          { kind: 'group', group: { ...team(['alice', 'bob', 'carol']), joined: { carol: e } } },
          {
            kind: 'event',
            event: { id: e, type: 'group', json: added.json, at: 5_000 },
            recipients: ['alice', 'bob', 'carol'],
          },
        );
        expect(await feed.told(4)).toEqual(told);
        // Decided on members that changed meanwhile: nothing told.
        expect(await store.changeGroup({ ...change, expected: ['alice', 'bob'] })).toBeUndefined();
        await store.insertUser(user('erin'));
        expect(await feed.told(5)).toEqual([...told, { kind: 'registered', name: 'erin' }]);
      });
    });
  });
}
