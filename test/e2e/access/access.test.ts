import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, streamPath, type TestUser } from '../../support/api.js';
import { expectProblem } from '../../support/problems.js';
import { runParley, serverFleet, tempDir, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { messageCount, openSse } from '../../support/sse.js';

// Who may come in, on each store, through real processes: sign-up modes and invites, admins made by the
// operator, suspension, and blocks. On Redis two processes share the store, each with the other's requests.
const fleet = serverFleet();
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(() => fleet.stopAll());
afterAll(() => redis?.stop());

interface Site {
  readonly one: ServerProcess;
  readonly two: ServerProcess;
  readonly data: string;
  readonly args: readonly string[];
}

async function site(store: 'sqlite' | 'redis', extra: readonly string[] = []): Promise<Site> {
  const data = tempDir('parley-access-');
  const storeArgs =
    store === 'sqlite'
      ? ['--store', 'sqlite', '--data', data]
      : ['--store', 'redis', '--redis-url', redis.url, '--redis-prefix', `access-${randomUUID()}:`, '--data', data];
  const args = [...storeArgs, ...extra];
  const one = await fleet.start(args);
  // SQLite belongs to one process: "both" processes are the same one there. On Redis the second has a data
  // directory of its own (the operator's socket is the first one's).
  const two =
    store === 'redis' ? await fleet.start([...storeArgs.slice(0, -1), tempDir('parley-access-'), ...extra]) : one;
  return { one, two, data, args };
}

const operator = (s: Site, args: readonly string[], input?: string) =>
  runParley([...args, '--data', s.data], input === undefined ? {} : { input });

async function join(url: string, username: string, invite?: string) {
  const password = `${username}-password`;
  const res = await api(url, 'POST', '/sessions', { json: { username, password, ...(invite ? { invite } : {}) } });
  return { res, user: { name: username, password, token: res.body.token as string } as TestUser };
}

/** An account made by the operator, made an admin, and logged in. */
async function adminOf(s: Site, name = 'ada'): Promise<TestUser> {
  expect((await operator(s, ['create-user', name], `${name}-password\n`)).code).toBe(0);
  expect(await operator(s, ['grant-admin', name])).toMatchObject({ code: 0, stdout: `${name} is an admin\n` });
  const { res, user } = await join(s.one.url, name);
  expect(res.status).toBe(200);
  return user;
}

describe.each(['sqlite', 'redis'] as const)('who may come in, on %s', (store) => {
  it('open: a new name registers, as in the original system', async () => {
    const s = await site(store);
    expect((await join(s.one.url, 'newcomer')).res.status).toBe(201);
  });

  it('closed: only the operator and admins make accounts; known names log in', async () => {
    const s = await site(store, ['--registration', 'closed']);
    expectProblem((await join(s.one.url, 'stranger')).res, 403, 'registration_closed', 'body.username');
    const ada = await adminOf(s);
    const made = await api(s.two.url, 'POST', '/admin/users', {
      token: ada.token,
      json: { name: 'grace', password: 'grace-password' },
    });
    expect(made.status).toBe(201);
    expect((await join(s.one.url, 'grace')).res.status).toBe(200);
  });

  it('invite: a one-use invite raced by twenty sign-ups over both processes makes exactly one account', async () => {
    const s = await site(store, ['--registration', 'invite']);
    const ada = await adminOf(s);
    const invite = await api(s.one.url, 'POST', '/invites', { token: ada.token, json: { uses: 1, note: 'race' } });
    expect(invite.status).toBe(201);
    expect(invite.body.url).toBe(`${s.one.url}/#invite=${invite.body.code}`);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        join(i % 2 === 0 ? s.one.url : s.two.url, `racer${i}`, invite.body.code).then(({ res }) => res),
      ),
    );
    const statuses = answers.map((res) => res.status);
    console.log(
      `twenty sign-ups on one use (${store}): ${statuses.filter((x) => x === 201).length} × 201, codes ${[...new Set(answers.filter((r) => r.status !== 201).map((r) => r.body.code))].join(', ')}`,
    );
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    for (const res of answers.filter((r) => r.status !== 201)) expectProblem(res, 410, 'invite_used', 'body.invite');
    const listed = await api(s.two.url, 'GET', '/invites', { token: ada.token });
    expect(listed.body.invites).toEqual([expect.objectContaining({ code: invite.body.code, uses: 1, used: 1 })]);
  });

  it('invite: an expired invite, a revoked one and a missing one are refused, and guessing codes counts as failed logins', async () => {
    const s = await site(store, ['--registration', 'invite', '--login-address-failures', '3']);
    const ada = await adminOf(s);
    const short = await api(s.one.url, 'POST', '/invites', { token: ada.token, json: { expiresInMs: 1_000 } });
    const revoked = await api(s.one.url, 'POST', '/invites', { token: ada.token, json: {} });
    expect((await api(s.one.url, 'DELETE', `/invites/${revoked.body.code}`, { token: ada.token })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectProblem((await join(s.two.url, 'late', short.body.code)).res, 410, 'invite_expired', 'body.invite');
    expectProblem((await join(s.two.url, 'dropped', revoked.body.code)).res, 403, 'invite_invalid', 'body.invite');
    expectProblem((await join(s.two.url, 'bare')).res, 403, 'invite_invalid', 'body.invite');
    // A wrong code is a failed login: with the expired and the revoked one, three from this address spend its
    // budget (--login-address-failures 3), and the next try waits.
    expectProblem((await join(s.two.url, 'guesser', 'AAAAAAAAAAAAAAAAAAAAAA')).res, 403, 'invite_invalid');
    const guess = await join(s.two.url, 'guesser', 'BBBBBBBBBBBBBBBBBBBBBB');
    expectProblem(guess.res, 429, 'rate_limited');
    expect(guess.res.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('admins suspend a user: their streams end on both processes with the reason, their token stops, they cannot log in', async () => {
    const s = await site(store);
    const ada = await adminOf(s);
    const { user: sam } = await join(s.one.url, 'sam');
    const streams = await Promise.all(
      [s.one, s.two].map((server) => openSse(server.url + streamPath(sam), { authorization: `Bearer ${sam.token}` })),
    );
    const suspendedAt = Date.now();
    const res = await api(s.two.url, 'PATCH', '/admin/users/sam', { token: ada.token, json: { suspended: true } });
    expect(res.status).toBe(204);
    await Promise.all(streams.map((stream) => stream.ended));
    console.log(`suspended (${store}): both streams ended ${Date.now() - suspendedAt} ms after the 204`);
    for (const stream of streams) expect(stream.comments).toContain('end: suspended');
    expectProblem(await api(s.one.url, 'GET', '/users', { token: sam.token }), 401, 'unauthorized');
    expectProblem((await join(s.one.url, 'sam')).res, 403, 'account_suspended', 'body.username');
    const listed = await operator(s, ['users']);
    expect(listed.stdout).toMatch(/^ada .* admin$/m);
    expect(listed.stdout).toMatch(/^sam .* suspended$/m);
    const users = await api(s.one.url, 'GET', '/admin/users', { token: ada.token });
    expect(users.body.users).toContainEqual(expect.objectContaining({ name: 'sam', role: 'user', suspended: true }));
    expect(users.body.users).toContainEqual(expect.objectContaining({ name: 'ada', role: 'admin', suspended: false }));
    expect(
      (await api(s.one.url, 'PATCH', '/admin/users/sam', { token: ada.token, json: { suspended: false } })).status,
    ).toBe(204);
    expect((await join(s.two.url, 'sam')).res.status).toBe(200);
    const audit = await api(s.one.url, 'GET', '/admin/audit', { token: ada.token });
    expect(audit.body.entries.map((e: { action: string; target: string }) => `${e.action} ${e.target}`)).toEqual([
      'restore sam',
      'suspend sam',
      'grant_admin ada',
      'create_user ada',
    ]);
  });

  it('answers 403 not_admin on every admin route to a user who is not one, and an admin cannot suspend another', async () => {
    const s = await site(store);
    const ada = await adminOf(s);
    const { user: bob } = await join(s.one.url, 'bob');
    await adminOf(s, 'eve');
    for (const [method, path, json] of [
      ['GET', '/admin/users', undefined],
      ['POST', '/admin/users', { name: 'x1', password: 'x1-password' }],
      ['PATCH', '/admin/users/ada', { suspended: true }],
      ['DELETE', '/admin/messages/1', undefined],
      ['DELETE', '/admin/groups/none', undefined],
      ['DELETE', '/admin/groups/none/members/ada', undefined],
      ['GET', '/admin/audit', undefined],
      ['POST', '/invites', {}],
      ['GET', '/invites', undefined],
    ] as const) {
      expectProblem(
        await api(s.two.url, method, path, { token: bob.token, ...(json ? { json } : {}) }),
        403,
        'not_admin',
      );
    }
    expectProblem(
      await api(s.one.url, 'PATCH', '/admin/users/eve', { token: ada.token, json: { suspended: true } }),
      403,
      'forbidden',
      'path.name',
    );
  });

  it('admins take back any message (the event names them) and end any group', async () => {
    const s = await site(store);
    const ada = await adminOf(s);
    const { user: mal } = await join(s.one.url, 'mal');
    const { user: kim } = await join(s.one.url, 'kim');
    expect(
      (await api(s.one.url, 'POST', '/groups', { token: mal.token, json: { name: 'den', members: ['kim'] } })).status,
    ).toBe(201);
    const sent = await api(s.one.url, 'POST', '/messages', { token: mal.token, json: { to: 'den', text: 'spam' } });
    const stream = await openSse(s.two.url + streamPath(kim), { authorization: `Bearer ${kim.token}` });
    await stream.until(messageCount(1));
    expect((await api(s.two.url, 'DELETE', `/admin/messages/${sent.body.id}`, { token: ada.token })).status).toBe(204);
    expect((await api(s.two.url, 'DELETE', '/admin/groups/den', { token: ada.token })).status).toBe(204);
    await stream.until((events) => events.some((e) => e.event === 'group' && e.data.includes('"ended"')));
    const deleted = stream.events.find((e) => e.event === 'deleted')!;
    expect(JSON.parse(deleted.data)).toEqual({ of: sent.body.id, from: 'mal', by: 'ada' });
    stream.close();
    expect((await api(s.one.url, 'GET', '/groups', { token: kim.token })).body.groups).toEqual([]);
  });

  it('blocks: direct messages and group adds refused, the block on every device of the blocker, kept across a restart', async () => {
    const s = await site(store);
    const { user: amy } = await join(s.one.url, 'amy');
    const { user: tom } = await join(s.one.url, 'tom');
    const { user: zoe } = await join(s.one.url, 'zoe');
    const devices = await Promise.all(
      [s.one, s.two].map((server) => openSse(server.url + streamPath(amy), { authorization: `Bearer ${amy.token}` })),
    );
    expect((await api(s.one.url, 'PUT', '/account/blocks/tom', { token: amy.token })).status).toBe(204);
    for (const device of devices) {
      await device.until((events) => events.some((e) => e.event === 'blocks'));
      expect(JSON.parse(device.events.find((e) => e.event === 'blocks')!.data)).toEqual({ user: 'tom', blocked: true });
      device.close();
    }
    const refusals = async (server: ServerProcess) => {
      expectProblem(
        await api(server.url, 'POST', '/messages', { token: tom.token, json: { to: 'amy', text: 'hi' } }),
        403,
        'not_accepted',
        'body.to',
      );
      expectProblem(
        await api(server.url, 'POST', '/groups', {
          token: tom.token,
          json: { name: `g${randomUUID().slice(0, 6)}`, members: ['amy'] },
        }),
        403,
        'not_accepted',
        'body.members',
      );
    };
    await refusals(s.two);
    // Others still reach amy, and amy still reaches tom.
    expect(
      (await api(s.two.url, 'POST', '/messages', { token: zoe.token, json: { to: 'amy', text: 'hi' } })).status,
    ).toBe(202);
    expect(
      (await api(s.two.url, 'POST', '/messages', { token: amy.token, json: { to: 'tom', text: 'no' } })).status,
    ).toBe(202);

    await fleet.stopAll();
    const again = await fleet.start(s.args);
    expect((await api(again.url, 'GET', '/account/blocks', { token: amy.token })).body).toEqual({ blocked: ['tom'] });
    await refusals(again);
    expect((await api(again.url, 'DELETE', '/account/blocks/tom', { token: amy.token })).status).toBe(204);
    expect(
      (await api(again.url, 'POST', '/messages', { token: tom.token, json: { to: 'amy', text: 'sorry' } })).status,
    ).toBe(202);
  });
});
