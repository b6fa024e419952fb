import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type ApiResponse, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { startTestServer } from '../support/server.js';
import { messageCount, openSse, type SseReader } from '../support/sse.js';

let server: RunningServer;
const streams: SseReader[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

const person = () => register(server.url);
const streamOf = async (user: TestUser) => {
  const stream = await openSse(server.url + streamPath(user), { authorization: `Bearer ${user.token}` });
  streams.push(stream);
  return stream;
};

interface NewHook {
  id: string;
  to: string;
  name?: string;
  createdAt: string;
  url: string;
}

const makeHook = (owner: TestUser, to: string, name?: string) =>
  api(server.url, 'POST', '/hooks', { token: owner.token, json: name === undefined ? { to } : { to, name } });

async function hookFor(owner: TestUser, to: string, name?: string): Promise<NewHook> {
  const res = await makeHook(owner, to, name);
  expect(res.status, res.text).toBe(201);
  return res.body as NewHook;
}

/** A post to a hook's URL, with no credential but the URL: `json` as application/json, or `body` as given. */
function post(url: string, payload: { json: unknown } | { body: string; contentType: string }): Promise<ApiResponse> {
  const path = new URL(url).pathname;
  return 'json' in payload
    ? api(server.url, 'POST', path, { json: payload.json })
    : api(server.url, 'POST', path, { text: payload.body, headers: { 'content-type': payload.contentType } });
}

function expectOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(res.text).toBe('ok');
}

const hooksOf = async (owner: TestUser) =>
  (await api(server.url, 'GET', '/hooks', { token: owner.token })).body.hooks as Record<string, unknown>[];

const form = (payload: unknown) => ({
  body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  contentType: 'application/x-www-form-urlencoded',
});

describe('making hooks', () => {
  it('makes a hook for a user, shows its URL once, lists it without the URL and deletes it for its owner only', async () => {
    const [alice, bob, mallory] = [await person(), await person(), await person()];
    const res = await makeHook(alice, bob.name, 'deploys');
    expect(res.status).toBe(201);
    const hook = res.body as NewHook;
    expect(hook).toMatchObject({ to: bob.name, name: 'deploys', failures: 0 });
    expect(res.headers.get('location')).toBe(`/hooks/${hook.id}`);
    expect(hook.url).toMatch(new RegExp(`^${server.url}/hooks/${hook.id}/[A-Za-z0-9_-]+$`));

    const listed = await hooksOf(alice);
    expect(listed).toEqual([{ id: hook.id, to: bob.name, name: 'deploys', createdAt: hook.createdAt, failures: 0 }]);
    expect(JSON.stringify(listed)).not.toContain(hook.url.split('/').pop());
    expect(await hooksOf(mallory)).toEqual([]);

    expectProblem(await api(server.url, 'DELETE', `/hooks/${hook.id}`, { token: mallory.token }), 404, 'not_found');
    expectOk(await post(hook.url, { json: { text: 'still here' } }));
    expect((await api(server.url, 'DELETE', `/hooks/${hook.id}`, { token: alice.token })).status).toBe(204);
    expect(await hooksOf(alice)).toEqual([]);
    expectProblem(await api(server.url, 'DELETE', `/hooks/${hook.id}`, { token: alice.token }), 404, 'not_found');
  });

  it('lets the members of a group make one for it and refuses anyone else with not_member', async () => {
    const [alice, bob, carol] = [await person(), await person(), await person()];
    const group = `crew${alice.name}`;
    expect(
      (await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: group, members: [bob.name] } }))
        .status,
    ).toBe(201);
    expect((await makeHook(bob, group)).status).toBe(201);
    expectProblem(await makeHook(carol, group), 403, 'not_member', 'body.to');
    expect(await hooksOf(carol)).toEqual([]);
  });

  it('refuses a target that is no user and no group with not_found, and one that is no name with invalid_request', async () => {
    const alice = await person();
    expectProblem(await makeHook(alice, 'nobodyhere'), 404, 'not_found', 'body.to');
    expectProblem(await makeHook(alice, 'not a name!'), 400, 'invalid_request', 'body.to');
    expect(await hooksOf(alice)).toEqual([]);
  });

  it('makes one for broad, which posts to everyone', async () => {
    const [alice, bob] = [await person(), await person()];
    const hook = await hookFor(alice, 'broad');
    expect(hook.to).toBe('broad');
    const stream = await streamOf(bob);
    expectOk(await post(hook.url, { json: { text: 'maintenance at noon' } }));
    await stream.until(messageCount(1));
    expect(stream.messages()[0]).toMatchObject({
      from: alice.name,
      to: bob.name,
      kind: 'broadcast',
      bot: true,
      text: 'maintenance at noon',
    });
  });

  it('lets a bot make one, whose posts come from the bot', async () => {
    const [alice, bob] = [await person(), await person()];
    const botName = `bot${alice.name}`;
    const bot = await api(server.url, 'POST', '/bots', { token: alice.token, json: { name: botName } });
    const hook = await hookFor({ ...alice, name: botName, token: bot.body.token }, bob.name);
    const stream = await streamOf(bob);
    expectOk(await post(hook.url, { json: { text: 'nightly build passed' } }));
    await stream.until(messageCount(1));
    expect(stream.messages()[0]).toMatchObject({
      from: botName,
      to: bob.name,
      bot: true,
      text: 'nightly build passed',
    });
  });

  it('builds the URL on --public-url when it is set', async () => {
    const proxied = await startTestServer({ publicUrl: 'https://chat.example.com/' });
    try {
      const alice = await register(proxied.url);
      const res = await api(proxied.url, 'POST', '/hooks', { token: alice.token, json: { to: alice.name } });
      expect(res.status).toBe(201);
      expect(res.body.url).toMatch(new RegExp(`^https://chat\\.example\\.com/hooks/${res.body.id}/[A-Za-z0-9_-]+$`));
      // The same path, reached directly, is the hook.
      const path = new URL(res.body.url as string).pathname;
      expectOk(await api(proxied.url, 'POST', path, { json: { text: 'through the proxy' } }));
    } finally {
      await proxied.close();
    }
  });
});

