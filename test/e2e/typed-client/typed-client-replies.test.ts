import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join as joinChat, reply, setReaction, streamMessages, type Change } from '../../../clients/ts/index.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { Watched } from '../../support/watched.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(['--store', 'memory']);
});
afterAll(() => server.stop());

describe('the typed client with replies and reactions', () => {
  it('replies with a quote, reacts and takes it back, and passes the reaction changes in order', async () => {
    const ann = await joinChat(server.url, 'trann', 'trann-secret');
    const ben = await joinChat(server.url, 'trben', 'trben-secret');
    const changes: Change[] = [];
    const watched = new Watched();
    const stream = streamMessages({
      baseUrl: server.url,
      username: 'trann',
      token: ann.session.token,
      onChange: (change) => {
        changes.push(change);
        watched.changed();
      },
    });
    await stream.opened;
    const original = await ann.client.POST('/messages', { body: { to: 'trben', text: 'coffee?' } });
    const id = original.data!.id;
    const answer = await reply(ben.client, 'trann', 'yes please', id);
    await setReaction(ben.client, id, '☕');
    await setReaction(ben.client, id, '👍');
    await setReaction(ben.client, id, '👍', false);
    await expect(setReaction(ben.client, id, 'coffee')).rejects.toMatchObject({
      status: 400,
      problem: { code: 'invalid_request', field: 'path.emoji' },
    });
    await expect(reply(ben.client, 'trann', 'hm', '999999999999')).rejects.toMatchObject({
      status: 404,
      problem: { code: 'not_found', field: 'body.replyTo' },
    });

    expect(await stream.next()).toMatchObject({
      id: answer.id,
      text: 'yes please',
      replyTo: { id, from: 'trann', text: 'coffee?' },
    });
    await watched.until(
      () => (changes.length >= 3 ? true : undefined),
      10_000,
      () => `only ${changes.length} changes`,
    );
    expect(changes.map((c) => c.type === 'reaction' && [c.data.emoji, c.data.on])).toEqual([
      ['☕', true],
      ['👍', true],
      ['👍', false],
    ]);
    const history = await ann.client.GET('/messages', { params: { query: { with: 'trben' } } });
    expect(history.data?.messages[0]).toMatchObject({ id, reactions: [{ emoji: '☕', count: 1, me: false }] });
    stream.close();
  });
});
