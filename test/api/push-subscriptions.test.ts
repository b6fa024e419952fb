import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { startTestServer } from '../support/server.js';

/** Keys as a browser makes them: a P-256 point and 16 random bytes, base64url. */
function browserKeys(): { p256dh: string; auth: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

let strict: RunningServer;
let open: RunningServer;
let ana: TestUser;
beforeAll(async () => {
  [strict, open] = await Promise.all([startTestServer({}), startTestServer({ pushAllowPrivate: true })]);
  ana = await register(open.url, 'ana');
});
afterAll(async () => {
  await Promise.all([strict.close(), open.close()]);
});

const subscribe = (server: RunningServer, user: TestUser, body: unknown) =>
  api(server.url, 'POST', '/push/subscriptions', { token: user.token, json: body });

describe('the VAPID key', () => {
  it('is served to anyone, as the 65-byte uncompressed point a browser takes', async () => {
    const res = await api(open.url, 'GET', '/push/key');
    expect(res.status).toBe(200);
    const point = Buffer.from(res.body.publicKey, 'base64url');
    expect(point.length).toBe(65);
    expect(point[0]).toBe(4);
    expect((await api(open.url, 'GET', '/push/key')).body.publicKey).toBe(res.body.publicKey);
  });
});

describe('push subscriptions', () => {
  it('refuses endpoints that are not https on a public address, unless the operator allows private ones', async () => {
    const bob = await register(strict.url, 'bob');
    const keys = browserKeys();
    for (const endpoint of [
      'http://push.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'ftp://push.example.com/x',
      'not a url',
    ]) {
      expectProblem(await subscribe(strict, bob, { endpoint, keys }), 422, 'bad_destination', 'body.endpoint');
    }
    expect((await subscribe(open, ana, { endpoint: 'http://127.0.0.1:9/x', keys })).status).toBe(201);
  });

  it('refuses malformed keys, naming the key', async () => {
    const endpoint = 'http://127.0.0.1:9/keys';
    const { p256dh, auth } = browserKeys();
    const notOnCurve = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url');
    const compressed = Buffer.concat([Buffer.from([2]), randomBytes(64)]).toString('base64url');
    for (const bad of [p256dh.slice(1), notOnCurve, compressed, 'x'.repeat(86) + '!']) {
      expectProblem(
        await subscribe(open, ana, { endpoint, keys: { p256dh: bad, auth } }),
        400,
        'invalid_request',
        'body.keys.p256dh',
      );
    }
    for (const bad of [auth.slice(2), randomBytes(32).toString('base64url')]) {
      expectProblem(
        await subscribe(open, ana, { endpoint, keys: { p256dh, auth: bad } }),
        400,
        'invalid_request',
        'body.keys.auth',
      );
    }
    expectProblem(await subscribe(open, ana, { endpoint }), 400, 'invalid_request', 'body.keys');
  });

  it('keeps one subscription per endpoint, lists it for its user only, and deletes it', async () => {
    const endpoint = 'http://127.0.0.1:9/same';
    const first = await subscribe(open, ana, { endpoint, keys: browserKeys(), expirationTime: null });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ endpoint, thisSession: true, failures: 0 });
    const again = await subscribe(open, ana, { endpoint, keys: browserKeys() });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const listed = await api(open.url, 'GET', '/push/subscriptions', { token: ana.token });
    expect(listed.body.subscriptions.filter((s: { endpoint: string }) => s.endpoint === endpoint)).toHaveLength(1);
    const cat = await register(open.url, 'cat');
    const theirs = await api(open.url, 'DELETE', `/push/subscriptions/${first.body.id}`, { token: cat.token });
    expectProblem(theirs, 404, 'not_found', 'path.id');
    expect((await api(open.url, 'DELETE', `/push/subscriptions/${first.body.id}`, { token: ana.token })).status).toBe(
      204,
    );
    expectProblem(
      await api(open.url, 'DELETE', `/push/subscriptions/${first.body.id}`, { token: ana.token }),
      404,
      'not_found',
    );
  });

  it('allows ten per user, and says so at the eleventh', async () => {
    const dan = await register(open.url, 'dan');
    for (let i = 0; i < 10; i++) {
      const res = await subscribe(open, dan, { endpoint: `http://127.0.0.1:9/dan/${i}`, keys: browserKeys() });
      expect(res.status).toBe(201);
    }
    const eleventh = await subscribe(open, dan, { endpoint: 'http://127.0.0.1:9/dan/10', keys: browserKeys() });
    expectProblem(eleventh, 422, 'too_many_subscriptions', 'body.endpoint');
    // An endpoint already held is still taken: it is the same device again.
    expect((await subscribe(open, dan, { endpoint: 'http://127.0.0.1:9/dan/3', keys: browserKeys() })).status).toBe(
      200,
    );
  });

  it('goes with the session that made it: signing that session out removes it, and only it', async () => {
    const eve = await register(open.url, 'eve');
    const other = await api(open.url, 'POST', '/sessions', { json: { username: 'eve', password: eve.password } });
    const phone = { ...eve, token: other.body.token as string };
    expect(
      (await subscribe(open, eve, { endpoint: 'http://127.0.0.1:9/eve/laptop', keys: browserKeys() })).status,
    ).toBe(201);
    expect(
      (await subscribe(open, phone, { endpoint: 'http://127.0.0.1:9/eve/phone', keys: browserKeys() })).status,
    ).toBe(201);
    const signedOut = await api(open.url, 'DELETE', '/sessions/current', { token: phone.token });
    expect(signedOut.status).toBe(204);
    const left = await api(open.url, 'GET', '/push/subscriptions', { token: eve.token });
    expect(left.body.subscriptions.map((s: { endpoint: string }) => s.endpoint)).toEqual([
      'http://127.0.0.1:9/eve/laptop',
    ]);
  });
});
