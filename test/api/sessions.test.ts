import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 1024 });
});
afterAll(() => server.close());
afterEach(async () => {
  // Whatever a test sent, the server keeps serving.
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

const join = (json: unknown) => api(server.url, 'POST', '/sessions', { json });

describe('POST /sessions (join)', () => {
  it('registers a new name with 201, a token and an HttpOnly SameSite=Strict cookie', async () => {
    const res = await join({ username: 'newcomer', password: 'long-enough' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: 'newcomer', created: true });
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`parley_session=${res.body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('recognises a known name with the right password with 200 and a new token', async () => {
    const first = await join({ username: 'returning', password: 'long-enough' });
    const again = await join({ username: 'returning', password: 'long-enough' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ username: 'returning', created: false });
    expect(again.body.token).not.toBe(first.body.token);
  });

  it('treats names case-insensitively, so Alice and alice are one account', async () => {
    await join({ username: 'casey', password: 'long-enough' });
    const res = await join({ username: 'CASEY', password: 'long-enough' });
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('casey');
  });

  it('answers a wrong password with 401 bad_credentials', async () => {
    await join({ username: 'guarded', password: 'long-enough' });
    expectProblem(
      await join({ username: 'guarded', password: 'wrong-password' }),
      401,
      'bad_credentials',
      'body.password',
    );
  });

  it('refuses the reserved words of the command language as names', async () => {
    for (const username of ['broad', 'get_users', 'exit', 'mk_grp', 'Broad']) {
      expectProblem(await join({ username, password: 'long-enough' }), 400, 'invalid_request', 'body.username');
    }
  });

  it('refuses malformed names, short passwords, missing and unknown fields, naming the field', async () => {
    expectProblem(await join({ username: '1abc', password: 'long-enough' }), 400, 'invalid_request', 'body.username');
    expectProblem(
      await join({ username: 'a'.repeat(33), password: 'long-enough' }),
      400,
      'invalid_request',
      'body.username',
    );
    expectProblem(
      await join({ username: 'has space', password: 'long-enough' }),
      400,
      'invalid_request',
      'body.username',
    );
    expectProblem(await join({ username: 'shorty', password: 'short' }), 400, 'invalid_request', 'body.password');
    expectProblem(await join({ username: 'nopass' }), 400, 'invalid_request', 'body.password');
    expectProblem(
      await join({ username: 'extra', password: 'long-enough', admin: true }),
      400,
      'invalid_request',
      'body.admin',
    );
    expectProblem(await join(['not', 'an', 'object']), 400, 'invalid_request', 'body');
  });

  it('answers a body that is not JSON with 415 and broken JSON with 400', async () => {
    const form = await api(server.url, 'POST', '/sessions', {
      text: 'username=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'unsupported_media_type', 'header.content-type');
    const broken = await api(server.url, 'POST', '/sessions', {
      text: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(broken, 400, 'invalid_request', 'body');
  });

  it('answers a body over the configured limit with 413', async () => {
    expectProblem(await join({ username: 'big', password: 'x'.repeat(2000) }), 413, 'payload_too_large');
  });

  it('answers 409 when the name belongs to a group', async () => {
    const owner = await register(server.url, 'gowner');
    const member = await register(server.url, 'gmember');
    await api(server.url, 'POST', '/groups', { token: owner.token, json: { name: 'crew', members: [member.name] } });
    expectProblem(await join({ username: 'crew', password: 'long-enough' }), 409, 'name_taken');
  });
});

describe('DELETE /sessions/current (exit)', () => {
  it('revokes the token: 204, then 401 on every endpoint', async () => {
    const user = await register(server.url, 'leaver');
    const res = await api(server.url, 'DELETE', '/sessions/current', { token: user.token });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/parley_session=;/);
    expectProblem(await api(server.url, 'GET', '/users', { token: user.token }), 401, 'unauthorized');
    expectProblem(await api(server.url, 'DELETE', '/sessions/current', { token: user.token }), 401, 'unauthorized');
  });
});

describe('authentication', () => {
  it('answers 401 without a token, with a bad token and with a malformed Authorization header', async () => {
    expectProblem(await api(server.url, 'GET', '/users'), 401, 'unauthorized');
    expectProblem(await api(server.url, 'GET', '/users', { token: 'nope' }), 401, 'unauthorized');
    expectProblem(
      await api(server.url, 'GET', '/users', { headers: { authorization: 'Basic abc' } }),
      401,
      'unauthorized',
      'header.authorization',
    );
  });

  it('accepts the session cookie instead of the Authorization header', async () => {
    const user = await register(server.url, 'cookieuser');
    const res = await api(server.url, 'GET', '/users', { headers: { cookie: `parley_session=${user.token}` } });
    expect(res.status).toBe(200);
  });
});

describe('GET /sessions/current', () => {
  it('names the user a token or session cookie belongs to, and says so when there is none', async () => {
    const user = await register(server.url, 'Whoami');
    const signedIn = { signedIn: true, username: 'whoami' };
    expect((await api(server.url, 'GET', '/sessions/current', { token: user.token })).body).toEqual(signedIn);
    expect(
      (await api(server.url, 'GET', '/sessions/current', { headers: { cookie: `parley_session=${user.token}` } })).body,
    ).toEqual(signedIn);
    expect((await api(server.url, 'GET', '/sessions/current')).body).toEqual({ signedIn: false });
    expect((await api(server.url, 'GET', '/sessions/current', { token: 'revoked-or-made-up' })).body).toEqual({
      signedIn: false,
    });
    expect(
      (await api(server.url, 'GET', '/sessions/current', { headers: { authorization: 'Basic abc' } })).body,
    ).toEqual({ signedIn: false });
  });
});
