import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/core/errors.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { assertSchema } from '../support/spec.js';
import { openSse, type SseReader } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { call, join, type Joined } from './client.js';

/** Names that mean something to paths, parsers, prototypes or the command language. */
const trickyNames = [
  'alice',
  'Bob',
  'carol',
  'g1',
  'team',
  '__proto__',
  'constructor',
  'broad',
  'exit',
  '..',
  '/',
  '%2F',
  'a b',
  'a/b',
  '',
  ' ',
  'x'.repeat(33),
  'ａ',
  '\u202Eevil',
  'a\u0000b',
  'a\nb',
];
const name = fc.oneof(
  fc.constantFrom(...trickyNames),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,34}$/),
);
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('hi', ' ', '\n', '\r\n', 'a\u0000b', '\ud800', 'x'.repeat(5_000), 'event: lost\ndata: {}\n\n'),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, 1e308, -0, true, [], {}));
const objectOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .record(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fc.oneof(v, anyJson)])), { requiredKeys: [] })
    .chain((body) =>
      fc.oneof(
        fc.constant(body),
        fc
          .dictionary(fc.constantFrom('__proto__', 'constructor', 'extra', 'prototype'), anyJson, { maxKeys: 2 })
          .map((extra) => ({ ...body, ...extra })),
      ),
    );

/** A request body: the JSON an endpoint expects (with wrong parts), any JSON, or raw bytes. */
const body = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { weight: 4, arbitrary: objectOf(fields).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: anyJson.map((j) => JSON.stringify(j)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '{"to":', '[[[[[[', `{"text":"${'\\u0000'.repeat(3)}"}`, '{"a":1,"a":2}'),
    },
  );

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'image/png',
  undefined,
);

type Who = 'bob' | 'carol' | 'alice2' | 'none' | 'garbage' | 'cookie';

const requestArb = fc.record({
  who: fc.constantFrom<Who>('bob', 'carol', 'alice2', 'none', 'garbage', 'cookie'),
  contentType,
  op: fc.oneof(
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/sessions'),
      body: body({ username: name, password: fc.string({ maxLength: 300 }) }),
    }),
    fc.record({ method: fc.constant('POST'), path: fc.constant('/messages'), body: body({ to: name, text }) }),
    fc.record({ method: fc.constant('POST'), path: fc.constant('/broadcast'), body: body({ text }) }),
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/groups'),
      body: body({ name, members: fc.array(name, { maxLength: 40 }) }),
    }),
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/commands'),
      body: fc.oneof(
        fc.tuple(name, text).map(([n, t]) => `${n}: ${t}`),
        text.map((t) => `broad: ${t}`),
        fc.tuple(name, fc.array(name, { maxLength: 5 })).map(([g, ms]) => ['mk_grp', g, ...ms].join(':')),
        fc.constantFrom(
          'get_users',
          'exit',
          '',
          ':',
          'mk_grp',
          'mk_grp::',
          'broad:',
          'get_users\r\nexit',
          'bob: a\r\nb',
        ),
        fc.string({ maxLength: 80 }),
      ),
    }),
    fc.record({
      method: fc.constantFrom('GET', 'DELETE', 'PUT', 'PATCH'),
      path: fc.constantFrom('/users', '/groups', '/sessions/current', '/messages', '/healthz'),
      body: fc.constant(undefined),
    }),
    fc.record({
      method: fc.constant('GET'),
      path: fc
        .tuple(name, fc.option(fc.oneof(fc.stringMatching(/^[0-9]{1,20}$/), fc.string({ maxLength: 10 }))))
        .map(
          ([n, id]) =>
            `/users/${encodeURIComponent(n)}/stream${id === null ? '' : `?lastEventId=${encodeURIComponent(id)}`}`,
        ),
      body: fc.constant(undefined),
    }),
  ),
});

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

