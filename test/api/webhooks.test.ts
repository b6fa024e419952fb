import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { expectProblem } from '../support/problems.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let server: RunningServer;
let alice: TestUser;
let receiver: WebhookReceiver;
beforeAll(async () => {
  server = await startTestServer({ webhookAllowPrivate: true, webhookTimeoutMs: 2_000 });
  alice = await register(server.url, 'alice');
  receiver = new WebhookReceiver();
  await receiver.start();
});
afterAll(async () => {
  await server.close();
  await receiver.stop();
});
afterEach(async () => {
  expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
});

async function botWithWebhook(name: string): Promise<{ token: string; secret: string }> {
  const made = await api(server.url, 'POST', '/bots', { token: alice.token, json: { name } });
  expect(made.status).toBe(201);
  const set = await api(server.url, 'PUT', `/bots/${name}/webhook`, {
    token: alice.token,
    json: { url: receiver.url },
  });
  expect(set.status).toBe(200);
  expect(set.body.secret).toMatch(/^whsec_/);
  receiver.secret = set.body.secret;
  return { token: made.body.token, secret: set.body.secret };
}

const send = (from: TestUser, to: string, text: string, base = server.url) =>
  api(base, 'POST', '/messages', { token: from.token, json: { to, text } });

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('outgoing webhooks', () => {
  it('posts every message to the bot, in order, signed, and posts the answer as its reply', async () => {
    await botWithWebhook('echo');
    receiver.answer = (post) =>
      post.type === 'message'
        ? { status: 200, contentType: 'application/json', body: JSON.stringify({ text: `echo: ${post.data.text}` }) }
        : { status: 204 };
    const stream = await openSse(server.url + streamPath(alice), { authorization: `Bearer ${alice.token}` });
    for (let i = 1; i <= 5; i++) expect((await send(alice, 'echo', `ping ${i}`)).status).toBe(202);
    await receiver.until((posts) => posts.length >= 5);
    expect(receiver.messageTexts()).toEqual(['ping 1', 'ping 2', 'ping 3', 'ping 4', 'ping 5']);
    expect(receiver.posts.every((p) => p.verified)).toBe(true);
    const first = receiver.posts[0]!;
    expect(first.headers['webhook-id']).toBe(first.id);
    expect(first.data).toMatchObject({ id: first.id, from: 'alice', to: 'echo', kind: 'direct', text: 'ping 1' });
    await stream.until(messageCount(5));
    expect(stream.messages().map((m) => [m.from, m.bot, m.text])).toEqual(
      [1, 2, 3, 4, 5].map((i) => ['echo', true, `echo: ping ${i}`]),
    );
    stream.close();
    receiver.answer = () => ({ status: 204 });
  });

  it('retries a failing receiver with growing waits and loses nothing, showing the state to the owner', async () => {
    receiver.posts.length = 0;
    await botWithWebhook('flaky');
    let failuresLeft = 3;
    receiver.answer = () => (failuresLeft-- > 0 ? { status: 503 } : { status: 200 });
    expect((await send(alice, 'flaky', 'one')).status).toBe(202);
    expect((await send(alice, 'flaky', 'two')).status).toBe(202);
    await receiver.until(() => receiver.messageTexts().length === 2);
    expect(receiver.messageTexts()).toEqual(['one', 'two']);
    expect(receiver.posts.map((p) => p.data.text)).toEqual(['one', 'one', 'one', 'one', 'two']);
    const state = await api(server.url, 'GET', '/bots/flaky', { token: alice.token });
    expect(state.body.webhook).toMatchObject({ url: receiver.url, waiting: 0, failures: 0 });
    expect(state.body.webhook.position).toBe(receiver.posts.at(-1)!.id);
    receiver.answer = () => ({ status: 204 });
  });

  it('does not follow a redirect: it counts as a failure and is retried', async () => {
    receiver.posts.length = 0;
    await botWithWebhook('moved');
    let redirects = 1;
    receiver.answer = () => (redirects-- > 0 ? { status: 302 } : { status: 204 });
    expect((await send(alice, 'moved', 'hello')).status).toBe(202);
    await receiver.until((posts) => posts.length === 2);
    const state = await api(server.url, 'GET', '/bots/moved', { token: alice.token });
    expect(state.body.webhook.lastError).toMatch(/302.*redirects are not followed/);
    expect(state.body.webhook.failures).toBe(0);
  });

  it('refuses destinations that are not public without --webhook-allow-private', async () => {
    const strict = await startTestServer();
    try {
      const owner = await register(strict.url, 'owner');
      await api(strict.url, 'POST', '/bots', { token: owner.token, json: { name: 'guarded' } });
      for (const url of [
        'http://127.0.0.1:8080/x',
        'http://169.254.169.254/latest/meta-data',
        'file:///etc/passwd',
        'http://localhost:9/x',
        'http://[::1]/x',
        'ftp://example.com/x',
      ]) {
        const res = await api(strict.url, 'PUT', '/bots/guarded/webhook', { token: owner.token, json: { url } });
        expectProblem(res, 422, 'bad_destination');
      }
      const state = await api(strict.url, 'GET', '/bots/guarded', { token: owner.token });
      expect(state.body.webhook).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('posts a lost event, as a stream gets one, for messages retention pruned before the webhook had them', async () => {
    const pruning = await startTestServer({ webhookAllowPrivate: true, retainMs: 0, pruneIntervalMs: 50 });
    const lonely = new WebhookReceiver();
    await lonely.start();
    try {
      const owner = await register(pruning.url, 'owner');
      const made = await api(pruning.url, 'POST', '/bots', { token: owner.token, json: { name: 'late' } });
      const set = await api(pruning.url, 'PUT', '/bots/late/webhook', {
        token: owner.token,
        json: { url: lonely.url },
      });
      lonely.secret = set.body.secret;
      await lonely.stop();
      // The bot's own stream takes three messages while its receiver is down; retention then prunes them.
      const stream = await openSse(pruning.url + '/users/late/stream', { authorization: `Bearer ${made.body.token}` });
      const ids: string[] = [];
      for (const text of ['one', 'two', 'three']) ids.push((await send(owner, 'late', text, pruning.url)).body.id);
      await stream.until(messageCount(3));
      stream.close();
      await until(async () => {
        const history = await api(pruning.url, 'GET', '/messages?with=owner', { token: made.body.token });
        return history.body.messages.length === 0;
      });
      await lonely.start();
      expect((await send(owner, 'late', 'four', pruning.url)).status).toBe(202);
      await lonely.until((posts) => posts.some((p) => p.type === 'message'));
      const lost = lonely.posts.find((p) => p.type === 'lost')!;
      expect(lost).toMatchObject({ verified: true, data: { reason: 'retention', through: ids[2] } });
      expect(lonely.posts.indexOf(lost)).toBeLessThan(lonely.posts.findIndex((p) => p.type === 'message'));
      expect(lonely.messageTexts()).toEqual(['four']);
    } finally {
      await pruning.close();
      await lonely.stop();
    }
  });

  it('stops posting once the webhook is deleted', async () => {
    receiver.posts.length = 0;
    await botWithWebhook('silent');
    expect((await api(server.url, 'DELETE', '/bots/silent/webhook', { token: alice.token })).status).toBe(204);
    expect((await send(alice, 'silent', 'nobody hears this')).status).toBe(202);
    const marker = await botWithWebhook('marker');
    void marker;
    expect((await send(alice, 'marker', 'after')).status).toBe(202);
    await receiver.until(() => receiver.messageTexts().includes('after'));
    expect(receiver.messageTexts()).toEqual(['after']);
  });
});
