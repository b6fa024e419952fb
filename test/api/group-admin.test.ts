import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { openSse, type SseEvent, type SseReader } from '../support/sse.js';
import { assertSchema } from '../support/spec.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let counter = 0;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(async () => {
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

/** Three fresh users, a fresh group name, and a helper to open streams. */
async function cast(): Promise<{ alice: TestUser; bob: TestUser; carol: TestUser; dave: TestUser; team: string }> {
  const n = ++counter;
  const [alice, bob, carol, dave] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((who) => register(server.url, `${who}${n}`)),
  );
  return { alice: alice!, bob: bob!, carol: carol!, dave: dave!, team: `team${n}` };
}

const stream = (user: TestUser, lastEventId?: string) =>
  openSse(server.url + streamPath(user), {
    authorization: `Bearer ${user.token}`,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });

/** The `group` events of a stream, parsed, checked against the spec. */
function groupEvents(reader: SseReader): Record<string, unknown>[] {
  return reader.events
    .filter((e) => e.event === 'group')
    .map((e) => {
      const data = JSON.parse(e.data) as Record<string, unknown>;
      assertSchema('GroupEvent', data);
      return data;
    });
}

const changes = (reader: SseReader) => groupEvents(reader).map((e) => `${e.change}:${(e.users as string[]).join(',')}`);
const countOf = (event: string, n: number) => (events: SseEvent[]) =>
  events.filter((e) => e.event === event).length >= n;

function expectRisingIds(events: readonly SseEvent[]): void {
  const ids = events.filter((e) => e.id !== undefined).map((e) => BigInt(e.id!));
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
}

const send = (from: TestUser, to: string, text: string) =>
  api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });

