import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = (await Promise.all(['alice', 'bob'].map((n) => register(server.url, n)))) as [TestUser, TestUser];
});
afterAll(() => server.close());
afterEach(async () => {
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

const makeBot = (owner: TestUser, name: string) =>
  api(server.url, 'POST', '/bots', { token: owner.token, json: { name } });

describe('bot accounts', () => {
  it('makes a bot owned by its creator, with a token that works and a password login that is refused', async () => {
    const res = await makeBot(alice, 'Deploybot');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'deploybot', owner: 'alice' });
    expect(res.headers.get('location')).toBe('/bots/deploybot');
    const token = res.body.token as string;
    const login = await api(server.url, 'POST', '/sessions', {
      json: { username: 'deploybot', password: 'whatever1' },
    });
    expectProblem(login, 403, 'bot_account', 'body.username');
    const sent = await api(server.url, 'POST', '/messages', { token, json: { to: 'bob', text: 'build 42 is green' } });
    expect(sent.status).toBe(202);
    const stream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    await stream.until(messageCount(1));
    expect(stream.messages()[0]).toMatchObject({ from: 'deploybot', bot: true, to: 'bob', text: 'build 42 is green' });
    stream.close();
    const users = await api(server.url, 'GET', '/users', { token: bob.token });
    expect(users.body.users).toContainEqual({ name: 'deploybot', online: false, bot: true });
    expect(users.body.users).toContainEqual({ name: 'alice', online: false });
  });

  it('lists, shows, rotates and deletes only for the owner', async () => {
    const { body } = await makeBot(alice, 'pager');
    expect((await api(server.url, 'GET', '/bots', { token: alice.token })).body.bots.map((b: any) => b.name)).toContain(
      'pager',
    );
    expect((await api(server.url, 'GET', '/bots', { token: bob.token })).body.bots).toEqual([]);
    expectProblem(await api(server.url, 'GET', '/bots/pager', { token: bob.token }), 404, 'not_found', 'path.name');
    expectProblem(await api(server.url, 'POST', '/bots/pager/token', { token: bob.token }), 404, 'not_found');

    const rotated = await api(server.url, 'POST', '/bots/pager/token', { token: alice.token });
    expect(rotated.status).toBe(201);
    expectProblem(await api(server.url, 'GET', '/users', { token: body.token }), 401, 'unauthorized');
    expect((await api(server.url, 'GET', '/users', { token: rotated.body.token })).status).toBe(200);

    expect((await api(server.url, 'DELETE', '/bots/pager', { token: alice.token })).status).toBe(204);
    expectProblem(await api(server.url, 'GET', '/users', { token: rotated.body.token }), 401, 'unauthorized');
    expectProblem(await api(server.url, 'GET', '/bots/pager', { token: alice.token }), 404, 'not_found');
  });

  it('refuses a bot making bots, a taken name and a reserved word', async () => {
    const { body } = await makeBot(alice, 'helper');
    expectProblem(await makeBot({ ...alice, token: body.token }, 'child'), 403, 'forbidden', 'body.name');
    expectProblem(await makeBot(bob, 'alice'), 409, 'name_taken', 'body.name');
    expectProblem(await makeBot(bob, 'broad'), 400, 'invalid_request', 'body.name');
  });

  it('has no password to change and no account to delete itself: its owner manages it', async () => {
    const { body } = await makeBot(alice, 'selfish');
    const change = await api(server.url, 'PUT', '/account/password', {
      token: body.token,
      json: { currentPassword: 'whatever-1', newPassword: 'whatever-2' },
    });
    expectProblem(change, 403, 'bot_account');
    expectProblem(
      await api(server.url, 'DELETE', '/account', { token: body.token, json: { password: 'whatever-1' } }),
      403,
      'bot_account',
    );
    expect((await api(server.url, 'GET', '/users', { token: body.token })).status).toBe(200);
  });

  it('goes with its owner when the owner deletes their account', async () => {
    const carol = await register(server.url, 'carol');
    const { body } = await makeBot(carol, 'carolsbot');
    const gone = await api(server.url, 'DELETE', '/account', {
      token: carol.token,
      json: { password: carol.password },
    });
    expect(gone.status).toBe(204);
    expectProblem(await api(server.url, 'GET', '/users', { token: body.token }), 401, 'unauthorized');
    const users = await api(server.url, 'GET', '/users', { token: bob.token });
    expect(users.body.users.map((u: any) => u.name)).not.toContain('carolsbot');
  });
});
