import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, type TestUser } from '../support/api.js';
import { countOf, groupOf, historyOf, people, streamOf } from '../support/chat-calls.js';
import { expectProblem } from '../support/problems.js';
import type { SseEvent, SseReader } from '../support/sse.js';
import { assertSchema } from '../support/spec.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const stream = (user: TestUser) => streamOf(server.url, user);
const saying = (text: string) => (events: SseEvent[]) =>
  events.some((e) => e.event === 'message' && (JSON.parse(e.data) as { text?: string }).text === text);
const reactionsOf = (reader: SseReader) =>
  reader.events.filter((e) => e.event === 'reaction').map((e) => JSON.parse(e.data) as Record<string, unknown>);
const send = (from: TestUser, to: string, text = 'hello') =>
  api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
const react = (user: TestUser, id: string, emoji: string, method: 'PUT' | 'DELETE' = 'PUT') =>
  api(server.url, method, `/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token: user.token });
const history = (reader: TestUser, conversation: string) => historyOf(server.url, reader, conversation);
const group = (owner: TestUser, members: TestUser[]) => groupOf(server.url, owner, members);

describe('reactions', () => {
  it('tells everyone who has the message of each change, in the resumable sequence, and no one of a change that changes nothing', async () => {
    const [ann, ben, cat, dan] = await people(server.url, 'rx');
    const team = await group(ann, [ben, cat]);
    const sent = await send(ann, team, 'ship it?');
    await api(server.url, 'POST', `/groups/${team}/members`, { token: ann.token, json: { members: [dan.name] } });
    const readers = await Promise.all([ann, ben, cat, dan].map(stream));
    expect((await react(ben, sent.body.id, '👍')).status).toBe(204);
    expect((await react(ben, sent.body.id, '👍')).status).toBe(204);
    expect((await react(ben, sent.body.id, '👍', 'DELETE')).status).toBe(204);
    expect((await react(ben, sent.body.id, '👍', 'DELETE')).status).toBe(204);
    // Written after the reactions: once a stream has it, it has any reaction event written to it.
    await send(dan, team, 'done');
    await send(ann, team, 'noted');
    const of = sent.body.id;
    for (const reader of readers.slice(0, 3)) {
      await reader.until(saying('done'));
      expect(reactionsOf(reader)).toEqual([
        { of, emoji: '👍', user: ben.name, on: true },
        { of, emoji: '👍', user: ben.name, on: false },
      ]);
      const ids = reader.events.filter((e) => e.id !== undefined).map((e) => BigInt(e.id!));
      expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    }
    for (const data of reactionsOf(readers[0]!)) assertSchema('ReactionEvent', data);
    // dan joined after the message was sent: it is not his, and neither are its reactions.
    await readers[3]!.until(saying('noted'));
    expect(reactionsOf(readers[3]!)).toEqual([]);
    for (const reader of readers) reader.close();
  });

  it('shows each emoji in history with its count and whether the reader reacted, in the order of its oldest reaction', async () => {
    const [ann, ben] = await people(server.url, 'rx');
    const first = await send(ann, ben.name, 'one');
    const second = await send(ben, ann.name, 'two');
    await react(ann, first.body.id, '🎉');
    await react(ben, first.body.id, '👍');
    await react(ann, first.body.id, '👍\uFE0F');
    const mine = await history(ann, ben.name);
    expect(mine[0]!.reactions).toEqual([
      { emoji: '🎉', count: 1, me: true },
      { emoji: '👍', count: 2, me: true },
    ]);
    expect(mine[1]).not.toHaveProperty('reactions');
    expect((await history(ben, ann.name))[0]!.reactions).toEqual([
      { emoji: '🎉', count: 1, me: false },
      { emoji: '👍', count: 2, me: true },
    ]);
    await react(ann, first.body.id, '🎉', 'DELETE');
    expect((await history(ben, ann.name))[0]!.reactions).toEqual([{ emoji: '👍', count: 2, me: true }]);
    expect(second.status).toBe(202);
  });

  it('refuses a 21st different emoji with too_many_reactions, but not one more user of an emoji the message has', async () => {
    const [ann, ben] = await people(server.url, 'rx');
    const sent = await send(ann, ben.name, 'vote');
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];
    expect(emoji).toHaveLength(20);
    for (const e of emoji) expect((await react(ann, sent.body.id, e)).status).toBe(204);
    expectProblem(await react(ben, sent.body.id, '🚀'), 422, 'too_many_reactions', 'path.emoji');
    expect((await react(ben, sent.body.id, '😀')).status).toBe(204);
    expect((await history(ben, ann.name))[0]!.reactions).toHaveLength(20);
  });

  it('refuses what is not one emoji, a bad id, and messages the caller does not have', async () => {
    const [ann, ben, cat] = await people(server.url, 'rx');
    const toBen = await send(ann, ben.name, 'just us');
    for (const bad of ['a', '👍👍', '©', ' ']) {
      expectProblem(await react(ben, toBen.body.id, bad), 400, 'invalid_request', 'path.emoji');
    }
    expectProblem(await react(ben, 'abc', '👍'), 400, 'invalid_request', 'path.id');
    const malformed = `/messages/${toBen.body.id}/reactions/%F0%9F%91`;
    expectProblem(await api(server.url, 'PUT', malformed, { token: ben.token }), 400, 'invalid_request', 'path');
    expectProblem(await react(ben, '999999999999', '👍'), 404, 'not_found', 'path.id');
    expectProblem(await react(cat, toBen.body.id, '👍'), 404, 'not_found', 'path.id');
    const team = await group(ann, [ben]);
    const inTeam = await send(ann, team, 'members only');
    expectProblem(await react(cat, inTeam.body.id, '👍'), 403, 'not_member', 'path.id');
    expect(await history(ben, ann.name)).toEqual([expect.not.objectContaining({ reactions: expect.anything() })]);
  });

  it('takes the reactions of a deleted message with it, and refuses new ones', async () => {
    const [ann, ben] = await people(server.url, 'rx');
    const sent = await send(ann, ben.name, 'oops');
    await react(ben, sent.body.id, '😮');
    await api(server.url, 'DELETE', `/messages/${sent.body.id}`, { token: ann.token });
    expect(await history(ben, ann.name)).toEqual([
      { id: sent.body.id, from: ann.name, to: ben.name, kind: 'direct', sentAt: sent.body.sentAt, deleted: true },
    ]);
    expectProblem(await react(ben, sent.body.id, '😮'), 404, 'not_found', 'path.id');
  });

  it('goes to every user for a broadcast, whoever reacts', async () => {
    const [ann, ben] = await people(server.url, 'rx');
    const sent = await api(server.url, 'POST', '/broadcast', { token: ann.token, json: { text: 'all hands at 3' } });
    const anns = await stream(ann);
    expect((await react(ben, sent.body.id, '👀')).status).toBe(204);
    await anns.until(countOf('reaction', 1));
    expect(reactionsOf(anns)).toEqual([{ of: sent.body.id, emoji: '👀', user: ben.name, on: true }]);
    expect((await history(ann, 'broad')).at(-1)!.reactions).toEqual([{ emoji: '👀', count: 1, me: false }]);
    anns.close();
  });

  it('is `+42 👍` and `-42 👍` on the command line, checked as the REST path is', async () => {
    const [ann, ben] = await people(server.url, 'rx');
    const sent = await send(ann, ben.name, 'hi');
    const line = (text: string) =>
      api(server.url, 'POST', '/commands', { token: ben.token, text, headers: { accept: 'application/json' } });
    expect((await line(`+${sent.body.id} 👋`)).status).toBe(204);
    expect((await history(ann, ben.name))[0]!.reactions).toEqual([{ emoji: '👋', count: 1, me: false }]);
    expect((await line(`-${sent.body.id} 👋`)).status).toBe(204);
    expect(await history(ann, ben.name)).toEqual([expect.not.objectContaining({ reactions: expect.anything() })]);
    expectProblem(await line(`+${sent.body.id} x`), 400, 'invalid_request', 'command.emoji');
    expectProblem(await line('+999999999999 👋'), 404, 'not_found', 'command.id');
  });
});
