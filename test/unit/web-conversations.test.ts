import { describe, expect, it } from 'vitest';

// The page's own module, plain JavaScript served as is: loaded by path so that TypeScript does not type it.
const modulePath = '../../clients/web/conversations.js';
const { Conversations, conversationOf, levelOf, mentioned } = await import(modulePath);

interface Msg {
  id: string;
  from: string;
  to: string;
  group?: string;
  kind: 'direct' | 'group' | 'broadcast';
  text: string;
  sentAt: string;
  mentions?: string[];
}

const sentAt = '2026-12-01T10:00:00.000Z';
const direct = (id: number, from: string, to: string): Msg => ({
  id: String(id),
  from,
  to,
  kind: 'direct',
  text: `m${id}`,
  sentAt,
});
const page = (messages: Msg[], more: boolean) => ({ messages, more });
const ids = (convs: any, name: string) => convs.messagesOf(convs.get(name)).map((m: Msg) => Number(m.id));

describe("the web page's conversations", () => {
  it('files a message under the other party, the group, or broad, from either side', () => {
    expect(conversationOf(direct(1, 'bob', 'alice'), 'alice')).toBe('bob');
    expect(conversationOf(direct(2, 'alice', 'bob'), 'alice')).toBe('bob');
    expect(conversationOf({ ...direct(3, 'bob', 'alice'), kind: 'group', group: 'team' }, 'alice')).toBe('team');
    expect(conversationOf({ ...direct(4, 'alice', 'team'), kind: 'group', group: 'team' }, 'alice')).toBe('team');
    expect(conversationOf({ ...direct(5, 'bob', 'alice'), kind: 'broadcast' }, 'alice')).toBe('broad');
    expect(conversationOf({ ...direct(6, 'alice', 'broad'), kind: 'broadcast' }, 'alice')).toBe('broad');
  });

  it("counts a new message from others as unread, never one of the user's own, and keeps each id once", () => {
    const convs = new Conversations('alice');
    expect(convs.add(direct(1, 'bob', 'alice'))).toMatchObject({ added: true, fresh: true });
    expect(convs.add(direct(2, 'alice', 'bob'))).toMatchObject({ added: true, fresh: true });
    expect(convs.add(direct(2, 'alice', 'bob'))).toMatchObject({ added: false });
    expect(convs.get('bob')).toMatchObject({ unread: 1, lastId: 2, last: { text: 'm2' } });
    expect(convs.markRead(convs.get('bob'))).toBe('2');
    expect(convs.markRead(convs.get('bob'))).toBeUndefined();
    expect(convs.get('bob')).toMatchObject({ unread: 0, readUpTo: 2 });
  });

  it("takes the server's summary unless the stream brought something newer, and does not count again what it counted", () => {
    const convs = new Conversations('alice');
    convs.applyList([
      { with: 'bob', kind: 'direct', last: direct(5, 'bob', 'alice'), unread: 3, readUpTo: '2' },
      { with: 'broad', kind: 'broadcast', unread: 0, readUpTo: '0' },
    ]);
    // A replay of a message the summary already counted changes nothing.
    expect(convs.add(direct(4, 'bob', 'alice'))).toMatchObject({ fresh: false });
    expect(convs.get('bob')).toMatchObject({ unread: 3, lastId: 5 });
    convs.add(direct(7, 'bob', 'alice'));
    // A list read before message 7: the page keeps its own count.
    convs.applyList([{ with: 'bob', kind: 'direct', last: direct(5, 'bob', 'alice'), unread: 0, readUpTo: '5' }]);
    expect(convs.get('bob')).toMatchObject({ unread: 4, lastId: 7, readUpTo: 5 });
    // A list that knows message 7 and a read mark from another device wins.
    convs.applyList([{ with: 'bob', kind: 'direct', last: direct(7, 'bob', 'alice'), unread: 0, readUpTo: '7' }]);
    expect(convs.get('bob')).toMatchObject({ unread: 0, lastId: 7 });
    expect(convs.sorted().map((c: { name: string }) => c.name)).toEqual(['bob', 'broad']);
    expect(convs.lastId()).toBe(7);
  });

  it('keeps an unbroken run of history: the newest page, pages before it, and nothing below the run', () => {
    const convs = new Conversations('alice');
    // Held before the first page is read: one stray old message and one newer than the page.
    convs.add(direct(3, 'bob', 'alice'));
    convs.add(direct(30, 'bob', 'alice'));
    const conv = convs.get('bob');
    convs.addNewest(conv, page([direct(20, 'bob', 'alice'), direct(25, 'alice', 'bob')], true));
    expect(ids(convs, 'bob')).toEqual([20, 25, 30]);
    expect(conv).toMatchObject({ loaded: true, more: true });
    // Below the run: left for the page before to bring.
    expect(convs.add(direct(10, 'bob', 'alice'))).toMatchObject({ added: false });
    // Inside the run (a send's answer overtaken by a later message): taken.
    expect(convs.add(direct(22, 'alice', 'bob'))).toMatchObject({ added: true, fresh: false });
    expect(convs.oldestId(conv)).toBe(20);
    convs.addOlder(conv, page([direct(10, 'bob', 'alice'), direct(15, 'alice', 'bob')], false));
    expect(ids(convs, 'bob')).toEqual([10, 15, 20, 22, 25, 30]);
    expect(conv.more).toBe(false);
  });

  it('starts the run again from a newest page that does not reach what it held', () => {
    const convs = new Conversations('alice');
    const conv = convs.ensure('bob', 'direct');
    convs.addNewest(conv, page([direct(1, 'bob', 'alice'), direct(2, 'alice', 'bob')], false));
    // Messages 3 to 40 went by while the page was away; the newest page starts at 39.
    convs.addNewest(conv, page([direct(39, 'alice', 'bob'), direct(40, 'bob', 'alice')], true));
    expect(ids(convs, 'bob')).toEqual([39, 40]);
    expect(conv).toMatchObject({ more: true, lastId: 40 });
    // One that overlaps what is held keeps the older pages.
    convs.addOlder(conv, page([direct(38, 'bob', 'alice')], true));
    convs.addNewest(conv, page([direct(40, 'bob', 'alice'), direct(41, 'bob', 'alice')], true));
    expect(ids(convs, 'bob')).toEqual([38, 39, 40, 41]);
  });

  it('holds at most 200 messages of a conversation never opened', () => {
    const convs = new Conversations('alice');
    for (let id = 1; id <= 250; id++) convs.add(direct(id, 'bob', 'alice'));
    expect(ids(convs, 'bob')).toEqual(Array.from({ length: 200 }, (_, i) => i + 51));
    expect(convs.get('bob')).toMatchObject({ unread: 250, lastId: 250 });
  });

  it('marks a conversation while a message that calls the user is unread, from the stream, the list or history', () => {
    const convs = new Conversations('alice');
    const team = (id: number, from: string, mentions?: string[]): Msg => ({
      ...direct(id, from, 'team'),
      kind: 'group',
      group: 'team',
      ...(mentions ? { mentions } : {}),
    });
    convs.add(team(1, 'bob', ['carol']));
    convs.add(team(2, 'alice', ['alice']));
    expect(mentioned(convs.get('team'))).toBe(false);
    convs.add(team(3, 'bob', ['alice']));
    expect(mentioned(convs.get('team'))).toBe(true);
    convs.markRead(convs.get('team'));
    expect(mentioned(convs.get('team'))).toBe(false);
    // @everyone calls the user too; the list says so only of its last message, and only while unread.
    convs.applyList([
      { with: 'crew', kind: 'group', last: team(5, 'bob', ['everyone']), unread: 1, readUpTo: '0' },
      { with: 'old', kind: 'group', last: team(4, 'bob', ['alice']), unread: 0, readUpTo: '4' },
    ]);
    expect(mentioned(convs.get('crew'))).toBe(true);
    expect(mentioned(convs.get('old'))).toBe(false);
    const conv = convs.ensure('ops', 'group');
    convs.addNewest(conv, { messages: [team(6, 'bob', ['alice']), team(7, 'bob')], more: false });
    expect(mentioned(conv)).toBe(true);
  });

  it("keeps each conversation's notification level as the server says, else its kind's default", () => {
    const convs = new Conversations('alice');
    convs.applyList([
      { with: 'bob', kind: 'direct', unread: 0, readUpTo: '0', notifications: 'mentions' },
      { with: 'team', kind: 'group', unread: 0, readUpTo: '0', notifications: 'all' },
      { with: 'broad', kind: 'broadcast', unread: 0, readUpTo: '0', notifications: 'none' },
    ]);
    expect(['bob', 'team', 'broad'].map((name) => levelOf(convs.get(name)))).toEqual(['mentions', 'all', 'none']);
    expect(levelOf(convs.ensure('carol', 'direct'))).toBe('all');
    expect(levelOf(convs.ensure('crew', 'group'))).toBe('all');
    const crew = convs.get('crew');
    convs.addNewest(crew, { messages: [], more: false, notifications: 'none' });
    expect(levelOf(crew)).toBe('none');
  });
});
