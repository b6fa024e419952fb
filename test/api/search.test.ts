import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { tempDir } from '../support/process.js';
import { startTestServer } from '../support/server.js';

const root = tempDir('parley-search-');

interface Hit {
  with: string;
  message: { id: string; from: string; to: string; kind: string; text: string; group?: string };
  match: [number, number][];
}

describe.each(['memory', 'sqlite'] as const)('GET /search, on %s', (store) => {
  let server: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dora: TestUser;

  const search = (user: TestUser, query: Record<string, string>) =>
    api(server.url, 'GET', `/search?${new URLSearchParams(query)}`, { token: user.token });
  const hitsOf = async (user: TestUser, query: Record<string, string>): Promise<Hit[]> => {
    const res = await search(user, query);
    expect(res.status, res.text).toBe(200);
    return res.body.hits;
  };
  const send = async (from: TestUser, to: string, text: string) => {
    const res = await api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
    expect(res.status, res.text).toBe(202);
    return res.body.id as string;
  };
  const broadcast = async (from: TestUser, text: string) =>
    (await api(server.url, 'POST', '/broadcast', { token: from.token, json: { text } })).body.id as string;

  beforeAll(async () => {
    server = await startTestServer({ store, data: mkdtempSync(join(root, 'data-')) });
    [alice, bob, carol] = [
      await register(server.url, 'alice'),
      await register(server.url, 'bob'),
      await register(server.url, 'carol'),
    ];
  });
  afterAll(() => server.close());

  it('finds a word in every conversation of the caller, newest first, each hit as history shows it with its matches', async () => {
    await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: 'crew', members: ['bob'] } });
    const direct = await send(alice, 'bob', 'Pizza tonight?');
    const reply = await send(bob, 'alice', 'pizza yes, PIZZA always');
    const inGroup = await send(bob, 'crew', 'who brings the pizza');
    await send(bob, 'carol', 'pizza for carol only');
    const toAll = await broadcast(carol, 'free pizza in the kitchen');
    const hits = await hitsOf(alice, { q: 'pizza' });
    expect(hits.map((h) => [h.message.id, h.with])).toEqual([
      [toAll, 'broad'],
      [inGroup, 'crew'],
      [reply, 'bob'],
      [direct, 'bob'],
    ]);
    const history = await api(server.url, 'GET', '/messages?with=bob', { token: alice.token });
    expect(hits[2]!.message).toEqual(history.body.messages.find((m: { id: string }) => m.id === reply));
    expect(hits[2]!.match).toEqual([
      [0, 5],
      [11, 16],
    ]);
    for (const hit of hits) {
      for (const [start, end] of hit.match) expect(hit.message.text.slice(start, end).toLowerCase()).toBe('pizza');
    }
    expect(hits[0]!.message).toMatchObject({ from: 'carol', to: 'alice', kind: 'broadcast' });
    expect(hits[1]!.message).toMatchObject({ from: 'bob', to: 'alice', kind: 'group', group: 'crew' });
  });

  it('finds German, Japanese and Arabic words, ignoring case and Latin accents, and one-character Japanese words', async () => {
    const german = await send(alice, 'bob', 'Schöne Grüße aus MÜNCHEN');
    const japanese = await send(bob, 'alice', '明日の会議は東京で行います');
    const arabic = await send(alice, 'bob', 'مرحبا بالعالم');
    const ids = async (q: string) => (await hitsOf(bob, { q, with: 'alice' })).map((h) => h.message.id);
    expect(await ids('münchen')).toEqual([german]);
    expect(await ids('grüße munchen')).toEqual([german]);
    expect(await ids('会議')).toEqual([japanese]);
    expect(await ids('京')).toEqual([japanese]);
    expect(await ids('بالعالم')).toEqual([arabic]);
    const [hit] = await hitsOf(bob, { q: 'Munchen', with: 'alice' });
    expect(hit!.message.text.slice(...hit!.match[0]!)).toBe('MÜNCHEN');
  });

  it("never shows another pair's messages, a group's from before the caller joined or after they left, or broadcasts from before they registered", async () => {
    await send(alice, 'bob', 'secret between alice and bob: quokka');
    await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: 'zoo', members: ['bob'] } });
    await send(alice, 'zoo', 'quokka before carol joined');
    const early = await broadcast(alice, 'quokka news before dora');
    dora = await register(server.url, 'dora');
    const late = await broadcast(alice, 'quokka news for dora too');
    expect((await hitsOf(dora, { q: 'quokka' })).map((h) => h.message.id)).toEqual([late]);
    expect(
      await api(server.url, 'POST', '/groups/zoo/members', { token: alice.token, json: { members: ['carol'] } }),
    ).toMatchObject({ status: 200 });
    const during = await send(bob, 'zoo', 'quokka while carol is in');
    expect((await api(server.url, 'DELETE', '/groups/zoo/members/carol', { token: carol.token })).status).toBe(204);
    await send(alice, 'zoo', 'quokka after carol left');
    expect((await hitsOf(carol, { q: 'quokka' })).map((h) => h.message.id)).toEqual([during, late, early]);
    // History gives a former member the same window.
    const history = await api(server.url, 'GET', '/messages?with=zoo', { token: carol.token });
    expect(history.body.messages.map((m: { id: string }) => m.id)).toEqual([during]);
    expect((await hitsOf(carol, { q: 'quokka', with: 'zoo' })).map((h) => h.message.id)).toEqual([during]);
    expect(await hitsOf(carol, { q: 'quokka', with: 'bob' })).toEqual([]);
  });

  it('narrows to one conversation, one sender and a time, and refuses a conversation the caller cannot read', async () => {
    const mine = await send(alice, 'carol', 'wombat from alice');
    const theirs = await send(carol, 'alice', 'wombat from carol');
    const ids = async (query: Record<string, string>) =>
      (await hitsOf(alice, { q: 'wombat', ...query })).map((h) => h.message.id);
    expect(await ids({ with: 'Carol' })).toEqual([theirs, mine]);
    expect(await ids({ from: 'carol' })).toEqual([theirs]);
    expect(await ids({ with: 'carol', from: 'alice' })).toEqual([mine]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await ids({ after: future })).toEqual([]);
    expect(await ids({ before: future, after: '2020-01-01T00:00:00Z' })).toEqual([theirs, mine]);
    expect(await ids({ before: '2020-01-01T00:00:00+01:00' })).toEqual([]);
    await api(server.url, 'POST', '/groups', { token: bob.token, json: { name: 'secret', members: ['carol'] } });
    expectProblem(await search(alice, { q: 'wombat', with: 'secret' }), 403, 'not_member', 'query.with');
    expectProblem(await search(alice, { q: 'wombat', with: 'nobody' }), 404, 'not_found', 'query.with');
  });

  it('pages with cursors, each hit once, and refuses a cursor it did not give', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 7; i++) sent.unshift(await send(bob, 'carol', `numbat ${i}`));
    const seen: string[] = [];
    let query: Record<string, string> = { q: 'numbat', limit: '3' };
    for (let page = 0; page < 10; page++) {
      const res = await search(carol, query);
      expect(res.body.hits.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.hits.map((h: Hit) => h.message.id));
      if (res.body.cursor === undefined) break;
      query = { ...query, cursor: res.body.cursor };
    }
    expect(seen).toEqual(sent);
    expectProblem(await search(carol, { q: 'numbat', cursor: 'not-a-cursor' }), 400, 'invalid_request', 'query.cursor');
  });

  it('finds an edited message by its new text only, and a deleted one by nothing', async () => {
    const edited = await send(alice, 'bob', 'meet at the echidna gate');
    const deleted = await send(alice, 'bob', 'the echidna code is 4711');
    const patched = await api(server.url, 'PATCH', `/messages/${edited}`, {
      token: alice.token,
      json: { text: 'meet at the platypus gate' },
    });
    expect(patched.status).toBe(200);
    expect((await api(server.url, 'DELETE', `/messages/${deleted}`, { token: alice.token })).status).toBe(204);
    expect(await hitsOf(bob, { q: 'echidna' })).toEqual([]);
    expect(await hitsOf(bob, { q: '4711' })).toEqual([]);
    expect((await hitsOf(bob, { q: 'platypus' })).map((h) => h.message.id)).toEqual([edited]);
  });

  it('refuses a malformed parameter with 400 naming it', async () => {
    const refused = async (query: Record<string, string>, field: string) =>
      expectProblem(await search(alice, query), 400, 'invalid_request', field);
    await refused({}, 'query.q');
    await refused({ q: '   ' }, 'query.q');
    await refused({ q: 'x'.repeat(201) }, 'query.q');
    await refused({ q: 'a b c d e f g h i' }, 'query.q');
    await refused({ q: '""' }, 'query.q');
    await refused({ q: 'ok', with: 'not a name' }, 'query.with');
    await refused({ q: 'ok', from: '1st' }, 'query.from');
    await refused({ q: 'ok', before: 'yesterday' }, 'query.before');
    await refused({ q: 'ok', after: '2026-13-01T00:00:00Z' }, 'query.after');
    await refused({ q: 'ok', after: '2026-02-01T00:00:00Z', before: '2026-01-01T00:00:00Z' }, 'query.after');
    await refused({ q: 'ok', limit: '0' }, 'query.limit');
    await refused({ q: 'ok', limit: '51' }, 'query.limit');
    expectProblem(
      await api(server.url, 'GET', '/search?q=a&q=b', { token: alice.token }),
      400,
      'invalid_request',
      'query.q',
    );
    expectProblem(await api(server.url, 'GET', '/search?q=ok'), 401, 'unauthorized');
  });
});
