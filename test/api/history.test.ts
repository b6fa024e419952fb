import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { tempDir } from '../support/process.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';

const root = tempDir('parley-history-');

describe.each(['memory', 'sqlite'] as const)('conversations with history, on %s', (store) => {
  const data = mkdtempSync(join(root, 'data-'));
  let server: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dora: TestUser;
  const sent = { direct: [] as string[], group: [] as string[], broad: [] as string[] };

  const history = (user: TestUser, query: string) =>
    api(server.url, 'GET', `/messages?${query}`, { token: user.token });
  const send = async (from: TestUser, to: string, text: string) => {
    const res = await api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  beforeAll(async () => {
    server = await startTestServer({ store, data });
    [alice, bob, carol, dora] = [
      await register(server.url, 'alice'),
      await register(server.url, 'bob'),
      await register(server.url, 'carol'),
      await register(server.url, 'dora'),
    ];
    expect(
      (
        await api(server.url, 'POST', '/groups', {
          token: alice.token,
          json: { name: 'team', members: ['bob', 'carol'] },
        })
      ).status,
    ).toBe(201);
    for (let i = 0; i < 7; i++) {
      sent.direct.push(await send(alice, 'bob', `a${i}`));
      sent.direct.push(await send(bob, 'alice', `b${i}`));
    }
    await send(carol, 'bob', 'not between alice and bob');
    sent.group.push(await send(alice, 'team', 'to the team'), await send(carol, 'team', 'carol to the team'));
    sent.broad.push(
      (await api(server.url, 'POST', '/broadcast', { token: alice.token, json: { text: 'to everyone' } })).body.id,
    );
  });
  afterAll(() => server.close());

  it('returns the direct messages both ways, oldest first, the same from either side', async () => {
    const fromAlice = await history(alice, 'with=bob');
    expect(fromAlice.status).toBe(200);
    expect(fromAlice.body.messages.map((m: { id: string }) => m.id)).toEqual(sent.direct);
    expect(fromAlice.body.more).toBe(false);
    expect(fromAlice.body.messages[0]).toMatchObject({ from: 'alice', to: 'bob', kind: 'direct', text: 'a0' });
    expect(fromAlice.body.messages[1]).toMatchObject({ from: 'bob', to: 'alice', kind: 'direct', text: 'b0' });
    expect((await history(bob, 'with=Alice')).body).toEqual(fromAlice.body);
  });

  it('pages backwards with before, without gaps or overlaps', async () => {
    const pages: string[][] = [];
    let query = 'with=bob&limit=4';
    for (;;) {
      const res = await history(alice, query);
      const ids = res.body.messages.map((m: { id: string }) => m.id);
      pages.unshift(ids);
      if (!res.body.more) break;
      query = `with=bob&limit=4&before=${ids[0]}`;
    }
    expect(pages.map((p) => p.length)).toEqual([2, 4, 4, 4]);
    expect(pages.flat()).toEqual(sent.direct);
  });

  it('returns every message of a group to its members, their own included, and refuses others', async () => {
    for (const member of [alice, bob, carol]) {
      const res = await history(member, 'with=team');
      expect(res.body.messages.map((m: { id: string }) => m.id)).toEqual(sent.group);
    }
    const own = (await history(alice, 'with=team')).body.messages[0];
    expect(own).toMatchObject({ from: 'alice', to: 'team', group: 'team', kind: 'group' });
    expect((await history(bob, 'with=team')).body.messages[0]).toMatchObject({
      from: 'alice',
      to: 'bob',
      group: 'team',
    });
    expectProblem(await history(dora, 'with=team'), 403, 'not_member', 'query.with');
  });

  it('returns the broadcasts with with=broad, and refuses an unknown name and a bad query', async () => {
    expect((await history(bob, 'with=broad')).body.messages.map((m: { id: string }) => m.id)).toEqual(sent.broad);
    expect((await history(alice, 'with=broad')).body.messages[0]).toMatchObject({
      from: 'alice',
      to: 'broad',
      kind: 'broadcast',
    });
    expectProblem(await history(alice, 'with=nobody'), 404, 'not_found', 'query.with');
    expectProblem(await history(alice, ''), 400, 'invalid_request', 'query.with');
    expectProblem(await history(alice, 'with=bob&limit=201'), 400, 'invalid_request', 'query.limit');
    expectProblem(await history(alice, 'with=bob&before=x'), 400, 'invalid_request', 'query.before');
    expectProblem(await api(server.url, 'GET', '/messages?with=bob'), 401, 'unauthorized');
  });

  it('agrees with the stream: the same ids and the same msgforms', async () => {
    const stream = await openSse(server.url + streamPath(bob) + '?lastEventId=0', {
      authorization: `Bearer ${bob.token}`,
    });
    const all = [...sent.direct.filter((_, i) => i % 2 === 0), ...sent.group, ...sent.broad];
    await stream.until(messageCount(all.length + 1));
    const streamed = stream.messages<{ id: string; from: string }>();
    const fromHistory = [
      ...(await history(bob, 'with=alice')).body.messages,
      ...(await history(bob, 'with=team')).body.messages,
      ...(await history(bob, 'with=broad')).body.messages,
      ...(await history(bob, 'with=carol')).body.messages,
    ].filter((m: { from: string }) => m.from !== 'bob');
    const byId = (list: { id: string }[]) => [...list].sort((a, b) => Number(a.id) - Number(b.id));
    expect(byId(streamed)).toEqual(byId(fromHistory));
    stream.close();
  });

  it('lists conversations most recent first with unread counts, and read marks lower them', async () => {
    const list = async (user: TestUser) =>
      (await api(server.url, 'GET', '/conversations', { token: user.token })).body.conversations;
    const bobs = await list(bob);
    expect(bobs.map((c: { with: string }) => c.with)).toEqual(['broad', 'team', 'carol', 'alice']);
    expect(bobs.find((c: { with: string }) => c.with === 'alice')).toMatchObject({
      kind: 'direct',
      unread: 7,
      readUpTo: '0',
      last: { id: sent.direct.at(-1) },
    });
    expect(bobs.find((c: { with: string }) => c.with === 'team')).toMatchObject({ kind: 'group', unread: 2 });
    expect((await list(dora)).map((c: { with: string; unread: number }) => [c.with, c.unread])).toEqual([['broad', 1]]);

    const mark = (upTo: string) =>
      api(server.url, 'PUT', '/conversations/alice/read', { token: bob.token, json: { upTo } });
    expect((await mark(sent.direct[6]!)).status).toBe(204);
    expect((await list(bob)).find((c: { with: string }) => c.with === 'alice')).toMatchObject({
      unread: 3,
      readUpTo: sent.direct[6],
    });
    expect((await mark(sent.direct[0]!)).status).toBe(204);
    expect((await list(bob)).find((c: { with: string }) => c.with === 'alice')).toMatchObject({
      unread: 3,
      readUpTo: sent.direct[6],
    });
    expectProblem(
      await api(server.url, 'PUT', '/conversations/team/read', { token: dora.token, json: { upTo: '1' } }),
      403,
      'not_member',
      'path.with',
    );
    expectProblem(
      await api(server.url, 'PUT', '/conversations/alice/read', { token: bob.token, json: { upTo: 'x' } }),
      400,
      'invalid_request',
      'body.upTo',
    );
  });

  it('shows what a user sent on their streams that ask for it, and nowhere else', async () => {
    const [withSent, without] = [
      await openSse(`${server.url}${streamPath(alice)}?sent=true`, { authorization: `Bearer ${alice.token}` }),
      await openSse(server.url + streamPath(alice), { authorization: `Bearer ${alice.token}` }),
    ];
    const id = await send(alice, 'team', 'seen on my other devices');
    await withSent.until((events) => events.some((e) => e.event === 'sent'));
    const echoed = JSON.parse(withSent.events.find((e) => e.event === 'sent')!.data);
    expect(echoed).toEqual((await history(alice, 'with=team')).body.messages.at(-1));
    expect(echoed).toMatchObject({ id, from: 'alice', to: 'team', group: 'team' });
    const marker = await send(bob, 'alice', 'marker');
    await without.until((events) => events.some((e) => e.id === marker));
    expect(without.events.some((e) => e.event === 'sent')).toBe(false);
    withSent.close();
    without.close();
  });
});

describe('history across a restart', () => {
  it('shows a conversation after the SQLite server restarts on the same data', async () => {
    const data = mkdtempSync(join(root, 'restart-'));
    let server = await startTestServer({ store: 'sqlite', data });
    const [erin, finn] = [await register(server.url, 'erin'), await register(server.url, 'finn')];
    const id = (await api(server.url, 'POST', '/messages', { token: erin.token, json: { to: 'finn', text: 'kept' } }))
      .body.id;
    await server.close();
    server = await startTestServer({ store: 'sqlite', data });
    try {
      const res = await api(server.url, 'GET', '/messages?with=erin', { token: finn.token });
      expect(res.body.messages).toEqual([expect.objectContaining({ id, from: 'erin', to: 'finn', text: 'kept' })]);
    } finally {
      await server.close();
    }
  });
});
