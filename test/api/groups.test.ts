import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let mallory: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, carol, mallory] = (await Promise.all(
    ['alice', 'bob', 'carol', 'mallory'].map((n) => register(server.url, n)),
  )) as [TestUser, TestUser, TestUser, TestUser];
});
afterAll(() => server.close());
afterEach(async () => {
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

const createGroup = (by: TestUser, json: unknown) => api(server.url, 'POST', '/groups', { token: by.token, json });

describe('POST /groups (mk_grp)', () => {
  it('creates a group of the creator plus the listed users', async () => {
    const res = await createGroup(alice, { name: 'Team', members: ['bob', 'Carol', 'bob'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'team', members: ['alice', 'bob', 'carol'], createdBy: 'alice' });
    const mine = await api(server.url, 'GET', '/groups', { token: bob.token });
    expect(mine.body.groups).toEqual([{ ...res.body, owner: 'alice' }]);
    expect((await api(server.url, 'GET', '/groups', { token: mallory.token })).body.groups).toEqual([]);
  });

  it("lists the caller's groups with each one's owner, who changes when the owner leaves", async () => {
    await createGroup(carol, { name: 'handover', members: ['bob'] });
    const owned = async () =>
      ((await api(server.url, 'GET', '/groups', { token: bob.token })).body.groups as { name: string; owner: string }[])
        .filter((g) => g.name === 'handover')
        .map((g) => g.owner);
    expect(await owned()).toEqual(['carol']);
    expect((await api(server.url, 'DELETE', '/groups/handover/members/carol', { token: carol.token })).status).toBe(
      204,
    );
    expect(await owned()).toEqual(['bob']);
  });

  it('sends a group message to every member but the sender, with the group named', async () => {
    await createGroup(alice, { name: 'trio', members: ['bob', 'carol'] });
    const bobStream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    const res = await api(server.url, 'POST', '/messages', {
      token: carol.token,
      json: { to: 'trio', text: 'hi trio' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ to: 'trio', recipients: 2 });
    await bobStream.until(messageCount(1));
    expect(bobStream.messages()[0]).toMatchObject({
      from: 'carol',
      to: 'bob',
      group: 'trio',
      kind: 'group',
      text: 'hi trio',
    });
    bobStream.close();
    const aliceStream = await openSse(server.url + streamPath(alice), { authorization: `Bearer ${alice.token}` });
    await aliceStream.until(messageCount(1));
    expect(aliceStream.messages()[0]).toMatchObject({ id: res.body.id, to: 'alice', group: 'trio' });
    aliceStream.close();
  });

  it('lets only members send to a group (403 not_member)', async () => {
    await createGroup(alice, { name: 'private', members: ['bob'] });
    expectProblem(
      await api(server.url, 'POST', '/messages', { token: mallory.token, json: { to: 'private', text: 'let me in' } }),
      403,
      'not_member',
      'body.to',
    );
  });

  it('answers 409 when the name is taken by a user or another group', async () => {
    expectProblem(await createGroup(alice, { name: 'bob', members: ['carol'] }), 409, 'name_taken', 'body.name');
    await createGroup(alice, { name: 'dupe', members: ['carol'] });
    expectProblem(await createGroup(bob, { name: 'DUPE', members: ['carol'] }), 409, 'name_taken', 'body.name');
  });

  it('answers 422 for members who are not registered users', async () => {
    expectProblem(
      await createGroup(alice, { name: 'ghosts', members: ['bob', 'casper'] }),
      422,
      'unknown_member',
      'body.members',
    );
  });

  it('allows 32 users in all and answers 422 too_many_members for 33', async () => {
    const names = await Promise.all(
      Array.from({ length: 32 }, (_, i) => register(server.url, `member${i}`).then((u) => u.name)),
    );
    const full = await createGroup(alice, { name: 'full', members: names.slice(0, 31) });
    expect(full.status).toBe(201);
    expect(full.body.members).toHaveLength(32);
    expectProblem(
      await createGroup(alice, { name: 'overfull', members: names }),
      422,
      'too_many_members',
      'body.members',
    );
  });

  it('refuses reserved, malformed and missing names and empty member lists with 400', async () => {
    expectProblem(await createGroup(alice, { name: 'broad', members: ['bob'] }), 400, 'invalid_request', 'body.name');
    expectProblem(await createGroup(alice, { name: 'a/b', members: ['bob'] }), 400, 'invalid_request', 'body.name');
    expectProblem(await createGroup(alice, { members: ['bob'] }), 400, 'invalid_request', 'body.name');
    expectProblem(await createGroup(alice, { name: 'empty', members: [] }), 400, 'invalid_request', 'body.members');
    expectProblem(
      await createGroup(alice, { name: 'solo', members: ['alice'] }),
      400,
      'invalid_request',
      'body.members',
    );
    expectProblem(await createGroup(alice, { name: 'typed', members: 'bob' }), 400, 'invalid_request', 'body.members');
  });
});

describe('PUT /groups/{name} (mk_grp that may be repeated)', () => {
  const ensureGroup = (by: TestUser, name: string, members: unknown) =>
    api(server.url, 'PUT', `/groups/${name}`, { token: by.token, json: { members } });

  it('makes the group when no group has the name, then finds it as it is: nothing twice, nobody removed', async () => {
    const bobStream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    const made = await ensureGroup(alice, 'Again', ['bob']);
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ name: 'again', members: ['alice', 'bob'], owner: 'alice', createdBy: 'alice' });
    const again = await ensureGroup(alice, 'again', ['bob']);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(made.body);
    // The owner adds who is missing; the members not named stay.
    const grown = await ensureGroup(alice, 'again', ['carol']);
    expect(grown.status).toBe(200);
    expect(grown.body.members).toEqual(['alice', 'bob', 'carol']);
    await api(server.url, 'POST', '/messages', { token: alice.token, json: { to: 'again', text: 'made once' } });
    await bobStream.until(messageCount(1));
    const changes = bobStream.events
      .filter((e) => e.event === 'group' && JSON.parse(e.data).group === 'again')
      .map((e) => JSON.parse(e.data).change);
    expect(changes).toEqual(['created', 'added']);
    bobStream.close();
  });

  it("refuses a user's name and someone else's group with 409, and additions by a member who does not own it", async () => {
    expectProblem(await ensureGroup(alice, 'bob', ['carol']), 409, 'name_taken', 'path.name');
    await createGroup(carol, { name: 'carols', members: ['bob'] });
    expectProblem(await ensureGroup(alice, 'carols', ['bob']), 409, 'name_taken', 'path.name');
    expectProblem(await ensureGroup(bob, 'carols', ['alice']), 403, 'forbidden', 'path.name');
    expectProblem(await ensureGroup(alice, 'broad', ['bob']), 400, 'invalid_request', 'path.name');
    expectProblem(await ensureGroup(alice, 'fresh', []), 400, 'invalid_request', 'body.members');
  });
});
