import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { tempDir } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { openSse } from '../support/sse.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite', data: tempDir(), loginPairFailures: 3 });
});
afterAll(() => server.close());

const join = (name: string, password: string) =>
  api(server.url, 'POST', '/sessions', { json: { username: name, password } });
async function signIn(user: TestUser): Promise<TestUser> {
  const res = await join(user.name, user.password);
  expect(res.status).toBe(200);
  return { ...user, token: res.body.token };
}
const open = (user: TestUser) => openSse(`${server.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}` });
const changePassword = (user: TestUser, json: unknown) =>
  api(server.url, 'PUT', '/account/password', { token: user.token, json });
const deleteAccount = (user: TestUser, json: unknown) =>
  api(server.url, 'DELETE', '/account', { token: user.token, json });

describe('PUT /account/password', () => {
  it('changes the password and signs out every other session, whose streams end with end: password_changed; this one stays', async () => {
    const laptop = await register(server.url);
    const phone = await signIn(laptop);
    const tablet = await signIn(laptop);
    const phoneStream = await open(phone);
    const laptopStream = await open(laptop);

    expect(
      (await changePassword(laptop, { currentPassword: laptop.password, newPassword: 'a-new-secret-1' })).status,
    ).toBe(204);
    for (const gone of [phone, tablet])
      expectProblem(await api(server.url, 'GET', '/users', { token: gone.token }), 401, 'unauthorized');
    await phoneStream.ended;
    expect(phoneStream.comments).toContain('end: password_changed');
    const left = await api(server.url, 'GET', '/sessions', { token: laptop.token });
    expect(left.body.sessions).toEqual([expect.objectContaining({ current: true })]);

    expectProblem(await join(laptop.name, laptop.password), 401, 'bad_credentials', 'body.password');
    expect((await join(laptop.name, 'a-new-secret-1')).status).toBe(200);
    // The session that changed it is still streaming.
    const other = await register(server.url);
    const sent = await api(server.url, 'POST', '/messages', {
      token: other.token,
      json: { to: laptop.name, text: 'after the change' },
    });
    await laptopStream.until((events) => events.some((e) => e.event === 'message' && e.id === sent.body.id));
    laptopStream.close();
  });

  it('refuses a wrong current password with 401 naming it, changing nothing, and counts it as a failed login', async () => {
    const user = await register(server.url);
    const phone = await signIn(user);
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await changePassword(user, { currentPassword: 'not-the-password', newPassword: 'another-secret' }),
        401,
        'bad_credentials',
        'body.currentPassword',
      );
    }
    // The failed-login limit of this account from this address is spent: a login is refused too.
    expectProblem(
      await changePassword(user, { currentPassword: 'not-the-password', newPassword: 'another-secret' }),
      429,
      'rate_limited',
    );
    expectProblem(await join(user.name, user.password), 429, 'rate_limited');
    expect((await api(server.url, 'GET', '/users', { token: phone.token })).status).toBe(200);
  });

  it('refuses a malformed body naming the field, changing nothing', async () => {
    const user = await register(server.url);
    expectProblem(
      await changePassword(user, { currentPassword: user.password, newPassword: 'short' }),
      400,
      'invalid_request',
      'body.newPassword',
    );
    expectProblem(
      await changePassword(user, { currentPassword: user.password }),
      400,
      'invalid_request',
      'body.newPassword',
    );
    expectProblem(
      await changePassword(user, { currentPassword: user.password, newPassword: 'long-enough', x: 1 }),
      400,
      'invalid_request',
      'body.x',
    );
    const asText = await api(server.url, 'PUT', '/account/password', { token: user.token, text: 'hello' });
    expectProblem(asText, 415, 'unsupported_media_type', 'header.content-type');
    expectProblem(
      await api(server.url, 'PUT', '/account/password', {
        json: { currentPassword: user.password, newPassword: 'long-enough' },
      }),
      401,
      'unauthorized',
    );
    expect((await join(user.name, user.password)).status).toBe(200);
  });
});

