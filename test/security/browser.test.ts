import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { openSse, messageCount } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { call, join, problemOf, type Joined } from './client.js';

let server: RunningServer;
let corsServer: RunningServer;
let alice: Joined;
let bob: Joined;
beforeAll(async () => {
  server = await startTestServer();
  corsServer = await startTestServer({ corsOrigins: 'https://app.example, https://other.example' });
  alice = await join(server.url, 'alice');
  bob = await join(server.url, 'bob');
});
afterAll(async () => {
  await server.close();
  await corsServer.close();
});

const host = () => new URL(server.url).host;
const byCookie = (headers: Record<string, string>) => ({ headers: { cookie: alice.cookie, ...headers } });
const sendByCookie = (headers: Record<string, string>, text: string) =>
  call(server.url, 'POST', '/messages', { ...byCookie(headers), json: { to: 'bob', text } });

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict and scoped to the whole site, and not Secure over plain HTTP', async () => {
    const res = await call(server.url, 'POST', '/sessions', {
      json: { username: 'carol', password: 'carol-password' },
    });
    const cookie = res.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^parley_session=[A-Za-z0-9_-]+;/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/i);
  });
});

describe('cross-site requests', () => {
  it('refuses a cookie-authenticated message from another origin with 403 naming header.origin, and sends nothing', async () => {
    const stream = await openSse(`${server.url}/users/bob/stream`, { authorization: `Bearer ${bob.token}` });
    const res = await sendByCookie({ origin: 'https://evil.example' }, 'forged');
    expect(problemOf(res)).toEqual({
      status: 403,
      type: 'application/problem+json',
      code: 'forbidden',
      field: 'header.origin',
    });
    expect((await sendByCookie({ origin: `http://${host()}` }, 'genuine')).status).toBe(202);
    await stream.until(messageCount(1));
    expect(stream.messages().map((m) => m.text)).toEqual(['genuine']);
    stream.close();
  });

  it('refuses a cookie-authenticated request whose Sec-Fetch-Site is cross-site or same-site, whatever its Origin says', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const res = await sendByCookie({ 'sec-fetch-site': site, origin: `http://${host()}` }, 'forged');
      expect(problemOf(res)).toEqual({
        status: 403,
        type: 'application/problem+json',
        code: 'forbidden',
        field: 'header.sec-fetch-site',
      });
    }
  });

  it('accepts a cookie-authenticated request marked Sec-Fetch-Site same-origin or none', async () => {
    expect((await sendByCookie({ 'sec-fetch-site': 'same-origin' }, 'from the page')).status).toBe(202);
    expect((await sendByCookie({ 'sec-fetch-site': 'none' }, 'typed by the user')).status).toBe(202);
  });

  it('refuses a cookie-authenticated request that shows neither Origin nor Sec-Fetch-Site', async () => {
    expect(problemOf(await sendByCookie({}, 'who am I?'))).toMatchObject({
      status: 403,
      code: 'forbidden',
      field: 'header.origin',
    });
  });

  it('keeps the session of a user whom another site tries to log out', async () => {
    const res = await call(server.url, 'DELETE', '/sessions/current', byCookie({ origin: 'https://evil.example' }));
    expect(res.status).toBe(403);
    expect((await call(server.url, 'GET', '/users', { token: alice.token })).status).toBe(200);
  });

  it('lets requests with a bearer token through whatever their origin: a browser never adds one by itself', async () => {
    const res = await call(server.url, 'POST', '/messages', {
      token: alice.token,
      headers: { origin: 'https://elsewhere.example', 'sec-fetch-site': 'cross-site' },
      json: { to: 'bob', text: 'from a script with a token' },
    });
    expect(res.status).toBe(202);
  });

  it('lets cookie-authenticated reads through from anywhere: they change nothing', async () => {
    expect(
      (
        await call(
          server.url,
          'GET',
          '/users',
          byCookie({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
        )
      ).status,
    ).toBe(200);
  });
});

describe('CORS', () => {
  it('is off by default: no preflight is granted and no Access-Control header is sent', async () => {
    const preflight = await call(server.url, 'OPTIONS', '/messages', {
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    const get = await call(server.url, 'GET', '/users', {
      token: alice.token,
      headers: { origin: 'https://app.example' },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('grants a listed origin a preflight for bearer requests, without credentials', async () => {
    const res = await call(corsServer.url, 'OPTIONS', '/messages', {
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('answers a listed origin with its own name and an unlisted one with nothing', async () => {
    const user = await join(corsServer.url, 'dora');
    const listed = await call(corsServer.url, 'GET', '/users', {
      token: user.token,
      headers: { origin: 'https://other.example' },
    });
    expect(listed.headers['access-control-allow-origin']).toBe('https://other.example');
    expect(listed.headers['access-control-expose-headers']).toMatch(/Retry-After/);
    const unlisted = await call(corsServer.url, 'GET', '/users', {
      token: user.token,
      headers: { origin: 'https://evil.example' },
    });
    expect(unlisted.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('security headers', () => {
  const expectHardened = (headers: Record<string, unknown>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(headers['origin-agent-cluster']).toBe('?1');
    expect(headers['x-dns-prefetch-control']).toBe('off');
    expect(headers['x-permitted-cross-domain-policies']).toBe('none');
    expect(String(headers['content-security-policy'])).toMatch(/frame-ancestors 'none'/);
    expect(headers['x-powered-by']).toBeUndefined();
    expect(headers['strict-transport-security']).toBeUndefined();
  };

  it('are on JSON and problem answers, with a deny-all policy and no caching', async () => {
    for (const res of [
      await call(server.url, 'GET', '/users', { token: alice.token }),
      await call(server.url, 'GET', '/users'),
    ]) {
      expectHardened(res.headers);
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      );
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('are on answers to unknown paths', async () => {
    const res = await call(server.url, 'GET', '/no/such/thing');
    expect(res.status).toBe(404);
    expectHardened(res.headers);
  });

  it('are on event streams', async () => {
    const stream = await openSse(`${server.url}/users/alice/stream`, { authorization: `Bearer ${alice.token}` });
    expectHardened(Object.fromEntries(stream.headers));
    stream.close();
  });

  it('leave the web page its own policy: scripts and styles from the site itself only', async () => {
    const res = await call(server.url, 'GET', '/');
    expect(res.status).toBe(200);
    expectHardened(res.headers);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/style-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });
});
