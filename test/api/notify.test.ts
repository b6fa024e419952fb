import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let ana: TestUser;
let bob: TestUser;
let cat: TestUser;
beforeAll(async () => {
  server = await startTestServer({});
  [ana, bob, cat] = [
    await register(server.url, 'ana'),
    await register(server.url, 'bob'),
    await register(server.url, 'cat'),
  ];
  const made = await api(server.url, 'POST', '/groups', {
    token: bob.token,
    json: { name: 'team', members: ['ana', 'cat'] },
  });
  expect(made.status).toBe(201);
});
afterAll(() => server.close());
afterEach(async () => {
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

const level = (user: TestUser, withName: string, value: unknown) =>
  api(server.url, 'PUT', `/conversations/${withName}/notifications`, { token: user.token, json: { level: value } });

async function conversationLevels(user: TestUser): Promise<Record<string, string>> {
  const res = await api(server.url, 'GET', '/conversations', { token: user.token });
  expect(res.status).toBe(200);
  return Object.fromEntries(
    res.body.conversations.map((c: { with: string; notifications: string }) => [c.with, c.notifications]),
  );
}

describe('mentions', () => {
  it('carries the members a group message calls, canonical, each once, and not the sender, outsiders or e-mail addresses', async () => {
    const stream = await openSse(server.url + streamPath(ana), { authorization: `Bearer ${ana.token}` });
    try {
      const text = '@Ana and @cat, @ana again; not @bob (the sender), @dan (no such member) or x@cat.example';
      const sent = await api(server.url, 'POST', '/messages', { token: bob.token, json: { to: 'team', text } });
      expect(sent.status).toBe(202);
      const [message] = await stream.until((events) => events.some((e) => e.id === sent.body.id));
      const got = stream.messages().find((m) => m.id === sent.body.id);
      expect(message).toBeDefined();
      expect(got?.mentions).toEqual(['ana', 'cat']);
      const history = await api(server.url, 'GET', '/messages?with=team', { token: ana.token });
      expect(history.body.messages.at(-1).mentions).toEqual(['ana', 'cat']);
    } finally {
      stream.close();
    }
  });

  it('leaves a message that calls nobody without the field, and never adds or tells an outsider', async () => {
    const dan = await register(server.url, 'dan');
    const sent = await api(server.url, 'POST', '/messages', {
      token: bob.token,
      json: { to: 'team', text: 'hi @dan' },
    });
    expect(sent.status).toBe(202);
    const history = await api(server.url, 'GET', '/messages?with=team', { token: bob.token });
    expect(history.body.messages.at(-1)).not.toHaveProperty('mentions');
    const group = await api(server.url, 'GET', '/groups/team', { token: bob.token });
    expect(group.body.members).not.toContain('dan');
    const convs = await api(server.url, 'GET', '/conversations', { token: dan.token });
    expect(convs.body.conversations.map((c: { with: string }) => c.with)).toEqual(['broad']);
  });

  it('lets the owner call @everyone, and refuses it to other members with the field', async () => {
    const byOwner = await api(server.url, 'POST', '/messages', {
      token: bob.token,
      json: { to: 'team', text: '@everyone standup' },
    });
    expect(byOwner.status).toBe(202);
    const history = await api(server.url, 'GET', '/messages?with=team', { token: cat.token });
    expect(history.body.messages.at(-1).mentions).toEqual(['everyone']);
    const byMember = await api(server.url, 'POST', '/messages', {
      token: cat.token,
      json: { to: 'team', text: 'hey @everyone' },
    });
    expectProblem(byMember, 403, 'forbidden', 'body.text');
  });

  it('rate-limits @everyone: three at once, then 429 with Retry-After', async () => {
    const made = await api(server.url, 'POST', '/groups', {
      token: cat.token,
      json: { name: 'loud', members: ['ana'] },
    });
    expect(made.status).toBe(201);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await api(server.url, 'POST', '/messages', {
        token: cat.token,
        json: { to: 'loud', text: `@everyone ${i}` },
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    expectProblem(last!, 429, 'rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('notification levels', () => {
  it('defaults to all for direct messages and groups and none for broadcasts', async () => {
    await api(server.url, 'POST', '/messages', { token: bob.token, json: { to: 'ana', text: 'hello' } });
    const levels = await conversationLevels(ana);
    expect(levels).toMatchObject({ bob: 'all', team: 'all', broad: 'none' });
  });

  it('sets a level, tells every other device with an event in the resumable sequence, and shows it in lists and history', async () => {
    const other = await api(server.url, 'POST', '/sessions', { json: { username: 'ana', password: ana.password } });
    const stream = await openSse(server.url + streamPath(ana), { authorization: `Bearer ${other.body.token}` });
    try {
      const set = await level(ana, 'Team', 'mentions');
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ with: 'team', level: 'mentions' });
      const events = await stream.until((es) => es.some((e) => e.event === 'notifications'));
      const event = events.find((e) => e.event === 'notifications')!;
      expect(JSON.parse(event.data)).toEqual({ with: 'team', level: 'mentions' });
      expect(event.id).toMatch(/^[0-9]+$/);
      expect((await conversationLevels(ana)).team).toBe('mentions');
      const history = await api(server.url, 'GET', '/messages?with=team', { token: ana.token });
      expect(history.body.notifications).toBe('mentions');
      // Resuming from before the change brings it again, in order with the messages.
      const resumed = await openSse(server.url + streamPath(ana), {
        authorization: `Bearer ${ana.token}`,
        'last-event-id': String(BigInt(event.id!) - 1n),
      });
      try {
        const again = await resumed.until((es) => es.some((e) => e.event === 'notifications'));
        expect(again.find((e) => e.event === 'notifications')!.id).toBe(event.id);
      } finally {
        resumed.close();
      }
    } finally {
      stream.close();
    }
  });

  it('refuses a level that does not exist, and a conversation the caller is not in', async () => {
    expectProblem(await level(ana, 'team', 'loud'), 400, 'invalid_request', 'body.level');
    expectProblem(await level(ana, 'team', undefined), 400, 'invalid_request', 'body.level');
    expectProblem(await level(ana, 'nobody', 'none'), 404, 'not_found', 'path.with');
    const made = await api(server.url, 'POST', '/groups', {
      token: bob.token,
      json: { name: 'secret', members: ['cat'] },
    });
    expect(made.status).toBe(201);
    expectProblem(await level(ana, 'secret', 'none'), 403, 'not_member', 'path.with');
  });
});

describe('quiet time', () => {
  it('is set, read and ended, with a quiet event on every device', async () => {
    const stream = await openSse(server.url + streamPath(cat), { authorization: `Bearer ${cat.token}` });
    try {
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const set = await api(server.url, 'PUT', '/account/quiet', { token: cat.token, json: { until } });
      expect(set.body).toEqual({ until });
      expect((await api(server.url, 'GET', '/account/quiet', { token: cat.token })).body).toEqual({ until });
      await stream.until((es) => es.some((e) => e.event === 'quiet'));
      const ended = await api(server.url, 'PUT', '/account/quiet', { token: cat.token, json: { until: null } });
      expect(ended.body).toEqual({ until: null });
      const events = await stream.until((es) => es.filter((e) => e.event === 'quiet').length >= 2);
      expect(events.filter((e) => e.event === 'quiet').map((e) => JSON.parse(e.data))).toEqual([
        { until },
        { until: null },
      ]);
      const past = await api(server.url, 'PUT', '/account/quiet', {
        token: cat.token,
        json: { until: '2020-01-01T00:00:00Z' },
      });
      expect(past.body).toEqual({ until: null });
    } finally {
      stream.close();
    }
  });

  it('refuses what is not a time, and a time more than a year ahead', async () => {
    const put = (json: unknown) => api(server.url, 'PUT', '/account/quiet', { token: cat.token, json });
    expectProblem(await put({ until: 'tonight' }), 400, 'invalid_request', 'body.until');
    expectProblem(await put({}), 400, 'invalid_request', 'body.until');
    const far = new Date(Date.now() + 400 * 86_400_000).toISOString();
    expectProblem(await put({ until: far }), 400, 'invalid_request', 'body.until');
  });
});