describe('DELETE /account', () => {
  it('deletes the account: every session ends, others keep what it sent, and the name can be registered again', async () => {
    const leaving = await register(server.url);
    const second = await signIn(leaving);
    const friend = await register(server.url);
    const streams = [await open(leaving), await open(second)];
    const sent = await api(server.url, 'POST', '/messages', {
      token: leaving.token,
      json: { to: friend.name, text: 'before I go' },
    });
    expect(sent.status).toBe(202);

    const res = await deleteAccount(leaving, { password: leaving.password });
    expect(res.status).toBe(204);
    for (const stream of streams) {
      await stream.ended;
      expect(stream.comments).toContain('end: deleted');
    }
    for (const gone of [leaving, second])
      expectProblem(await api(server.url, 'GET', '/sessions', { token: gone.token }), 401, 'unauthorized');
    const users = await api(server.url, 'GET', '/users', { token: friend.token });
    expect(users.body.users.map((u: { name: string }) => u.name)).not.toContain(leaving.name);
    // What it sent stays with its recipients: the friend's stream delivers it, as from its name.
    const friendStream = await open(friend);
    await friendStream.until((events) => events.some((e) => e.event === 'message' && e.id === sent.body.id));
    expect(friendStream.messages()).toEqual([expect.objectContaining({ from: leaving.name, text: 'before I go' })]);
    friendStream.close();
    // The conversation with a name nobody has is no longer listed, and asking for it is 404.
    const conversations = await api(server.url, 'GET', '/conversations', { token: friend.token });
    expect(conversations.body.conversations.map((c: { with: string }) => c.with)).not.toContain(leaving.name);
    expectProblem(
      await api(server.url, 'GET', `/messages?with=${leaving.name}`, { token: friend.token }),
      404,
      'not_found',
      'query.with',
    );

    const again = await join(leaving.name, 'somebody-else-now');
    expect(again.status).toBe(201);
    const fresh = await api(server.url, 'GET', `/messages?with=${friend.name}`, { token: again.body.token });
    expect(fresh.body.messages).toEqual([]);
  });

  it('leaves the groups of a deleted account as its owner would: the members see it go, and the one in longest owns them', async () => {
    const [owner, first, second] = await Promise.all([
      register(server.url),
      register(server.url),
      register(server.url),
    ]);
    const team = `team${owner.name.replace('user', '')}`;
    const created = await api(server.url, 'POST', '/groups', {
      token: owner.token,
      json: { name: team, members: [first.name, second.name] },
    });
    expect(created.status).toBe(201);
    const pair = `pair${owner.name.replace('user', '')}`;
    expect(
      (await api(server.url, 'POST', '/groups', { token: owner.token, json: { name: pair, members: [first.name] } }))
        .status,
    ).toBe(201);
    expect(
      (await api(server.url, 'DELETE', `/groups/${pair}/members/${first.name}`, { token: first.token })).status,
    ).toBe(204);
    const watching = await open(second);

    expect((await deleteAccount(owner, { password: owner.password })).status).toBe(204);
    const groupChanges = () =>
      watching.events
        .filter((e) => e.event === 'group')
        .map((e) => JSON.parse(e.data) as { group: string; change: string; users: string[]; owner?: string });
    await watching.until(() => groupChanges().some((e) => e.change === 'owner'));
    expect(
      groupChanges()
        .filter((e) => e.group === team)
        .map((e) => [e.change, e.users.join(','), e.owner]),
    ).toEqual([
      ['created', [owner.name, first.name, second.name].join(','), owner.name],
      ['left', owner.name, first.name],
      ['owner', first.name, first.name],
    ]);
    watching.close();
    const shown = await api(server.url, 'GET', `/groups/${team}`, { token: second.token });
    expect(shown.body).toMatchObject({ name: team, owner: first.name, members: [first.name, second.name] });
    // The group it was alone in ended, as when a last member leaves: its name stays taken.
    expectProblem(
      await api(server.url, 'POST', '/groups', { token: first.token, json: { name: pair, members: [second.name] } }),
      409,
      'name_taken',
      'body.name',
    );
  });

  it('refuses a wrong or missing password, deleting nothing', async () => {
    const user = await register(server.url);
    expectProblem(await deleteAccount(user, { password: 'not-the-password' }), 401, 'bad_credentials', 'body.password');
    expectProblem(await deleteAccount(user, {}), 400, 'invalid_request', 'body.password');
    expect((await api(server.url, 'GET', '/sessions', { token: user.token })).status).toBe(200);
    expect((await join(user.name, user.password)).status).toBe(200);
  });
});
