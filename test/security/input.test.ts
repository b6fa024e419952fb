import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { openSse, messageCount } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { call, join, problemOf, type Joined } from './client.js';

let server: RunningServer;
let alice: Joined;
let bob: Joined;
const logLines: string[] = [];
beforeAll(async () => {
  server = await startTestServer(
    { logLevel: 'info' },
    { log: createLogger('info', { destination: { write: (line: string) => void logLines.push(line) } }) },
  );
  alice = await join(server.url, 'alice');
  bob = await join(server.url, 'bob');
});
afterAll(() => server.close());

const rawJson = (path: string, body: string | Buffer, token = alice.token) =>
  call(server.url, 'POST', path, { token, body, headers: { 'content-type': 'application/json' } });
const send = (json: unknown) => call(server.url, 'POST', '/messages', { token: alice.token, json });
const invalid = (field: string) => ({ status: 400, type: 'application/problem+json', code: 'invalid_request', field });

/** Sends `text` to bob and reads it back from his stream, parsed by a real SSE parser. */
async function roundTrip(
  text: string,
): Promise<{ events: { event: string; id?: string; data: string }[]; text: string }> {
  // Resumed right after a marker sent just before: the stream then carries exactly the one message.
  const marker = await send({ to: 'bob', text: 'marker' });
  const sent = await send({ to: 'bob', text });
  expect(sent.status).toBe(202);
  const stream = await openSse(`${server.url}/users/bob/stream`, {
    authorization: `Bearer ${bob.token}`,
    'last-event-id': marker.body.id,
  });
  await stream.until(messageCount(1));
  stream.close();
  return { events: stream.events.filter((e) => e.event !== 'presence'), text: stream.messages()[0]!.text as string };
}

