import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { openSse, type SseReader } from '../support/sse.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const clients = 100;
const perClient = 3;

describe('many concurrent clients', () => {
  it('delivers every direct, group and broadcast message exactly once, in order per sender, across 100 open streams', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < clients; i++) users.push(await register(server.url, `u${String(i).padStart(3, '0')}`));
    // Ten groups of ten: u000..u009 in g0, and so on.
    for (let g = 0; g < 10; g++) {
      const members = users.slice(g * 10 + 1, g * 10 + 10).map((u) => u.name);
      expect(
        (await api(server.url, 'POST', '/groups', { token: users[g * 10]!.token, json: { name: `g${g}`, members } }))
          .status,
      ).toBe(201);
    }
    const streams: SseReader[] = await Promise.all(
      users.map((u) => openSse(server.url + streamPath(u), { authorization: `Bearer ${u.token}` })),
    );

    // Every client at once: direct messages to the next client, a message to its group, and one broadcast from every tenth.
    const expected = new Map<string, string[]>(users.map((u) => [u.name, []]));
    const sends: Promise<void>[] = users.map(async (user, i) => {
      const next = users[(i + 1) % clients]!;
      const group = `g${Math.floor(i / 10)}`;
      for (let k = 0; k < perClient; k++) {
        const text = `${user.name}#${k}`;
        const res = await api(server.url, 'POST', '/messages', { token: user.token, json: { to: next.name, text } });
        expect(res.status).toBe(202);
        const res2 = await api(server.url, 'POST', '/messages', {
          token: user.token,
          json: { to: group, text: `${text}@${group}` },
        });
        expect(res2.status).toBe(202);
      }
      if (i % 10 === 0) {
        const res = await api(server.url, 'POST', '/broadcast', {
          token: user.token,
          json: { text: `${user.name}!all` },
        });
        expect(res.body.recipients).toBe(clients - 1);
      }
    });
    await Promise.all(sends);
    for (const [i, user] of users.entries()) {
      const prev = users[(i - 1 + clients) % clients]!;
      const list = expected.get(user.name)!;
      for (let k = 0; k < perClient; k++) list.push(`${prev.name}#${k}`);
      const g = Math.floor(i / 10);
      for (const member of users.slice(g * 10, g * 10 + 10))
        if (member !== user) for (let k = 0; k < perClient; k++) list.push(`${member.name}#${k}@g${g}`);
      for (let b = 0; b < clients; b += 10) if (b !== i) list.push(`${users[b]!.name}!all`);
    }

    await Promise.all(
      streams.map((s, i) =>
        s.until(
          (events) => events.filter((e) => e.event === 'message').length >= expected.get(users[i]!.name)!.length,
          20_000,
        ),
      ),
    );
    for (const [i, stream] of streams.entries()) {
      const user = users[i]!;
      const texts = stream.messages<any>().map((m) => m.text as string);
      expect(texts.length).toBe(expected.get(user.name)!.length);
      expect([...texts].sort()).toEqual([...expected.get(user.name)!].sort());
      const ids = stream.events.filter((e) => e.event === 'message').map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      // In order per sender: each sender's k-th message before its (k+1)-th.
      const bySender = new Map<string, string[]>();
      for (const m of stream.messages<any>())
        bySender.set(`${m.from}/${m.kind}`, [...(bySender.get(`${m.from}/${m.kind}`) ?? []), m.text]);
      for (const list of bySender.values()) expect(list).toEqual([...list].sort());
    }
    for (const s of streams) s.close();
  });

  it('resumes a stream cut in the middle of a flow with exactly the missing messages', async () => {
    const [sender, receiver] = [await register(server.url, 'flowfrom'), await register(server.url, 'flowto')];
    const first = await openSse(server.url + streamPath(receiver), { authorization: `Bearer ${receiver.token}` });
    const total = 200;
    const sent: string[] = [];
    let cutAt: string | undefined;
    for (let i = 0; i < total; i++) {
      sent.push(
        (
          await api(server.url, 'POST', '/messages', {
            token: sender.token,
            json: { to: receiver.name, text: `flow ${i}` },
          })
        ).body.id,
      );
      if (i === 80) {
        await first.until((events) => events.filter((e) => e.event === 'message').length >= 50);
        first.close();
        cutAt = first.events.filter((e) => e.event === 'message').at(-1)!.id;
      }
    }
    const received = first.events.filter((e) => e.event === 'message').map((e) => e.id!);
    const resumed = await openSse(server.url + streamPath(receiver), {
      authorization: `Bearer ${receiver.token}`,
      'last-event-id': cutAt!,
    });
    await resumed.until((events) => events.filter((e) => e.event === 'message').at(-1)?.id === sent.at(-1));
    const rest = resumed.events.filter((e) => e.event === 'message').map((e) => e.id!);
    expect([...received, ...rest]).toEqual(sent);
    resumed.close();
  });
});
