import { describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { joinedShellClient, stoppedAfterEach } from '../../support/shell-client.js';
import { openSse, type SseEvent, type SseReader } from '../../support/sse.js';

const { servers, clients, streams } = stoppedAfterEach();

async function server(): Promise<ServerProcess> {
  const started = await spawnServer(['--store', 'memory', '--message-rate', '0']);
  servers.push(started);
  return started;
}

const join = (url: string, user: TestUser) => joinedShellClient(url, user, clients);

/** Another device of `user`, as the web page would be: its own session, and its stream, which hears read marks. */
async function otherDevice(url: string, user: TestUser): Promise<{ token: string; stream: SseReader }> {
  const res = await api(url, 'POST', '/sessions', { json: { username: user.name, password: user.password } });
  const stream = await openSse(url + streamPath(user), { authorization: `Bearer ${res.body.token}` });
  streams.push(stream);
  return { token: res.body.token, stream };
}

const readMarks = (events: SseEvent[], conversation: string) =>
  events
    .filter((e) => e.event === 'read')
    .map((e) => JSON.parse(e.data) as { with: string; upTo: string })
    .filter((mark) => mark.with === conversation);

async function send(url: string, from: TestUser, to: string, text: string): Promise<string> {
  const res = await api(url, 'POST', to === 'broad' ? '/broadcast' : '/messages', {
    token: from.token,
    json: to === 'broad' ? { text } : { to, text },
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

describe('the shell client and read marks', () => {
  it('marks what it printed as read, once a second at most per conversation, and the other devices see it', async () => {
    const { url } = await server();
    const [alice, bob, carol] = [
      await register(url, 'alice'),
      await register(url, 'bob'),
      await register(url, 'carol'),
    ];
    expect(
      (await api(url, 'POST', '/groups', { token: alice.token, json: { name: 'team', members: ['bob'] } })).status,
    ).toBe(201);
    const client = await join(url, bob);
    const phone = await otherDevice(url, bob);

    // A burst from alice, then one message to the group and one broadcast.
    const burst = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => send(url, alice, 'bob', `burst ${n}`)));
    const lastDirect = burst
      .map(BigInt)
      .reduce((a, b) => (a > b ? a : b))
      .toString();
    const toTeam = await send(url, alice, 'team', 'to the team');
    const toAll = await send(url, carol, 'broad', 'to everyone');
    await client.waitFor('stdout', /carol \(broadcast\): to everyone$/);

    await phone.stream.until((events) =>
      [
        ['alice', lastDirect],
        ['team', toTeam],
        ['broad', toAll],
      ].every(([conversation, id]) => readMarks(events, conversation!).some((mark) => mark.upTo === id)),
    );
    const conversations = (await api(url, 'GET', '/conversations', { token: phone.token })).body.conversations as {
      with: string;
      unread: number;
      readUpTo: string;
    }[];
    expect(
      conversations
        .map(({ with: w, unread, readUpTo }) => ({ with: w, unread, readUpTo }))
        .sort((a, b) => (a.with < b.with ? -1 : 1)),
    ).toEqual([
      { with: 'alice', unread: 0, readUpTo: lastDirect },
      { with: 'broad', unread: 0, readUpTo: toAll },
      { with: 'team', unread: 0, readUpTo: toTeam },
    ]);
    // Six lines, not six requests: the first at once, the rest together a second later.
    const marks = readMarks(phone.stream.events, 'alice');
    console.log(`6 direct messages printed, ${marks.length} read marks`);
    expect(marks.length).toBeLessThan(6);
  });

  it('marks what it printed last before it logs out, however soon after the message that is', async () => {
    const { url } = await server();
    const [alice, bob] = [await register(url, 'alice'), await register(url, 'bob')];
    const client = await join(url, bob);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push(await send(url, alice, 'bob', `quick ${n}`));
      await client.waitFor('stdout', new RegExp(`alice: quick ${n}$`));
    }
    client.send('exit');
    expect(await client.exited).toBe(0);
    const again = await api(url, 'POST', '/sessions', { json: { username: 'bob', password: bob.password } });
    const conversations = (await api(url, 'GET', '/conversations', { token: again.body.token })).body.conversations as {
      with: string;
    }[];
    expect(conversations.find((c) => c.with === 'alice')).toMatchObject({ unread: 0, readUpTo: ids[2] });
  });
});
