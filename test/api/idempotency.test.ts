import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { tempDir } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { openSse } from '../support/sse.js';

const root = tempDir('parley-idempotency-');

describe.each(['memory', 'sqlite'] as const)('Idempotency-Key on %s', (store) => {
  let server: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    server = await startTestServer({ store, data: mkdtempSync(join(root, 'data-')) });
    [alice, bob, carol] = [
      await register(server.url, 'alice'),
      await register(server.url, 'bob'),
      await register(server.url, 'carol'),
    ];
  });
  afterAll(() => server.close());

  const post = (from: TestUser, path: string, body: { json?: unknown; text?: string }, key?: string) =>
    api(server.url, 'POST', path, {
      token: from.token,
      ...body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const history = async (user: TestUser, peer: string) =>
    (
      (await api(server.url, 'GET', `/messages?with=${peer}`, { token: user.token })).body.messages as {
        id: string;
        text: string;
      }[]
    ).map((m) => [m.id, m.text]);

  it('answers a retry of a message with the same key as the first send, 202 with its id, and stores it once', async () => {
    const first = await post(alice, '/messages', { json: { to: 'bob', text: 'only once' } }, 'retry-1');
    expect(first.status).toBe(202);
    const stream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    await stream.until((events) => events.some((e) => e.id === first.body.id));
    const again = await post(alice, '/messages', { json: { to: 'bob', text: 'only once' } }, 'retry-1');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    // A change of body under the same key: the first message stands.
    const changed = await post(alice, '/messages', { json: { to: 'bob', text: 'something else' } }, 'retry-1');
    expect(changed.body.id).toBe(first.body.id);
    // Then a message without a key: the stream shows it right after the first one, nothing in between.
    const next = await post(alice, '/messages', { json: { to: 'bob', text: 'next' } });
    await stream.until((events) => events.some((e) => e.id === next.body.id));
    expect(stream.messages<{ text: string }>().map((m) => m.text)).toEqual(['only once', 'next']);
    stream.close();
    expect(await history(bob, 'alice')).toEqual([
      [first.body.id, 'only once'],
      [next.body.id, 'next'],
    ]);
  });

  it('keeps the keys of different users apart', async () => {
    const fromAlice = await post(alice, '/messages', { json: { to: 'carol', text: 'from alice' } }, 'shared-key');
    const fromBob = await post(bob, '/messages', { json: { to: 'carol', text: 'from bob' } }, 'shared-key');
    expect(fromBob.body.id).not.toBe(fromAlice.body.id);
    expect((await history(carol, 'bob')).map(([, text]) => text)).toEqual(['from bob']);
  });

  it('applies to broadcasts and to the sends of POST /commands', async () => {
    const broad = await post(carol, '/broadcast', { json: { text: 'to all, once' } }, 'b-1');
    expect((await post(carol, '/broadcast', { json: { text: 'to all, once' } }, 'b-1')).body).toEqual(broad.body);
    const line = await post(carol, '/commands', { text: 'alice: by command, once' }, 'c-1');
    expect(line.status).toBe(202);
    expect((await post(carol, '/commands', { text: 'alice: by command, once' }, 'c-1')).body).toEqual(line.body);
    expect((await history(alice, 'broad')).filter(([, text]) => text === 'to all, once')).toHaveLength(1);
    expect((await history(alice, 'carol')).filter(([, text]) => text === 'by command, once')).toHaveLength(1);
  });

  it('refuses a key that is empty, too long or not printable ASCII with 400 naming the header, storing nothing', async () => {
    for (const key of ['', 'k'.repeat(201), 'naïve']) {
      const res = await post(alice, '/messages', { json: { to: 'carol', text: `bad key ${key.length}` } }, key);
      expectProblem(res, 400, 'invalid_request', 'header.idempotency-key');
    }
    expect((await history(carol, 'alice')).filter(([, text]) => text!.startsWith('bad key'))).toEqual([]);
    expect(
      (await post(alice, '/messages', { json: { to: 'carol', text: 'longest key' } }, 'k'.repeat(200))).status,
    ).toBe(202);
  });
});
