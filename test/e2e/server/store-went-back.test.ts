import { cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { runParley, serverFleet, tempDir } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { openSse } from '../../support/sse.js';
import { assertSchema } from '../../support/spec.js';

const fleet = serverFleet();
const redisServers: RedisServer[] = [];
afterAll(async () => {
  await fleet.stopAll();
  await Promise.all(redisServers.map((redis) => redis.stop()));
});

const send = async (url: string, from: TestUser, to: TestUser, text: string): Promise<string> => {
  const res = await api(url, 'POST', '/messages', { token: from.token, json: { to: to.name, text } });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

/** Opens bob's stream (resuming after `lastEventId` when given) and reads until it has the message `id`. */
async function readUntil(url: string, bob: TestUser, id: string, lastEventId?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${bob.token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const stream = await openSse(url + streamPath(bob), headers);
  await stream.until((events) => events.some((e) => e.id === id));
  stream.close();
  return stream.events.map((e) => ({ event: e.event, id: e.id, data: JSON.parse(e.data) as Record<string, unknown> }));
}

/**
 * The device's view across the store going back: it read four messages, the store now holds only the first two,
 * and two more are sent. It must hear that the store lost its position, then get the two new ones, which carry
 * ids above everything it saw.
 */
async function expectResumeAcrossTheLoss(url: string, alice: TestUser, bob: TestUser, seen: string[]) {
  const five = await send(url, alice, bob, 'five');
  const six = await send(url, alice, bob, 'six');
  console.log(`ids seen before: ${seen.join(' ')}; after the store went back: five ${five}, six ${six}`);
  for (const id of [five, six]) expect(seen).not.toContain(id);
  expect(BigInt(five)).toBeGreaterThan(BigInt(seen[3]!));

  const resumed = await readUntil(url, bob, six, seen[3]);
  console.log(`resuming at ${seen[3]}: ${resumed.map((e) => `${e.event} ${JSON.stringify(e.data)}`).join('\n  ')}`);
  expect(resumed.map((e) => e.event)).toEqual(['lost', 'message', 'message']);
  expect(resumed[0]!.data).toEqual({ reason: 'store', after: seen[3] });
  assertSchema('LostEvent', resumed[0]!.data);
  expect(resumed.slice(1).map((e) => [e.id, e.data.text])).toEqual([
    [five, 'five'],
    [six, 'six'],
  ]);

  const history = await api(url, 'GET', '/messages?with=alice', { token: bob.token });
  expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['one', 'two', 'five', 'six']);
}

/** The issue's story on SQLite: alice sends bob two messages, the operator backs up, two more; bob's device reads all four. */
async function backedUpAfterTwoOfFour() {
  const data = tempDir('parley-restore-');
  const server = await fleet.start(['--data', data]);
  const alice = await register(server.url, 'alice');
  const bob = await register(server.url, 'bob');
  const seen = [await send(server.url, alice, bob, 'one'), await send(server.url, alice, bob, 'two')];
  const backup = join(tempDir('parley-backup-'), 'parley.db');
  expect((await runParley(['backup', backup], { env: { PARLEY_DATA: data } })).code).toBe(0);
  seen.push(await send(server.url, alice, bob, 'three'), await send(server.url, alice, bob, 'four'));
  expect((await readUntil(server.url, bob, seen[3]!)).map((e) => e.id)).toEqual(seen);
  return { data, server, alice, bob, seen, backup };
}

describe('a store that went back in time', () => {
  it('SQLite restored as docs/operations.md backs up and restores: the device resuming at its last id gets lost (store), then the new messages', async () => {
    const { data, server, alice, bob, seen, backup } = await backedUpAfterTwoOfFour();

    const refused = await runParley(['restore', backup], { env: { PARLEY_DATA: data } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is in use by a running Parley server; stop it first');
    expect(await server.stop()).toBe(0);
    // The restore of docs/operations.md.
    const restore = await runParley(['restore', backup], { env: { PARLEY_DATA: data } });
    console.log(`parley restore printed:\n${restore.stdout}`);
    expect(restore.code).toBe(0);
    const lines = restore.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^restored ${backup} \\(taken 20\\d\\d-.*Z\\) as ${join(data, 'parley.db')}$`));
    expect(lines[1]).toMatch(/^kept the database it replaces as .*parley\.db\.before-restore-/);
    expect(lines[2]).toMatch(
      /^it held 2 messages the backup lacks, sent from 20.* to 20.*: they are gone; devices that saw them are told so/,
    );
    const restored = await fleet.start(['--data', data]);
    const told = restored.logs.find((entry) =>
      String(entry.msg).startsWith('this database is a backup opened for the first time'),
    );
    console.log(`start on the restored copy logged: ${JSON.stringify(told)}`);
    expect(told).toMatchObject({ level: 40, lastMessageId: Number(seen[1]) });

    await expectResumeAcrossTheLoss(restored.url, alice, bob, seen);
    // Told once: the next start on the same file is an ordinary start.
    expect(await restored.stop()).toBe(0);
    const again = await fleet.start(['--data', data]);
    expect(again.logs.filter((entry) => String(entry.msg).startsWith('this database is a backup'))).toEqual([]);
  });

  it('SQLite restored by hand (the copy as parley.db in an empty data directory): the start says it is a backup', async () => {
    const { data, server, alice, bob, seen, backup } = await backedUpAfterTwoOfFour();
    expect(await server.stop()).toBe(0);

    renameSync(data, `${data}.old`);
    mkdirSync(data);
    cpSync(backup, join(data, 'parley.db'));
    const restored = await fleet.start(['--data', data]);
    expect(
      restored.logs.find((entry) =>
        String(entry.msg).startsWith('this database is a backup opened for the first time'),
      ),
    ).toMatchObject({
      level: 40,
      lastMessageId: Number(seen[1]),
    });
    await expectResumeAcrossTheLoss(restored.url, alice, bob, seen);
  });

  it('Redis restarted from an older copy of its files under a running Parley: the same, and the process logs what went', async () => {
    const redis = await startRedisServer({ appendfsync: 'always' });
    redisServers.push(redis);
    const server = await fleet.start(['--store', 'redis', '--redis-url', redis.url]);
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const seen = [await send(server.url, alice, bob, 'one'), await send(server.url, alice, bob, 'two')];
    // With appendfsync always, the append-only files hold every write Redis has answered: a copy now is the
    // state of a replica that lagged by the next two messages.
    const older = tempDir('parley-redis-older-');
    cpSync(redis.dir, older, { recursive: true });
    seen.push(await send(server.url, alice, bob, 'three'), await send(server.url, alice, bob, 'four'));
    expect((await readUntil(server.url, bob, seen[3]!)).map((e) => e.id)).toEqual(seen);

    await redis.stop();
    rmSync(redis.dir, { recursive: true });
    cpSync(older, redis.dir, { recursive: true });
    const restarted = await startRedisServer({ dir: redis.dir, port: redis.port, appendfsync: 'always' });
    redisServers.push(restarted);
    // However long Parley's connections take to come back after the restart.
    const told = await server.waitForLog((entry) => String(entry.msg).startsWith('the store went back in time'), {
      timeoutMs: 20_000,
    });
    console.log(`the running process logged: ${JSON.stringify(told)}`);
    expect(told).toMatchObject({ level: 40, lastId: Number(seen[1]), seenId: Number(seen[3]) });

    await expectResumeAcrossTheLoss(server.url, alice, bob, seen);
  });
});

describe('a store that did not go back', () => {
  /**
   * Every position bob was shown is one he may resume from: what he received, and what he sent (his history and
   * his other devices show it): a direct message, a group message, a broadcast, and his edit of one. None is a loss.
   */
  async function resumeAtOwnPositions(url: string) {
    const [alice, bob] = [await register(url, 'alice'), await register(url, 'bob')];
    const made = await api(url, 'POST', '/groups', { token: bob.token, json: { name: 'team', members: ['alice'] } });
    expect(made.status).toBe(201);
    const sent = async (path: string, json: object) => {
      const res = await api(url, 'POST', path, { token: bob.token, json });
      expect(res.status).toBe(202);
      return res.body.id as string;
    };
    const direct = await sent('/messages', { to: 'alice', text: 'mine, direct' });
    const group = await sent('/messages', { to: 'team', text: 'mine, to the group' });
    const broadcast = await sent('/broadcast', { text: 'mine, to everyone' });
    const edited = await api(url, 'PATCH', `/messages/${direct}`, { token: bob.token, json: { text: 'mine, edited' } });
    expect(edited.status).toBe(200);
    // The edit is an event on bob's own queue too (his other devices hear it): its id is a position of his.
    const editEvent = (await eventsFromStart(url, bob)).find((e) => e.event === 'edited')!.id!;
    for (const [what, position] of Object.entries({ direct, group, broadcast, editEvent })) {
      const next = await send(url, alice, bob, `after ${what}`);
      const resumed = await readUntil(url, bob, next, position);
      expect(
        resumed.map((e) => e.event),
        `resuming at bob's own ${what}`,
      ).not.toContain('lost');
      expect(resumed.at(-1)).toMatchObject({ id: next, data: { text: `after ${what}` } });
    }
  }

  /** Bob's stream from the start, read until his own edit came back to it. */
  async function eventsFromStart(url: string, bob: TestUser) {
    const stream = await openSse(url + streamPath(bob), { authorization: `Bearer ${bob.token}`, 'last-event-id': '0' });
    await stream.until((events) => events.some((e) => e.event === 'edited'));
    stream.close();
    return stream.events;
  }

  it('resumes at positions the user sent, on memory, SQLite and Redis, with no lost', async () => {
    const redis = await startRedisServer();
    redisServers.push(redis);
    for (const args of [
      ['--store', 'memory'],
      ['--store', 'sqlite', '--data', tempDir()],
      ['--store', 'redis', '--redis-url', redis.url],
    ]) {
      const server = await fleet.start(args);
      await resumeAtOwnPositions(server.url);
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);
});
