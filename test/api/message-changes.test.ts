import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { captureLog, type CapturedLog } from '../support/log-capture.js';
import { expectProblem } from '../support/problems.js';
import { tempDir } from '../support/process.js';
import { openSse, type SseEvent, type SseReader } from '../support/sse.js';
import { assertSchema } from '../support/spec.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let logs: CapturedLog;
let dataDir: string;
let now = Date.parse('2026-11-24T08:00:00.000Z');
let counter = 0;
beforeAll(async () => {
  dataDir = tempDir('parley-changes-');
  logs = captureLog();
  // A clock the test moves, so that the edit window is crossed without waiting for it.
  server = await startTestServer(
    { store: 'sqlite', data: dataDir, editWindowMs: 60_000 },
    { log: logs.log, now: () => now },
  );
});
afterAll(() => server.close());

async function pair(): Promise<[TestUser, TestUser]> {
  const n = ++counter;
  return [await register(server.url, `ann${n}`), await register(server.url, `ben${n}`)];
}

const stream = (user: TestUser, lastEventId?: string) =>
  openSse(server.url + streamPath(user), {
    authorization: `Bearer ${user.token}`,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });
const countOf = (event: string, n: number) => (events: SseEvent[]) =>
  events.filter((e) => e.event === event).length >= n;
const dataOf = (reader: SseReader, event: string) =>
  reader.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as Record<string, unknown>);
const send = (from: TestUser, to: string, text: string) =>
  api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
const history = async (reader: TestUser, peer: TestUser) =>
  (await api(server.url, 'GET', `/messages?with=${peer.name}`, { token: reader.token })).body.messages;

