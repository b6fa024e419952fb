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
beforeAll(async () => {
  server = await startTestServer();
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

/** As `curl -d '<line>'` sends it: form-encoded content type, raw line. */
const command = (user: TestUser, line: string, headers: Record<string, string> = {}) =>
  api(server.url, 'POST', '/commands', {
    token: user.token,
    text: line,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

describe('POST /commands (the original command language)', () => {
  it('runs every command of the original system as its endpoint would', async () => {
    const bobStream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });

    const direct = await command(alice, 'bob: hi bob: how are you?');
    expect(direct.status).toBe(202);
    expect(direct.body).toMatchObject({ to: 'bob', recipients: 1 });

    const users = await command(alice, 'get_users', { accept: 'text/plain' });
    expect(users.status).toBe(200);
    expect(users.text).toBe('x alice\no bob\nx carol\n');
    expect((await command(alice, 'get_users')).body.users).toContainEqual({ name: 'bob', online: true });

    const group = await command(alice, 'mk_grp:g1:bob:carol');
    expect(group.status).toBe(201);
    expect(group.body).toEqual({ name: 'g1', members: ['alice', 'bob', 'carol'], createdBy: 'alice' });

    const toGroup = await command(alice, 'g1: hello group');
    expect(toGroup.body).toMatchObject({ to: 'g1', recipients: 2 });

    const broad = await command(alice, 'broad: hello world');
    expect(broad.status).toBe(202);
    expect(broad.body).toMatchObject({ recipients: 2 });

    await bobStream.until(messageCount(3));
    expect(bobStream.messages().map((m: any) => [m.kind, m.text, m.group])).toEqual([
      ['direct', 'hi bob: how are you?', undefined],
      ['group', 'hello group', 'g1'],
      ['broadcast', 'hello world', undefined],
    ]);

    const exit = await command(bob, 'exit');
    expect(exit.status).toBe(204);
    await bobStream.ended;
    expect((await command(alice, 'get_users', { accept: 'text/plain' })).text).toBe('x alice\nx bob\nx carol\n');
    expectProblem(await command(bob, 'get_users'), 401, 'unauthorized');
  });

  it('accepts text/plain bodies and keeps the text after "name: " exactly', async () => {
    const res = await api(server.url, 'POST', '/commands', {
      token: alice.token,
      text: 'carol:  two spaces, a colon: and % + signs\n',
    });
    expect(res.status).toBe(202);
    const stream = await openSse(server.url + streamPath(carol), { authorization: `Bearer ${carol.token}` });
    await stream.until(messageCount(1));
    expect(stream.messages<any>().at(-1)!.text).toBe(' two spaces, a colon: and % + signs');
    stream.close();
  });

  it('answers the same errors as the endpoints, naming the command field', async () => {
    expectProblem(await command(alice, 'nobody: hi'), 404, 'not_found');
    expectProblem(await command(alice, 'bob:'), 400, 'invalid_request', 'command.text');
    expectProblem(await command(alice, 'mk_grp:bob:carol'), 409, 'name_taken');
    expectProblem(await command(alice, 'mk_grp:ghosts:casper'), 422, 'unknown_member');
    expectProblem(await command(alice, 'mk_grp:broad:bob'), 400, 'invalid_request', 'command.name');
  });

  it('rejects lines that are not commands, several lines, and other content types', async () => {
    expectProblem(await command(alice, 'hello there'), 400, 'invalid_request', 'body');
    expectProblem(await command(alice, ''), 400, 'invalid_request', 'body');
    expectProblem(await command(alice, 'bob: one\nbob: two'), 400, 'invalid_request', 'body');
    const json = await api(server.url, 'POST', '/commands', { token: alice.token, json: { line: 'bob: hi' } });
    expectProblem(json, 415, 'unsupported_media_type', 'header.content-type');
  });
});

describe('POST /commands: block, unblock, suspend and restore', () => {
  it('blocks and unblocks in the original style, and refuses suspend: to someone who is not an admin', async () => {
    const server = await startTestServer();
    try {
      const amy = await register(server.url, 'amy');
      const tom = await register(server.url, 'tom');
      const line = (user: TestUser, text: string) => api(server.url, 'POST', '/commands', { token: user.token, text });
      expect((await line(amy, 'block:tom')).status).toBe(204);
      expectProblem(await line(tom, 'amy: let me in'), 403, 'not_accepted', 'command.to');
      expect((await line(amy, 'unblock: tom')).status).toBe(204);
      expect((await line(tom, 'amy: thanks')).status).toBe(202);
      expectProblem(await line(amy, 'block:nobody'), 404, 'not_found', 'command.user');
      expectProblem(await line(amy, 'block:tom:amy'), 400, 'invalid_request', 'body');
      expectProblem(await line(tom, 'suspend:amy'), 403, 'not_admin');
    } finally {
      await server.close();
    }
  });
});

describe('POST /commands: notify and quiet', () => {
  it('sets a conversation’s level and answers it as PUT /conversations/{with}/notifications does', async () => {
    const [nell, nick] = [await register(server.url), await register(server.url)];
    const set = await command(nell, `notify:${nick.name}:mentions`);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ with: nick.name, level: 'mentions' });
    expect((await command(nell, `notify : ${nick.name.toUpperCase()} : none`)).body).toEqual({
      with: nick.name,
      level: 'none',
    });
    const history = await api(server.url, 'GET', `/messages?with=${nick.name}`, { token: nell.token });
    expect(history.body.notifications).toBe('none');
    expectProblem(await command(nell, `notify:${nick.name}:loud`), 400, 'invalid_request', 'command.level');
    expectProblem(await command(nell, `notify:${nick.name}`), 400, 'invalid_request', 'command.level');
    expectProblem(await command(nell, 'notify:nobody:all'), 404, 'not_found', 'command.with');
    expectProblem(await command(nell, `notify:${nick.name}:all:now`), 400, 'invalid_request', 'body');
  });

  it('sets quiet time for some minutes from now and ends it, as PUT /account/quiet does', async () => {
    const quinn = await register(server.url);
    const before = Date.now();
    const set = await command(quinn, 'quiet:90');
    expect(set.status).toBe(200);
    const until = Date.parse(set.body.until);
    expect(until).toBeGreaterThanOrEqual(before + 90 * 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 90 * 60_000);
    expect((await api(server.url, 'GET', '/account/quiet', { token: quinn.token })).body).toEqual(set.body);
    expect((await command(quinn, 'quiet: off')).body).toEqual({ until: null });
    expect((await api(server.url, 'GET', '/account/quiet', { token: quinn.token })).body).toEqual({ until: null });
    for (const line of ['quiet:0', 'quiet:soon', 'quiet:', 'quiet:5:6']) {
      expectProblem(await command(quinn, line), 400, 'invalid_request', 'body');
    }
    expectProblem(await command(quinn, 'quiet:600000'), 400, 'invalid_request', 'command.minutes');
  });
});
