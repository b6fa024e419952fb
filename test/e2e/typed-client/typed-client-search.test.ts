import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join as joinChat, matchedParts, searchAll, searchMessages, type Joined } from '../../../clients/ts/index.js';
import { refusal } from '../../support/parley-error.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';

let server: ServerProcess;
let alice: Joined;
let bob: Joined;
beforeAll(async () => {
  server = await spawnServer(['--store', 'sqlite']);
  alice = await joinChat(server.url, 'alice', 'alice-secret-1');
  bob = await joinChat(server.url, 'bob', 'bob-secret-1');
});
afterAll(() => server.stop());

const send = async (from: Joined, to: string, text: string) => {
  const { data } = await from.client.POST('/messages', { body: { to, text } });
  return data!.id;
};

describe('search with the typed client', () => {
  it('finds a page of hits, narrowed by conversation, sender and time, and cuts a text at its matches', async () => {
    const first = await send(alice, 'bob', 'Tea at four? Tea is ready');
    const second = await send(bob, 'alice', 'tea sounds good');
    const page = await searchMessages(bob.client, 'tea', { with: 'alice', limit: 5 });
    expect(page.hits.map((h) => h.message.id)).toEqual([second, first]);
    expect(page.cursor).toBeUndefined();
    expect(matchedParts(page.hits[1]!)).toEqual([
      { text: 'Tea', matched: true },
      { text: ' at four? ', matched: false },
      { text: 'Tea', matched: true },
      { text: ' is ready', matched: false },
    ]);
    expect((await searchMessages(bob.client, 'tea', { from: 'bob' })).hits.map((h) => h.message.id)).toEqual([second]);
    const hourAgo = new Date(Date.now() - 3_600_000);
    expect((await searchMessages(bob.client, 'tea', { before: hourAgo })).hits).toEqual([]);
    expect((await searchMessages(bob.client, 'tea', { after: hourAgo })).hits).toHaveLength(2);
  });

  it('reads every page in turn, and throws a ParleyError naming a bad parameter', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.unshift(await send(alice, 'bob', `scone number ${i}`));
    const found: string[] = [];
    for await (const hit of searchAll(alice.client, 'scone', { limit: 2 })) found.push(hit.message.id);
    expect(found).toEqual(sent);
    const err = await refusal(searchMessages(alice.client, '   '));
    expect(err.status).toBe(400);
    expect(err.problem).toMatchObject({ code: 'invalid_request', field: 'query.q' });
  });
});