/** Sends one request; a stream that opens is closed at once (its headers are the answer). */
function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, baseUrl),
      {
        method,
        headers: {
          ...headers,
          ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }),
        },
        agent: false,
      },
      (res) => {
        const contentType = res.headers['content-type'];
        if (res.statusCode === 200 && contentType?.startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: 200, contentType, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, contentType, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

let server: RunningServer;
let watcher: Joined;
let watcherStream: SseReader;
const users: Record<'bob' | 'carol' | 'alice2', Joined> = {} as never;
beforeAll(async () => {
  // Random logins to known names fail often: a large address budget keeps registrations in play.
  server = await startTestServer({ heartbeatMs: 1_000, loginAddressFailures: 1_000_000, loginPairFailures: 1_000_000 });
  watcher = await join(server.url, 'alice');
  users.alice2 = await join(server.url, 'alice');
  users.bob = await join(server.url, 'bob');
  users.carol = await join(server.url, 'carol');
  watcherStream = await openSse(`${server.url}/users/alice/stream`, { authorization: `Bearer ${watcher.token}` });
});
afterAll(async () => {
  watcherStream.close();
  await server.close();
});

describe('random requests', () => {
  it('never get a 5xx, always get a catalogued problem when refused, and leave the server consistent', async () => {
    const registered = new Set(['alice', 'bob', 'carol']);
    const accepted: { sender: string; body: Record<string, unknown> }[] = [];
    const codes = new Set<string>(errorCodes);
    const host = new URL(server.url).host;

    await fc.assert(
      fc.asyncProperty(requestArb, async ({ who, contentType, op }) => {
        const headers: Record<string, string> = {};
        if (contentType !== undefined && op.body !== undefined) headers['content-type'] = contentType;
        if (who === 'garbage') headers.authorization = 'Bearer not\u00ffa token';
        else if (who === 'cookie') Object.assign(headers, { cookie: users.bob.cookie, origin: `http://${host}` });
        else if (who !== 'none') headers.authorization = `Bearer ${users[who].token}`;
        const answer = await send(server.url, op.method, op.path, headers, op.body);

        expect(answer.status, `${op.method} ${op.path} -> ${answer.text}`).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.contentType).toMatch(/^application\/problem\+json/);
          const problem = JSON.parse(answer.text) as { code: string; status: number };
          expect(codes.has(problem.code)).toBe(true);
          expect(problem.status).toBe(answer.status);
        }
        if (op.path === '/sessions' && answer.status === 201)
          registered.add((JSON.parse(answer.text) as { username: string }).username);
        if (answer.status === 202) {
          const sender = who === 'cookie' ? 'bob' : who === 'alice2' ? 'alice' : who;
          accepted.push({ sender, body: JSON.parse(answer.text) as Record<string, unknown> });
        }
      }),
      { numRuns: 4_000, seed: 20_261_124, endOnFailure: true },
    );

    // The users: sorted, unique, well-formed, and exactly those registered.
    const list = await call(server.url, 'GET', '/users', { token: watcher.token });
    const names = (list.body.users as { name: string; online: boolean }[]).map((u) => u.name);
    expect(names).toEqual([...registered].sort());
    expect(list.body.users.find((u: { name: string }) => u.name === 'alice').online).toBe(true);

    // Every group: its creator first, members all registered, 2 to 32 of them, no duplicates.
    const groupsOf = async (user: Joined) =>
      (await call(server.url, 'GET', '/groups', { token: user.token })).body.groups as {
        name: string;
        members: string[];
        createdBy: string;
      }[];
    const aliceGroups = await groupsOf(watcher);
    for (const group of aliceGroups) {
      expect(group.members[0]).toBe(group.createdBy);
      expect(new Set(group.members).size).toBe(group.members.length);
      expect(group.members.length).toBeGreaterThanOrEqual(2);
      expect(group.members.length).toBeLessThanOrEqual(32);
      for (const member of group.members) expect(registered.has(member)).toBe(true);
      expect(registered.has(group.name)).toBe(false);
    }

    // The stream: everything accepted for alice arrived once, in order, as valid msgforms.
    const aliceGroupNames = new Set(aliceGroups.map((g) => g.name));
    const expected = accepted
      .filter(({ sender, body }) =>
        !('to' in body)
          ? sender !== 'alice'
          : body.to === 'alice' || (aliceGroupNames.has(body.to as string) && sender !== 'alice'),
      )
      .map(({ body }) => body.id as string);
    // The random requests may have logged bob out and spent this address's login budget: a fresh user elsewhere.
    const closer = await join(server.url, 'closer', { localAddress: '127.0.0.9' });
    const closing = await call(server.url, 'POST', '/messages', {
      token: closer.token,
      json: { to: 'alice', text: 'the end' },
    });
    expect(closing.status).toBe(202);
    await watcherStream.until(
      (events) => events.some((e) => e.event === 'message' && e.id === closing.body.id),
      20_000,
    );
    const received = watcherStream.messages<{ id: string }>();
    for (const msgform of received) assertSchema('Msgform', msgform);
    const ids = received.map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(received.map((m) => m.id)).toEqual([...expected, closing.body.id]);
  });
});