describe('hostile JSON bodies', () => {
  it('refuses __proto__ and constructor keys as unknown fields, and pollutes no prototype', async () => {
    const proto = await rawJson('/messages', '{"to":"bob","text":"hi","__proto__":{"polluted":true}}');
    expect(problemOf(proto)).toEqual(invalid('body.__proto__'));
    const ctor = await rawJson('/messages', '{"to":"bob","text":"hi","constructor":{"prototype":{"polluted":true}}}');
    expect(problemOf(ctor)).toEqual(invalid('body.constructor'));
    const login = await rawJson(
      '/sessions',
      '{"__proto__":{"username":"admin"},"username":"mallory","password":"mallory-pw"}',
    );
    expect(problemOf(login)).toEqual(invalid('body.__proto__'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses wrong types with 400 naming the field', async () => {
    expect(problemOf(await send({ to: 'bob', text: 42 }))).toEqual(invalid('body.text'));
    expect(problemOf(await send({ to: ['bob'], text: 'hi' }))).toEqual(invalid('body.to'));
    expect(problemOf(await send({ to: 'bob', text: { toString: 'hi' } }))).toEqual(invalid('body.text'));
    expect(
      problemOf(
        await call(server.url, 'POST', '/groups', { token: alice.token, json: { name: 'g1', members: 'bob' } }),
      ),
    ).toEqual(invalid('body.members'));
    expect(
      problemOf(
        await call(server.url, 'POST', '/sessions', { json: { username: { $gt: '' }, password: 'whatever-pw' } }),
      ),
    ).toEqual(invalid('body.username'));
    expect(problemOf(await rawJson('/messages', 'null'))).toEqual(invalid('body'));
    expect(problemOf(await rawJson('/messages', '"just a string"'))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
  });

  it('refuses deeply nested JSON with 400, never a crash', async () => {
    const depth = 30_000;
    const res = await rawJson('/messages', `{"to":"bob","text":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(problemOf(res)).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('refuses huge numbers where strings or ids belong', async () => {
    expect(problemOf(await rawJson('/messages', '{"to":"bob","text":1e999}'))).toEqual(invalid('body.text'));
    const stream = await call(server.url, 'GET', '/users/alice/stream', {
      token: alice.token,
      headers: { 'last-event-id': '1'.repeat(400) },
    });
    expect(problemOf(stream)).toEqual(invalid('header.last-event-id'));
    const query = await call(server.url, 'GET', '/users/alice/stream?lastEventId=1e999', { token: alice.token });
    expect(problemOf(query)).toEqual(invalid('query.lastEventId'));
  });

  it('reads invalid UTF-8 as replacement characters: stored harmlessly and delivered as well-formed text', async () => {
    const body = Buffer.concat([
      Buffer.from('{"to":"bob","text":"a'),
      Buffer.from([0xff, 0xc0, 0x80]),
      Buffer.from('b"}'),
    ]);
    const res = await rawJson('/messages', body);
    expect(res.status).toBe(202);
    const stream = await openSse(`${server.url}/users/bob/stream`, {
      authorization: `Bearer ${bob.token}`,
      'last-event-id': String(Number(res.body.id) - 1),
    });
    await stream.until(messageCount(1));
    stream.close();
    expect(stream.messages()[0]!.text).toMatch(/^a\uFFFD+b$/);
  });
});

describe('texts', () => {
  it('refuses NUL and the other C0 control characters but tab, LF and CR with 400 naming body.text', async () => {
    for (const c of ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f']) {
      expect(problemOf(await send({ to: 'bob', text: `before${c}after` }))).toEqual(invalid('body.text'));
    }
  });

  it('refuses lone surrogates with 400 naming body.text', async () => {
    expect(problemOf(await rawJson('/messages', '{"to":"bob","text":"half \\ud800 a pair"}'))).toEqual(
      invalid('body.text'),
    );
  });

  it('refuses a control character sent through the command line too', async () => {
    const res = await call(server.url, 'POST', '/commands', {
      token: alice.token,
      body: 'bob: bell\u0007',
      headers: { 'content-type': 'text/plain' },
    });
    expect(problemOf(res)).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('carries tabs, newlines, carriage returns, right-to-left marks and emoji intact in exactly one message event', async () => {
    const text =
      'line one\r\n\revent: lost\r\n\nevent: presence\ndata: {"forged":true}\n\nid: 999\n\tindented \u202Eevil\u202C \u200Frtl\u200F 🎉';
    const { events, text: received } = await roundTrip(text);
    expect(received).toBe(text);
    expect(events.map((e) => e.event)).toEqual(['message']);
  });
});

describe('names', () => {
  it('refuses user names with slashes, dots, percent signs, spaces or bidi marks with 400 naming body.username', async () => {
    for (const username of [
      'a/b',
      '../etc',
      '..',
      'a%2Fb',
      'a b',
      ' alice',
      'alice\n',
      'al\u202Eice',
      'ａlice',
      'x'.repeat(33),
    ]) {
      const res = await call(server.url, 'POST', '/sessions', { json: { username, password: 'some-password' } });
      expect({ username, ...problemOf(res) }).toEqual({ username, ...invalid('body.username') });
    }
  });

  it('refuses stream paths with encoded slashes, dots or spaces with 400 naming path.name', async () => {
    for (const name of ['..%2Falice', 'a%2Fb', 'a%20b', '.%2E%2Fbob', 'alice%00', 'alice%0D%0AX-Injected:%20yes']) {
      const res = await call(server.url, 'GET', `/users/${name}/stream`, { token: alice.token });
      expect({ name, ...problemOf(res) }).toEqual({ name, ...invalid('path.name') });
    }
  });

  it('never serves files outside the web folder, however the path is encoded', async () => {
    for (const path of [
      '/..%2Fpackage.json',
      '/%2e%2e/package.json',
      '/..%5Cpackage.json',
      '/%2e%2e%2fsrc%2fserver.ts',
    ]) {
      const res = await call(server.url, 'GET', path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.text).not.toMatch(/"dependencies"|startServer/);
    }
  });
});

describe('malformed HTTP', () => {
  const rawRequest = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const { port } = new URL(server.url);
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(head));
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });

  it('answers headers holding a bare CR or LF with 400 problem+json', async () => {
    for (const head of [
      `GET /users HTTP/1.1\r\nHost: x\r\nX-Evil: a\rInjected: yes\r\n\r\n`,
      `GET /users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\nX-Injected: yes\r\n\r\n`,
      `GET /users\r\nHTTP/1.1\r\n\r\n`,
    ]) {
      const answer = await rawRequest(head);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(body).toMatchObject({ status: 400, code: 'invalid_request' });
    }
  });
});

describe('logs', () => {
  it('keep every hostile input inside one escaped JSON line', async () => {
    const forged = '{"level":60,"msg":"forged entry"}';
    await call(server.url, 'POST', '/sessions', { json: { username: `x\n${forged}\r\n`, password: 'some-password' } });
    await call(server.url, 'GET', `/users/${encodeURIComponent(`a\n${forged}`)}/stream`, { token: alice.token });
    await call(server.url, 'GET', `/nope%0A${encodeURIComponent(forged)}`);
    await call(server.url, 'POST', '/groups', {
      token: alice.token,
      json: { name: 'g9', members: [`\u001b[31mred\n${forged}`] },
    });
    const entries = logLines
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(entries.some((e) => e.msg === 'forged entry')).toBe(false);
    expect(logLines.join('').includes(String.fromCharCode(0x1b))).toBe(false);
  });
});