describe("editing and deleting one's own messages", () => {
  it("shows an edit live to the recipient and to the sender's other device, on resume, and in history", async () => {
    const [ann, ben] = await pair();
    const bens = await stream(ben);
    const annsOther = await stream(ann);
    const sent = await send(ann, ben.name, 'see you at 9');
    await bens.until(countOf('message', 1));
    const position = bens.events.at(-1)!.id!;
    now += 1_000;
    const edited = await api(server.url, 'PATCH', `/messages/${sent.body.id}`, {
      token: ann.token,
      json: { text: 'see you at 10' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({
      id: sent.body.id,
      from: ann.name,
      to: ben.name,
      kind: 'direct',
      text: 'see you at 10',
      sentAt: expect.any(String),
      editedAt: new Date(now).toISOString(),
    });
    const data = { of: sent.body.id, from: ann.name, text: 'see you at 10', editedAt: new Date(now).toISOString() };
    for (const reader of [bens, annsOther]) {
      await reader.until(countOf('edited', 1));
      expect(dataOf(reader, 'edited')).toEqual([data]);
      assertSchema('EditedEvent', data);
    }
    const resumed = await stream(ben, position);
    await resumed.until(countOf('edited', 1));
    expect(dataOf(resumed, 'edited')).toEqual([data]);
    expect(BigInt(resumed.events.find((e) => e.event === 'edited')!.id!) > BigInt(position)).toBe(true);
    expect(await history(ben, ann)).toEqual([edited.body].map((m) => ({ ...m, to: ben.name })));
    for (const reader of [bens, annsOther, resumed]) reader.close();
  });

  it('refuses an edit by anyone but the sender, past the window, of an unknown id or with a bad text, changing nothing', async () => {
    const [ann, ben] = await pair();
    const sent = await send(ann, ben.name, 'original');
    expectProblem(
      await api(server.url, 'PATCH', `/messages/${sent.body.id}`, { token: ben.token, json: { text: 'forged' } }),
      403,
      'forbidden',
      'path.id',
    );
    expectProblem(
      await api(server.url, 'DELETE', `/messages/${sent.body.id}`, { token: ben.token }),
      403,
      'forbidden',
      'path.id',
    );
    expectProblem(
      await api(server.url, 'PATCH', `/messages/${sent.body.id}`, { token: ann.token, json: { text: '  ' } }),
      400,
      'invalid_request',
      'body.text',
    );
    expectProblem(
      await api(server.url, 'PATCH', '/messages/999999999999', { token: ann.token, json: { text: 'x' } }),
      404,
      'not_found',
      'path.id',
    );
    expectProblem(
      await api(server.url, 'PATCH', '/messages/abc', { token: ann.token, json: { text: 'x' } }),
      400,
      'invalid_request',
      'path.id',
    );
    now += 60_001;
    expectProblem(
      await api(server.url, 'PATCH', `/messages/${sent.body.id}`, { token: ann.token, json: { text: 'too late' } }),
      403,
      'edit_window_passed',
      'path.id',
    );
    expect((await history(ben, ann)).map((m: { text: string }) => m.text)).toEqual(['original']);
  });

  it('deletes at any time: a tombstone in history and on resume, a deleted event live, and the text gone from the database files', async () => {
    const [ann, ben] = await pair();
    const bens = await stream(ben);
    const sent = await send(ann, ben.name, 'secret one: the door code is 4711');
    await bens.until(countOf('message', 1));
    await api(server.url, 'PATCH', `/messages/${sent.body.id}`, {
      token: ann.token,
      json: { text: 'secret two: the door code is 0815' },
    });
    now += 2 * 3_600_000;
    const purged = logs.entries.filter((e) => e.msg === 'checkpointed the WAL after a deletion').length;
    expect((await api(server.url, 'DELETE', `/messages/${sent.body.id}`, { token: ann.token })).status).toBe(204);
    await bens.until(countOf('deleted', 1));
    expect(dataOf(bens, 'deleted')).toEqual([{ of: sent.body.id, from: ann.name }]);

    const tombstone = {
      id: sent.body.id,
      from: ann.name,
      to: ben.name,
      kind: 'direct',
      sentAt: expect.any(String),
      deleted: true,
    };
    expect(await history(ben, ann)).toEqual([tombstone]);
    // A device from before it all: the tombstone, the edit turned into a deletion, and the deletion.
    const resumed = await stream(ben, '0');
    await resumed.until(countOf('deleted', 2));
    expect(resumed.messages()).toEqual([tombstone]);
    expect(resumed.events.map((e) => e.event)).toEqual(['message', 'deleted', 'deleted']);
    expect(JSON.stringify(resumed.events)).not.toContain('door code');
    expectProblem(
      await api(server.url, 'DELETE', `/messages/${sent.body.id}`, { token: ann.token }),
      404,
      'not_found',
      'path.id',
    );
    expectProblem(
      await api(server.url, 'PATCH', `/messages/${sent.body.id}`, { token: ann.token, json: { text: 'back' } }),
      404,
      'not_found',
      'path.id',
    );

    await logs.until(
      (e) =>
        e.msg === 'checkpointed the WAL after a deletion' &&
        logs.entries.filter((x) => x.msg === e.msg).length > purged,
    );
    const files = ['parley.db', 'parley.db-wal'].map((name) => join(dataDir, name)).filter((file) => existsSync(file));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes('door code')).toBe(false);
    for (const reader of [bens, resumed]) reader.close();
  });
});

describe('read marks on every device', () => {
  it("tells the reader's other devices of a read mark, so that unread counts agree without a reload", async () => {
    const [ann, ben] = await pair();
    const phone = await stream(ben);
    const last = await send(ann, ben.name, 'two');
    await phone.until(countOf('message', 1));
    const unread = async () =>
      (await api(server.url, 'GET', '/conversations', { token: ben.token })).body.conversations.find(
        (c: { with: string }) => c.with === ann.name,
      ).unread;
    expect(await unread()).toBe(1);
    expect(
      (
        await api(server.url, 'PUT', `/conversations/${ann.name}/read`, {
          token: ben.token,
          json: { upTo: last.body.id },
        })
      ).status,
    ).toBe(204);
    await phone.until(countOf('read', 1));
    const [read] = dataOf(phone, 'read');
    expect(read).toEqual({ with: ann.name, upTo: last.body.id });
    assertSchema('ReadEvent', read);
    expect(await unread()).toBe(0);
    phone.close();
  });
});
