import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath } from '../support/api.js';
import { startTestServer } from '../support/server.js';
import { openSse } from '../support/sse.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the 202 of a send', () => {
  it('carries the sentAt of the msgform its recipients get, for direct, group and broadcast messages and commands', async () => {
    const alice = await register(server.url);
    const bob = await register(server.url);
    const stream = await openSse(`${server.url}${streamPath(bob)}`, { authorization: `Bearer ${bob.token}` });
    const group = `g${bob.name}`;
    expect(
      (await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: group, members: [bob.name] } }))
        .status,
    ).toBe(201);

    const sends = [
      await api(server.url, 'POST', '/messages', { token: alice.token, json: { to: bob.name, text: 'direct' } }),
      await api(server.url, 'POST', '/messages', { token: alice.token, json: { to: group, text: 'group' } }),
      await api(server.url, 'POST', '/broadcast', { token: alice.token, json: { text: 'broadcast' } }),
      await api(server.url, 'POST', '/commands', { token: alice.token, text: `${bob.name}: command` }),
      await api(server.url, 'POST', '/commands', { token: alice.token, text: 'broad: command broadcast' }),
    ];
    for (const res of sends) {
      expect(res.status).toBe(202);
      expect(new Date(res.body.sentAt).toISOString()).toBe(res.body.sentAt);
    }
    await stream.until((events) => events.filter((e) => e.event === 'message').length >= sends.length);
    const received = new Map(stream.messages<{ id: string; sentAt: string }>().map((m) => [m.id, m.sentAt]));
    for (const res of sends) expect(received.get(res.body.id)).toBe(res.body.sentAt);
    stream.close();
  });
});