describe('groups people manage', () => {
  it('shows a group to its members with its owner, and to nobody else', async () => {
    const { alice, bob, carol, team } = await cast();
    await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: team, members: [bob.name] } });
    const shown = await api(server.url, 'GET', `/groups/${team}`, { token: bob.token });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      name: team,
      members: [alice.name, bob.name],
      owner: alice.name,
      createdBy: alice.name,
    });
    expectProblem(
      await api(server.url, 'GET', `/groups/${team}`, { token: carol.token }),
      403,
      'not_member',
      'path.name',
    );
    expectProblem(
      await api(server.url, 'GET', '/groups/nosuchgroup', { token: carol.token }),
      404,
      'not_found',
      'path.name',
    );
  });

  it('tells every stream concerned of adds, a removal, a leave and the owner hand-over, in order, and the removed member nothing after', async () => {
    const { alice, bob, carol, dave, team } = await cast();
    const streams = { alice: await stream(alice), bob: await stream(bob), carol: await stream(carol) };
    await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: team, members: [bob.name] } });

    const added = await api(server.url, 'POST', `/groups/${team}/members`, {
      token: alice.token,
      json: { members: [carol.name, dave.name] },
    });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      name: team,
      members: [alice.name, bob.name, carol.name, dave.name],
      owner: alice.name,
      createdBy: alice.name,
    });
    await streams.carol.until(countOf('group', 1));
    expect(groupEvents(streams.carol)[0]).toEqual({
      group: team,
      change: 'added',
      members: [alice.name, bob.name, carol.name, dave.name],
      owner: alice.name,
      users: [carol.name, dave.name],
      by: alice.name,
    });

    expect(
      (await api(server.url, 'DELETE', `/groups/${team}/members/${dave.name}`, { token: alice.token })).status,
    ).toBe(204);
    // The owner leaves: the longest-standing member (bob) becomes the owner.
    expect(
      (await api(server.url, 'DELETE', `/groups/${team}/members/${alice.name}`, { token: alice.token })).status,
    ).toBe(204);
    await streams.alice.until(countOf('group', 5));
    expect(changes(streams.alice)).toEqual([
      `created:${alice.name},${bob.name}`,
      `added:${carol.name},${dave.name}`,
      `removed:${dave.name}`,
      `left:${alice.name}`,
      `owner:${bob.name}`,
    ]);
    expect(groupEvents(streams.alice)[4]).toMatchObject({
      members: [bob.name, carol.name],
      owner: bob.name,
      by: alice.name,
    });

    // Carol leaves, then bob, the last: the group ends.
    expect(
      (await api(server.url, 'DELETE', `/groups/${team}/members/${carol.name}`, { token: carol.token })).status,
    ).toBe(204);
    const sent = await send(bob, team, 'only me now');
    expect(sent.body.recipients).toBe(0);
    expect((await api(server.url, 'DELETE', `/groups/${team}/members/${bob.name}`, { token: bob.token })).status).toBe(
      204,
    );
    await streams.bob.until(countOf('group', 7));
    expect(changes(streams.bob)).toEqual([
      `created:${alice.name},${bob.name}`,
      `added:${carol.name},${dave.name}`,
      `removed:${dave.name}`,
      `left:${alice.name}`,
      `owner:${bob.name}`,
      `left:${carol.name}`,
      `ended:${bob.name}`,
    ]);
    expect(groupEvents(streams.bob)[6]).toEqual({
      group: team,
      change: 'ended',
      members: [],
      users: [bob.name],
      by: bob.name,
    });
    for (const reader of Object.values(streams)) expectRisingIds(reader.events);

    // Carol got the changes up to her own leave, and nothing of the group after it.
    await streams.carol.until(countOf('group', 4));
    expect(changes(streams.carol)).toEqual([
      `added:${carol.name},${dave.name}`,
      `removed:${dave.name}`,
      `left:${alice.name}`,
      `owner:${bob.name}`,
      `left:${carol.name}`,
    ]);
    expect(streams.carol.messages()).toEqual([]);
    // The name stays taken; nobody may send to the ended group.
    expectProblem(
      await api(server.url, 'POST', '/groups', { token: carol.token, json: { name: team, members: [dave.name] } }),
      409,
      'name_taken',
      'body.name',
    );
    expectProblem(await send(carol, team, 'anyone?'), 403, 'not_member', 'body.to');
    for (const reader of Object.values(streams)) reader.close();
  });

  it('keeps a removed member out, with the history up to their removal, and resumes a device from before the changes with all of them', async () => {
    const { alice, bob, carol, team } = await cast();
    await api(server.url, 'POST', '/groups', {
      token: alice.token,
      json: { name: team, members: [bob.name, carol.name] },
    });
    const before = await send(alice, team, 'before');
    const away = await stream(carol);
    await away.until(countOf('message', 1));
    const position = away.events.filter((e) => e.event === 'message').at(-1)!.id!;
    away.close();

    await api(server.url, 'DELETE', `/groups/${team}/members/${carol.name}`, { token: alice.token });
    const after = await send(alice, team, 'after');
    expect(after.body.recipients).toBe(1);
    expectProblem(await send(carol, team, 'let me back'), 403, 'not_member', 'body.to');

    const resumed = await stream(carol, position);
    await resumed.until(countOf('group', 1));
    expect(changes(resumed)).toEqual([`removed:${carol.name}`]);
    expect(resumed.messages()).toEqual([]);
    const history = await api(server.url, 'GET', `/messages?with=${team}`, { token: carol.token });
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['before']);
    expect(history.body.messages[0].id).toBe(before.body.id);
    expect((await api(server.url, 'GET', '/groups', { token: carol.token })).body.groups).toEqual([]);

    // Added again, she reads on from there.
    await api(server.url, 'POST', `/groups/${team}/members`, { token: alice.token, json: { members: [carol.name] } });
    const again = await send(bob, team, 'welcome back');
    await resumed.until(countOf('message', 1));
    expect(resumed.messages()[0]).toMatchObject({ id: again.body.id, text: 'welcome back' });
    const later = await api(server.url, 'GET', `/messages?with=${team}`, { token: carol.token });
    expect(later.body.messages.map((m: { text: string }) => m.text)).toEqual(['welcome back']);
    resumed.close();
  });

  it('lets only the owner add or remove others, and refuses bad input changing nothing', async () => {
    const { alice, bob, carol, dave, team } = await cast();
    await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: team, members: [bob.name] } });
    expectProblem(
      await api(server.url, 'POST', `/groups/${team}/members`, { token: bob.token, json: { members: [carol.name] } }),
      403,
      'forbidden',
      'path.name',
    );
    expectProblem(
      await api(server.url, 'DELETE', `/groups/${team}/members/${alice.name}`, { token: bob.token }),
      403,
      'forbidden',
      'path.name',
    );
    expectProblem(
      await api(server.url, 'POST', `/groups/${team}/members`, { token: carol.token, json: { members: [dave.name] } }),
      403,
      'not_member',
      'path.name',
    );
    expectProblem(
      await api(server.url, 'POST', `/groups/${team}/members`, { token: alice.token, json: { members: ['casper'] } }),
      422,
      'unknown_member',
      'body.members',
    );
    expectProblem(
      await api(server.url, 'POST', `/groups/${team}/members`, { token: alice.token, json: { members: [] } }),
      400,
      'invalid_request',
      'body.members',
    );
    expectProblem(
      await api(server.url, 'DELETE', `/groups/${team}/members/${carol.name}`, { token: alice.token }),
      404,
      'not_found',
      'path.user',
    );
    expect((await api(server.url, 'GET', `/groups/${team}`, { token: alice.token })).body.members).toEqual([
      alice.name,
      bob.name,
    ]);
  });

  it('holds the 32-member limit when adding (422 naming the field)', async () => {
    const { alice, bob, team } = await cast();
    await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: team, members: [bob.name] } });
    const names = await Promise.all(
      Array.from({ length: 31 }, (_, i) => register(server.url, `${team}m${i}`).then((u) => u.name)),
    );
    expect(
      (
        await api(server.url, 'POST', `/groups/${team}/members`, {
          token: alice.token,
          json: { members: names.slice(0, 30) },
        })
      ).body.members,
    ).toHaveLength(32);
    expectProblem(
      await api(server.url, 'POST', `/groups/${team}/members`, { token: alice.token, json: { members: [names[30]] } }),
      422,
      'too_many_members',
      'body.members',
    );
    expect((await api(server.url, 'GET', `/groups/${team}`, { token: alice.token })).body.members).toHaveLength(32);
  });

  it('runs the same changes from the command line: add_grp, rm_grp and leave', async () => {
    const { alice, bob, carol, dave, team } = await cast();
    const line = (by: TestUser, text: string) => api(server.url, 'POST', '/commands', { token: by.token, text });
    await line(alice, `mk_grp:${team}:${bob.name}`);
    const added = await line(alice, `add_grp:${team}:${carol.name}:${dave.name}`);
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([alice.name, bob.name, carol.name, dave.name]);
    expect((await line(alice, `rm_grp:${team}:${dave.name}`)).body.members).toEqual([alice.name, bob.name, carol.name]);
    expect((await line(carol, `leave:${team}`)).body.members).toEqual([alice.name, bob.name]);
    expectProblem(await line(bob, `add_grp:${team}:${carol.name}`), 403, 'forbidden', 'command.group');
    expectProblem(await line(bob, `add_grp:${team}:casper`), 422, 'unknown_member', 'command.members');
    expectProblem(
      await api(server.url, 'POST', '/sessions', { json: { username: 'leave', password: 'long enough' } }),
      400,
      'invalid_request',
      'body.username',
    );
  });
});
