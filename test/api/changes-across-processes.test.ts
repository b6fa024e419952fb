import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { redisForFile } from '../support/redis-server.js';
import { openSse, type SseEvent, type SseReader } from '../support/sse.js';

// Two real Parley processes on one real redis-server: a change made through one reaches the streams on the
// other, in order with the messages.
const redis = redisForFile();

const openStream = (server: ServerProcess, user: TestUser) =>
  openSse(`${server.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}` });
const countOf = (event: string, n: number) => (events: SseEvent[]) =>
  events.filter((e) => e.event === event).length >= n;
const kinds = (reader: SseReader) => reader.events.filter((e) => e.event !== 'presence').map((e) => e.event);

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('changes across two Parley processes on one Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    const args = ['--store', 'redis', '--redis-url', redis.url, '--redis-prefix', redis.prefix('changes')];
    [a, b] = await Promise.all([spawnServer(args), spawnServer(args)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('fans a membership change, an edit and a deletion made through one process out to streams on the other, in order', async () => {
    const alice = await register(a.url, 'alice');
    const bob = await register(b.url, 'bob');
    const carol = await register(a.url, 'carol');
    const bobOnB = await openStream(b, bob);
    const carolOnB = await openStream(b, carol);
    expect(
      (await api(a.url, 'POST', '/groups', { token: alice.token, json: { name: 'crew', members: ['bob'] } })).status,
    ).toBe(201);
    const added = await api(a.url, 'POST', '/groups/crew/members', {
      token: alice.token,
      json: { members: ['carol'] },
    });
    expect(added.body.members).toEqual(['alice', 'bob', 'carol']);
    await carolOnB.until(countOf('group', 1));
    expect(JSON.parse(carolOnB.events.find((e) => e.event === 'group')!.data)).toMatchObject({
      change: 'added',
      users: ['carol'],
      by: 'alice',
    });
    // B knows the new member at once: a message sent through B reaches her.
    const hello = await api(b.url, 'POST', '/messages', {
      token: bob.token,
      json: { to: 'crew', text: 'welcome carol' },
    });
    expect(hello.body.recipients).toBe(2);
    await carolOnB.until(countOf('message', 1));

    const sent = await api(a.url, 'POST', '/messages', {
      token: alice.token,
      json: { to: 'crew', text: 'the vault code is 2718' },
    });
    const edited = await api(a.url, 'PATCH', `/messages/${sent.body.id}`, {
      token: alice.token,
      json: { text: 'the vault code is 3141' },
    });
    expect(edited.status).toBe(200);
    const purged = b.logs.filter((e) => e.msg === 'Redis rewrote its append-only file after a deletion').length;
    expect((await api(b.url, 'DELETE', `/messages/${sent.body.id}`, { token: alice.token })).status).toBe(204);
    for (const reader of [bobOnB, carolOnB]) {
      await reader.until(countOf('deleted', 1));
      const ids = reader.events.filter((e) => e.id !== undefined).map((e) => BigInt(e.id!));
      for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    }
    expect(kinds(bobOnB)).toEqual(['group', 'group', 'message', 'edited', 'deleted']);
    expect(kinds(carolOnB)).toEqual(['group', 'message', 'message', 'edited', 'deleted']);
    expect(JSON.parse(bobOnB.events.find((e) => e.event === 'edited')!.data)).toMatchObject({
      of: sent.body.id,
      text: 'the vault code is 3141',
    });

    const history = await api(a.url, 'GET', '/messages?with=crew', { token: carol.token });
    expect(history.body.messages.at(-1)).toMatchObject({ id: sent.body.id, deleted: true });
    expect(JSON.stringify(history.body)).not.toContain('vault code');
    // The process that deleted it has Redis rewrite its append-only file: the text is in none of Redis's files.
    await b.waitForLog((e) => e.msg === 'Redis rewrote its append-only file after a deletion', {
      skip: 0,
      timeoutMs: 30_000,
    });
    expect(
      b.logs.filter((e) => e.msg === 'Redis rewrote its append-only file after a deletion').length,
    ).toBeGreaterThan(purged);
    const files = filesUnder(redis.server.dir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes('vault code'), file).toBe(false);
    bobOnB.close();
    carolOnB.close();
  });
});