describe('posting through a hook', () => {
  const attachment = {
    fallback: '[FIRING:1] HighLatency',
    color: 'danger',
    pretext: 'Alert from *prod*',
    title: '[FIRING:1] HighLatency',
    title_link: 'https://alerts.example.com/#/alerts',
    text: 'p99 above 2 s for 5 minutes',
    fields: [
      { title: 'Severity', value: 'critical', short: true },
      { title: 'Replicas', value: 3, short: true },
    ],
    footer: 'alertmanager',
  };
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: 'Deploy finished' } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: 'Service *api* is live: <https://ci.example.com/42|build 42>' },
      fields: [
        { type: 'mrkdwn', text: '*Status:*\nsuccess' },
        { type: 'mrkdwn', text: '*By:*\n<@U024BE7LH>' },
      ],
    },
    { type: 'divider' },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'took 3 min' }] },
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Roll back' } }] },
  ];

  it.each([
    {
      what: 'text, with its links and mentions spelled out',
      payload: { json: { text: 'Deploy of *api* done: <https://ci.example.com/42|build 42> <!here>', username: 'CI' } },
      text: 'Deploy of *api* done: build 42 (https://ci.example.com/42) @here',
      displayName: 'CI',
    },
    {
      what: 'attachments',
      payload: { json: { username: 'Alertmanager', attachments: [attachment] } },
      text: [
        'Alert from *prod*',
        '[FIRING:1] HighLatency (https://alerts.example.com/#/alerts)',
        'p99 above 2 s for 5 minutes',
        'Severity: critical',
        'Replicas: 3',
        'alertmanager',
      ].join('\n'),
      displayName: 'Alertmanager',
    },
    {
      what: 'blocks, without their interactive parts and instead of the text',
      payload: { json: { text: 'Deploy finished (notification)', blocks } },
      text: [
        'Deploy finished',
        'Service *api* is live: build 42 (https://ci.example.com/42)',
        '*Status:* success',
        '*By:* @U024BE7LH',
        '———',
        'took 3 min',
      ].join('\n'),
    },
    {
      what: 'a form whose payload field holds the JSON',
      payload: form({ text: 'from a form & <https://example.com|a link>', username: 'cron' }),
      text: 'from a form & a link (https://example.com)',
      displayName: 'cron',
    },
    {
      what: 'JSON with a charset',
      payload: {
        body: JSON.stringify({ text: 'Grüße aus Köln ✓ 🚀' }),
        contentType: 'application/json; charset=utf-8',
      },
      text: 'Grüße aus Köln ✓ 🚀',
    },
  ])('posts $what as one message from the owner, bot-marked', async ({ payload, text, displayName }) => {
    const [alice, bob] = [await person(), await person()];
    const hook = await hookFor(alice, bob.name, 'ci');
    const stream = await streamOf(bob);
    expectOk(await post(hook.url, payload));
    await stream.until(messageCount(1));
    const message = stream.messages()[0]!;
    expect(message).toMatchObject({ from: alice.name, to: bob.name, kind: 'direct', bot: true, text });
    if (displayName === undefined) expect(message).not.toHaveProperty('displayName');
    else expect(message.displayName).toBe(displayName);
    const [listed] = await hooksOf(alice);
    expect(listed).toMatchObject({ failures: 0, lastUsedAt: expect.any(String) });
  });

  it('posts to a group, where every member sees it', async () => {
    const [alice, bob] = [await person(), await person()];
    const group = `ops${alice.name}`;
    await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: group, members: [bob.name] } });
    const hook = await hookFor(alice, group, 'alertmanager');
    const stream = await streamOf(bob);
    expectOk(await post(hook.url, { json: { text: 'disk 91% on db1', username: 'Alertmanager' } }));
    await stream.until(messageCount(1));
    expect(stream.messages()[0]).toMatchObject({
      from: alice.name,
      to: bob.name,
      group,
      kind: 'group',
      bot: true,
      displayName: 'Alertmanager',
      text: 'disk 91% on db1',
    });
  });
});

