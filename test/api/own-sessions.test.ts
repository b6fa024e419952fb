import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { tempDir } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { openSse } from '../support/sse.js';

// A clock the tests move, so that "last used" can be seen to move without waiting a minute.
let clock = Date.parse('2026-11-24T08:00:00.000Z');
let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite', data: tempDir() }, { now: () => clock });
});
afterAll(() => server.close());

/** Signs `user` in once more, as another device with its own User-Agent. */
async function signIn(user: TestUser, userAgent?: string): Promise<TestUser> {
  const headers: Record<string, string> = userAgent === undefined ? {} : { 'user-agent': userAgent };
  const res = await api(server.url, 'POST', '/sessions', {
    json: { username: user.name, password: user.password },
    headers,
  });
  expect(res.status).toBe(200);
  return { ...user, token: res.body.token };
}

const list = (user: TestUser) => api(server.url, 'GET', '/sessions', { token: user.token });
const revoke = (user: TestUser, id: string) => api(server.url, 'DELETE', `/sessions/${id}`, { token: user.token });
const open = (user: TestUser) => openSse(`${server.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}` });

describe('GET /sessions', () => {
  it("lists the caller's sessions oldest first, with the current one marked, their user agents and times", async () => {
    const laptop = await register(server.url);
    clock += 1_000;
    const phone = await signIn(laptop, 'ParleyPhone/1.0 (like a phone)');
    const res = await list(laptop);
    expect(res.status).toBe(200);
    const [first, second] = res.body.sessions;
    expect(res.body.sessions).toHaveLength(2);
    expect(first).toMatchObject({ current: true, createdAt: new Date(clock - 1_000).toISOString() });
    expect(second).toMatchObject({
      current: false,
      userAgent: 'ParleyPhone/1.0 (like a phone)',
      createdAt: new Date(clock).toISOString(),
    });
    // From the phone, the phone is the current one; the ids are the same whoever asks.
    const fromPhone = await list(phone);
    expect(fromPhone.body.sessions.map((s: { id: string; current: boolean }) => [s.id, s.current])).toEqual([
      [first.id, false],
      [second.id, true],
    ]);
  });

  it('gives ids that are neither the token nor any part of it', async () => {
    const user = await register(server.url);
    const [session] = (await list(user)).body.sessions;
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(user.token).not.toContain(session.id);
    // An id is no credential.
    expectProblem(await api(server.url, 'GET', '/sessions', { token: session.id }), 401, 'unauthorized');
  });

  it('keeps the User-Agent cut to 200 characters, and none when the client sent none', async () => {
    const user = await register(server.url);
    const long = await signIn(user, `Agent/${'x'.repeat(300)}`);
    const current = (sessions: { current: boolean }[]) => sessions.find((s) => s.current);
    expect(current((await list(long)).body.sessions)).toHaveProperty('userAgent', `Agent/${'x'.repeat(194)}`);
    // fetch always sends one; an empty header is the way to send none.
    const bare = await signIn(user, '');
    expect(current((await list(bare)).body.sessions)).not.toHaveProperty('userAgent');
  });

  it('moves lastUsedAt when a session is used, writing it at most once a minute', async () => {
    const user = await register(server.url);
    const signedIn = new Date(clock).toISOString();
    clock += 30_000;
    expect((await list(user)).body.sessions[0].lastUsedAt).toBe(signedIn);
    clock += 31_000;
    const used = new Date(clock).toISOString();
    await api(server.url, 'GET', '/users', { token: user.token });
    clock += 5_000;
    expect((await list(user)).body.sessions[0]).toMatchObject({ createdAt: signedIn, lastUsedAt: used });
  });

  it('needs a token', async () => {
    expectProblem(await api(server.url, 'GET', '/sessions'), 401, 'unauthorized');
  });
});

describe('DELETE /sessions/{id}', () => {
  it('signs one session out: its token gets 401 at once and its stream ends with end: revoked, the others go on', async () => {
    const laptop = await register(server.url);
    const phone = await signIn(laptop, 'phone');
    const phoneStream = await open(phone);
    const laptopStream = await open(laptop);
    const phoneId = (await list(phone)).body.sessions.find((s: { current: boolean }) => s.current).id;

    expect((await revoke(laptop, phoneId)).status).toBe(204);
    expectProblem(await api(server.url, 'GET', '/users', { token: phone.token }), 401, 'unauthorized');
    await phoneStream.ended;
    expect(phoneStream.comments).toContain('end: revoked');
    // No retry hint after the notice: the client is not to come back.
    expect(phoneStream.retries).toEqual([2000]);
    expect((await list(laptop)).body.sessions.map((s: { id: string }) => s.id)).not.toContain(phoneId);

    // The laptop's own stream still carries messages.
    const other = await register(server.url);
    const sent = await api(server.url, 'POST', '/messages', {
      token: other.token,
      json: { to: laptop.name, text: 'still here?' },
    });
    await laptopStream.until((events) => events.some((e) => e.event === 'message' && e.id === sent.body.id));
    laptopStream.close();
  });

  it("answers another user's session id and an unknown one with the same 404, revoking nothing", async () => {
    const alice = await register(server.url);
    const mallory = await register(server.url);
    const aliceId = (await list(alice)).body.sessions[0].id;
    const theirs = await revoke(mallory, aliceId);
    const unknown = await revoke(mallory, 'AAAAAAAAAAAAAAAA');
    expectProblem(theirs, 404, 'not_found', 'path.id');
    expectProblem(unknown, 404, 'not_found', 'path.id');
    expect(theirs.body.detail.replace(aliceId, 'ID')).toBe(unknown.body.detail.replace('AAAAAAAAAAAAAAAA', 'ID'));
    expect((await api(server.url, 'GET', '/users', { token: alice.token })).status).toBe(200);
  });

  it('refuses a malformed id with 400 naming it', async () => {
    const user = await register(server.url);
    expectProblem(await revoke(user, 'not-an-id'), 400, 'invalid_request', 'path.id');
  });

  it('revokes the current session too, like exit', async () => {
    const user = await register(server.url);
    const stream = await open(user);
    const [own] = (await list(user)).body.sessions;
    expect((await revoke(user, own.id)).status).toBe(204);
    await stream.ended;
    expect(stream.comments).toContain('end: revoked');
    expectProblem(await list(user), 401, 'unauthorized');
  });
});
