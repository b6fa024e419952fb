import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { assertSchema } from '../support/spec.js';

let server: RunningServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
beforeAll(async () => {
  server = await startTestServer({ queueLimit: 3, maxTextLength: 100 });
  [alice, bob, carol] = [
    await register(server.url, 'alice'),
    await register(server.url, 'bob'),
    await register(server.url, 'carol'),
  ];
});
afterAll(() => server.close());
afterEach(async () => {
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

const send = (from: TestUser, json: unknown) => api(server.url, 'POST', '/messages', { token: from.token, json });
const read = async (user: TestUser, count: number) => {
  const stream = await openSse(server.url + streamPath(user), { authorization: `Bearer ${user.token}` });
  await stream.until(messageCount(count));
  stream.close();
  return stream.messages<any>();
};

describe('POST /messages to a user', () => {
  it('accepts a message to an offline user with 202 and delivers it when their stream opens', async () => {
    const res = await send(alice, { to: 'bob', text: 'are you there?' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ to: 'bob', recipients: 1 });
    const [msgform] = await read(bob, 1);
    assertSchema('Msgform', msgform);
    expect(msgform).toMatchObject({
      id: res.body.id,
      from: 'alice',
      to: 'bob',
      kind: 'direct',
      text: 'are you there?',
    });
    expect(msgform).not.toHaveProperty('group');
    expect(Date.parse(msgform.sentAt)).not.toBeNaN();
  });

  it('folds the recipient name to lower case', async () => {
    expect((await send(alice, { to: 'CAROL', text: 'hi' })).body.to).toBe('carol');
    expect((await read(carol, 1))[0]).toMatchObject({ to: 'carol', text: 'hi' });
  });

  it('answers 404 for an unknown recipient', async () => {
    expectProblem(await send(alice, { to: 'nobody', text: 'hello?' }), 404, 'not_found', 'body.to');
  });

  it('refuses empty, blank and over-long texts with 400 naming body.text', async () => {
    expectProblem(await send(alice, { to: 'bob', text: '' }), 400, 'invalid_request', 'body.text');
    expectProblem(await send(alice, { to: 'bob', text: ' \n\t ' }), 400, 'invalid_request', 'body.text');
    expectProblem(await send(alice, { to: 'bob', text: 'x'.repeat(101) }), 400, 'invalid_request', 'body.text');
    expectProblem(await send(alice, { to: 'bob', text: 42 }), 400, 'invalid_request', 'body.text');
  });

  it('refuses a message to a full queue with 409 queue_full and loses nothing already accepted', async () => {
    const dave = await register(server.url, 'dave');
    const accepted = [];
    for (let i = 0; i < 3; i++) accepted.push((await send(alice, { to: 'dave', text: `m${i}` })).body.id);
    expectProblem(await send(alice, { to: 'dave', text: 'one too many' }), 409, 'queue_full');
    expect((await read(dave, 3)).map((m) => m.id)).toEqual(accepted);
    expect((await send(alice, { to: 'dave', text: 'room again' })).status).toBe(202);
  });
});

describe('POST /broadcast', () => {
  it('puts the message on the queue of every registered user but the sender, online or offline', async () => {
    const fresh = await startTestServer();
    try {
      const [a, b, c] = [
        await register(fresh.url, 'a1'),
        await register(fresh.url, 'b1'),
        await register(fresh.url, 'c1'),
      ];
      const online = await openSse(fresh.url + streamPath(b), { authorization: `Bearer ${b.token}` });
      const res = await api(fresh.url, 'POST', '/broadcast', { token: a.token, json: { text: 'hello all' } });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ recipients: 2 });
      await online.until(messageCount(1));
      expect(online.messages()[0]).toMatchObject({ from: 'a1', to: 'b1', kind: 'broadcast', text: 'hello all' });
      online.close();
      const offline = await openSse(fresh.url + streamPath(c), { authorization: `Bearer ${c.token}` });
      await offline.until(messageCount(1));
      expect(offline.messages()[0]).toMatchObject({ id: res.body.id, to: 'c1', kind: 'broadcast' });
      offline.close();
    } finally {
      await fresh.close();
    }
  });

  it('reaches a user whose queue of direct messages is full: a broadcast takes no place on it', async () => {
    const erin = await register(server.url, 'erin');
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push((await send(alice, { to: 'erin', text: `fill ${i}` })).body.id);
    expectProblem(await send(alice, { to: 'erin', text: 'one too many' }), 409, 'queue_full');
    const res = await api(server.url, 'POST', '/broadcast', { token: alice.token, json: { text: 'to everyone' } });
    expect(res.status).toBe(202);
    expect((await read(erin, 4)).map((m) => m.id)).toEqual([...sent, res.body.id]);
  });
});
