import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, type TestUser } from '../support/api.js';
import { expectGoneFromDatabaseFiles, purgesSoFar } from '../support/database-files.js';
import { countOf, groupOf, historyOf, people, streamOf } from '../support/chat-calls.js';
import { captureLog, type CapturedLog } from '../support/log-capture.js';
import { expectProblem } from '../support/problems.js';
import { tempDir } from '../support/process.js';
import { assertSchema } from '../support/spec.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let logs: CapturedLog;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir('parley-replies-');
  logs = captureLog();
  server = await startTestServer({ store: 'sqlite', data: dataDir }, { log: logs.log });
});
afterAll(() => server.close());

const stream = (user: TestUser, lastEventId?: string) => streamOf(server.url, user, lastEventId);
const send = (from: TestUser, to: string, text: string, replyTo?: string) =>
  api(server.url, 'POST', '/messages', {
    token: from.token,
    json: replyTo === undefined ? { to, text } : { to, text, replyTo },
  });
const history = (reader: TestUser, conversation: string) => historyOf(server.url, reader, conversation);
const group = (owner: TestUser, members: TestUser[]) => groupOf(server.url, owner, members);

describe('replies', () => {
  it('carries a quote of the start of the original, on one line, live to every recipient and in history', async () => {
    const [ann, ben] = await people(server.url, 'rep');
    const anns = await stream(ann);
    const long = `shall we meet\n\tat 9 tomorrow, ${'before the review '.repeat(8)}and after?`;
    const original = await send(ann, ben.name, long);
    const reply = await send(ben, ann.name, 'yes, at 10', original.body.id);
    expect(reply.status).toBe(202);
    await anns.until(countOf('message', 1));
    const quote = {
      id: original.body.id,
      from: ann.name,
      text: `${long.replace(/\s+/g, ' ').slice(0, 120)}…`,
    };
    const [live] = anns.messages();
    expect(live).toEqual({
      id: reply.body.id,
      from: ben.name,
      to: ann.name,
      kind: 'direct',
      text: 'yes, at 10',
      sentAt: reply.body.sentAt,
      replyTo: quote,
    });
    assertSchema('Msgform', live);
    expect((await history(ben, ann.name)).map((m) => m.replyTo)).toEqual([undefined, quote]);
    // A quote keeps the words the reply answered: a later edit of the original leaves it as it was.
    await api(server.url, 'PATCH', `/messages/${original.body.id}`, { token: ann.token, json: { text: 'at 11' } });
    expect((await history(ann, ben.name))[1]!.replyTo).toEqual(quote);
    anns.close();
  });

  it('answers a group message in the group, for every member', async () => {
    const [ann, ben, cat] = await people(server.url, 'rep');
    const team = await group(ann, [ben, cat]);
    const cats = await stream(cat);
    const original = await send(ann, team, 'who takes the notes?');
    const reply = await send(ben, team, 'me', original.body.id);
    await cats.until(countOf('message', 2));
    expect(cats.messages()[1]).toMatchObject({
      id: reply.body.id,
      group: team,
      replyTo: { id: original.body.id, from: ann.name, text: 'who takes the notes?' },
    });
    expect((await history(ann, team))[1]!.replyTo).toEqual({
      id: original.body.id,
      from: ann.name,
      text: 'who takes the notes?',
    });
    cats.close();
  });

  it('refuses a reply to a message the sender does not read in that conversation, a deleted one, or a bad id', async () => {
    const [ann, ben, cat, dan] = await people(server.url, 'rep');
    const elsewhere = await send(ann, cat.name, 'not for ben');
    const toDan = await send(ann, dan.name, 'for dan');
    const team = await group(ann, [cat]);
    const before = await send(ann, team, 'before ben joined');
    await api(server.url, 'POST', `/groups/${team}/members`, { token: ann.token, json: { members: [ben.name] } });
    const deleted = await send(ann, ben.name, 'soon gone');
    await api(server.url, 'DELETE', `/messages/${deleted.body.id}`, { token: ann.token });
    for (const [to, id] of [
      [ann.name, elsewhere.body.id],
      [ann.name, toDan.body.id],
      [team, toDan.body.id],
      [team, before.body.id],
      [ann.name, deleted.body.id],
      [ann.name, '999999999999'],
    ] as const) {
      expectProblem(await send(ben, to, 'hm', id), 404, 'not_found', 'body.replyTo');
    }
    expectProblem(await send(ben, ann.name, 'hm', 'abc'), 400, 'invalid_request', 'body.replyTo');
    expect(await history(ben, ann.name)).toEqual([expect.objectContaining({ deleted: true })]);
  });

  it("blanks every reply's quote once the original is deleted: live word, history, resume and the database files", async () => {
    const [ann, ben, cat] = await people(server.url, 'rep');
    const team = await group(ann, [ben, cat]);
    const bens = await stream(ben);
    const original = await send(ann, team, 'the vault code is 8812-4471');
    const fromBen = await send(ben, team, 'noted', original.body.id);
    const fromCat = await send(cat, team, 'thanks', original.body.id);
    await bens.until(countOf('message', 2));
    const position = bens.events.at(-1)!.id!;
    const purged = purgesSoFar(logs);
    expect((await api(server.url, 'DELETE', `/messages/${original.body.id}`, { token: ann.token })).status).toBe(204);
    await bens.until(countOf('deleted', 1));

    const blanked = { id: original.body.id, from: ann.name, deleted: true };
    const shown = await history(cat, team);
    expect(shown.map((m) => m.id)).toEqual([original.body.id, fromBen.body.id, fromCat.body.id]);
    expect(shown.slice(1).map((m) => m.replyTo)).toEqual([blanked, blanked]);
    for (const m of shown) assertSchema('MessageOrTombstone', m);
    const resumed = await stream(ben, '0');
    await resumed.until(countOf('deleted', 1));
    expect(resumed.messages().map((m) => m.replyTo)).toEqual([undefined, blanked]);
    const after = await stream(ben, position);
    await after.until(countOf('deleted', 1));
    expect(JSON.stringify([resumed.events, after.events, shown])).not.toContain('8812');

    await expectGoneFromDatabaseFiles(logs, dataDir, purged, '8812-4471');
    for (const reader of [bens, resumed, after]) reader.close();
  });

  it('is `>42 bob: text` on the command line, checked as the REST body is', async () => {
    const [ann, ben] = await people(server.url, 'rep');
    const original = await send(ann, ben.name, 'lunch?');
    const line = (user: TestUser, text: string) =>
      api(server.url, 'POST', '/commands', { token: user.token, text, headers: { accept: 'application/json' } });
    const reply = await line(ben, `>${original.body.id} ${ann.name}: sure`);
    expect(reply.status).toBe(202);
    expect((await history(ann, ben.name))[1]).toMatchObject({
      id: reply.body.id,
      text: 'sure',
      replyTo: { id: original.body.id, from: ann.name, text: 'lunch?' },
    });
    expectProblem(await line(ben, `>999999999999 ${ann.name}: sure`), 404, 'not_found', 'command.replyTo');
    expectProblem(await line(ben, `>${original.body.id}: sure`), 400, 'invalid_request', 'body');
    expectProblem(await line(ben, `>${original.body.id} ${ann.name}:   `), 400, 'invalid_request', 'command.text');
  });
});