describe('refusing a post', () => {
  /** Posts `good` after the refusal: the recipient's first message, on the stream and in history, must be it. */
  async function expectNothingDelivered(owner: TestUser, recipient: TestUser, stream: SseReader, url: string) {
    expectOk(await post(url, { json: { text: 'the next good post' } }));
    await stream.until(messageCount(1));
    expect(stream.messages().map((m) => m.text)).toEqual(['the next good post']);
    const history = await api(server.url, 'GET', `/messages?with=${owner.name}`, { token: recipient.token });
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['the next good post']);
  }

  const twoMegabytes = JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) });

  it.each([
    {
      what: 'a body over 1 MiB',
      payload: { body: twoMegabytes, contentType: 'application/json' },
      status: 413,
      code: 'payload_too_large',
    },
    {
      what: 'a body that is not JSON',
      payload: { body: 'text=hello', contentType: 'application/json' },
      status: 400,
      code: 'invalid_payload',
    },
    {
      what: 'a JSON array',
      payload: { json: [{ text: 'one' }, { text: 'two' }] },
      status: 400,
      code: 'invalid_payload',
    },
    { what: 'a JSON string', payload: { json: 'just text' }, status: 400, code: 'invalid_payload' },
    {
      what: 'a form without a payload field',
      payload: { body: 'text=hello', contentType: 'application/x-www-form-urlencoded' },
      status: 400,
      code: 'invalid_payload',
    },
    {
      what: 'a payload with nothing to show',
      payload: { json: { text: '  ', attachments: [{}] } },
      status: 400,
      code: 'no_text',
    },
    {
      what: 'a body in another media type',
      payload: { body: 'hello', contentType: 'text/plain' },
      status: 415,
      code: 'unsupported_media_type',
    },
  ])('refuses $what with $code and delivers nothing', async ({ payload, status, code }) => {
    const [alice, bob] = [await person(), await person()];
    const hook = await hookFor(alice, bob.name);
    const stream = await streamOf(bob);
    expectProblem(await post(hook.url, payload), status, code);
    await expectNothingDelivered(alice, bob, stream, hook.url);
  });

  it('refuses a wrong secret with invalid_token, and it does not count against the hook', async () => {
    const [alice, bob] = [await person(), await person()];
    const hook = await hookFor(alice, bob.name);
    const stream = await streamOf(bob);
    const wrong = hook.url.replace(/[^/]+$/, 'not-the-secret');
    expectProblem(await post(wrong, { json: { text: 'let me in' } }), 403, 'invalid_token', 'path.secret');
    const [listed] = await hooksOf(alice);
    expect(listed).toMatchObject({ failures: 0 });
    await expectNothingDelivered(alice, bob, stream, hook.url);
  });

  it('refuses a deleted hook, and one never made, with no_service', async () => {
    const [alice, bob] = [await person(), await person()];
    const [gone, kept] = [await hookFor(alice, bob.name), await hookFor(alice, bob.name)];
    const stream = await streamOf(bob);
    await api(server.url, 'DELETE', `/hooks/${gone.id}`, { token: alice.token });
    expectProblem(await post(gone.url, { json: { text: 'too late' } }), 404, 'no_service', 'path.id');
    const never = `${server.url}/hooks/AAAAAAAAAAAAAAAA/${gone.url.split('/').pop()}`;
    expectProblem(await post(never, { json: { text: 'who?' } }), 404, 'no_service', 'path.id');
    await expectNothingDelivered(alice, bob, stream, kept.url);
  });

  it('refuses a post to a group its owner has left with not_member, and delivers nothing', async () => {
    const [alice, bob, carol] = [await person(), await person(), await person()];
    const group = `team${alice.name}`;
    await api(server.url, 'POST', '/groups', {
      token: alice.token,
      json: { name: group, members: [bob.name, carol.name] },
    });
    const hook = await hookFor(carol, group);
    expect(
      (await api(server.url, 'DELETE', `/groups/${group}/members/${carol.name}`, { token: carol.token })).status,
    ).toBe(204);
    const stream = await streamOf(bob);
    expectProblem(await post(hook.url, { json: { text: 'still listening?' } }), 403, 'not_member');
    const marker = await api(server.url, 'POST', '/messages', {
      token: alice.token,
      json: { to: group, text: 'marker' },
    });
    expect(marker.status).toBe(202);
    await stream.until((events) => events.some((e) => e.event === 'message'));
    expect(stream.messages().map((m) => m.text)).toEqual(['marker']);
    const [listed] = await hooksOf(carol);
    expect(listed).toMatchObject({ failures: 1, lastError: expect.stringMatching(/^not_member: /) });
  });

  it('refuses posts beyond --hook-rate a minute with rate_limited and Retry-After', async () => {
    const limited = await startTestServer({ hookRate: 2 });
    try {
      const alice = await register(limited.url);
      const res = await api(limited.url, 'POST', '/hooks', { token: alice.token, json: { to: alice.name } });
      const path = new URL(res.body.url as string).pathname;
      const send = () => api(limited.url, 'POST', path, { json: { text: 'tick' } });
      expectOk(await send());
      expectOk(await send());
      const refused = await send();
      expectProblem(refused, 429, 'rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('tells the owner, on their own stream, once 5 posts in a row were refused', async () => {
    const [alice, bob] = [await person(), await person()];
    const hook = await hookFor(alice, bob.name, 'grafana');
    const own = await streamOf(alice);
    const bad = () => post(hook.url, { body: '{"text": "cut off', contentType: 'application/json' });
    // Four refusals, then a good post: the count starts again.
    for (let i = 0; i < 4; i++) expect((await bad()).status).toBe(400);
    expectOk(await post(hook.url, { json: { text: 'a good one' } }));
    for (let i = 0; i < 5; i++) expect((await bad()).status).toBe(400);
    await own.until((events) =>
      events.some((e) => e.event === 'message' && JSON.parse(e.data).displayName === 'hook grafana'),
    );
    const told = own.messages().filter((m) => m.displayName === 'hook grafana');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ from: alice.name, to: alice.name, kind: 'direct', bot: true });
    expect(told[0]!.text).toMatch(
      /^Your hook grafana \(to \w+\) refused its last 5 posts\. The last error: invalid_payload: /,
    );
    const [listed] = await hooksOf(alice);
    expect(listed).toMatchObject({ failures: 5, lastError: expect.stringMatching(/^invalid_payload: /) });
  });
});
