import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { serverFleet, tempDir, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { messageCount, openSse } from '../../support/sse.js';
import { WebhookReceiver, type ReceivedPost } from '../../support/webhook-receiver.js';

const fleet = serverFleet();
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
});
afterEach(() => fleet.stopAll());
afterAll(() => receiver.stop());

const webhookArgs = ['--webhook-allow-private', '--webhook-timeout-ms', '2000'];

/** What the receiver got, as the note on the run reports it. */
function tally(posts: readonly ReceivedPost[], expected: readonly string[]) {
  const messages = posts.filter((p) => p.type === 'message');
  const ids = messages.map((p) => p.id);
  const firsts = receiverOrder(messages);
  const summary = {
    sent: expected.length,
    received: messages.length,
    distinct: new Set(ids).size,
    verified: messages.filter((p) => p.verified).length,
    duplicated: messages.length - new Set(ids).size,
    outOfOrder: firsts.filter((p, i) => i > 0 && BigInt(p.id) < BigInt(firsts[i - 1]!.id)).length,
  };
  console.log(`webhook run: ${JSON.stringify(summary)}`);
  return { summary, texts: firsts.map((p) => p.data.text as string) };
}

function receiverOrder(posts: readonly ReceivedPost[]): ReceivedPost[] {
  const seen = new Set<string>();
  return posts.filter((p) => !seen.has(p.id) && seen.add(p.id));
}

async function setUp(url: string): Promise<{ alice: TestUser }> {
  const alice = await register(url, 'alice');
  const made = await api(url, 'POST', '/bots', { token: alice.token, json: { name: 'relay' } });
  expect(made.status).toBe(201);
  const set = await api(url, 'PUT', '/bots/relay/webhook', { token: alice.token, json: { url: receiver.url } });
  expect(set.status).toBe(200);
  receiver.secret = set.body.secret;
  receiver.posts.length = 0;
  receiver.answer = (post) =>
    post.type === 'message'
      ? { status: 200, contentType: 'text/plain; charset=utf-8', body: `got ${post.data.text}` }
      : { status: 204 };
  return { alice };
}

async function sendAll(url: string, alice: TestUser, texts: readonly string[]): Promise<void> {
  for (const text of texts) {
    const res = await api(url, 'POST', '/messages', { token: alice.token, json: { to: 'relay', text } });
    expect(res.status).toBe(202);
  }
}

const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe("a bot's webhook across an outage", () => {
  it('delivers all 50 messages in order, verified, after the receiver was down across a restart (SQLite)', async () => {
    const data = tempDir();
    let server: ServerProcess = await fleet.start(['--store', 'sqlite', '--data', data, ...webhookArgs]);
    const { alice } = await setUp(server.url);
    await receiver.stop();
    await sendAll(server.url, alice, numbered(1, 25));
    expect(await server.stop()).toBe(0);
    server = await fleet.start(['--store', 'sqlite', '--data', data, ...webhookArgs]);
    await sendAll(server.url, alice, numbered(26, 50));
    const stream = await openSse(server.url + streamPath(alice), { authorization: `Bearer ${alice.token}` });
    await receiver.start();
    await receiver.until(() => receiverOrder(receiver.posts).length >= 50, 60_000);
    const { summary, texts } = tally(receiver.posts, numbered(1, 50));
    expect(texts).toEqual(numbered(1, 50));
    expect(summary).toMatchObject({ distinct: 50, outOfOrder: 0 });
    expect(summary.verified).toBe(summary.received);
    // The bot's answers came back as its replies, once each.
    await stream.until(messageCount(50), 30_000);
    expect(stream.messages().map((m) => m.text)).toEqual(numbered(1, 50).map((t) => `got ${t}`));
    expect(stream.messages().every((m) => m.from === 'relay' && m.bot === true)).toBe(true);
    stream.close();
    const state = await api(server.url, 'GET', '/bots/relay', { token: alice.token });
    expect(state.body.webhook).toMatchObject({ waiting: 0, failures: 0 });
    expect(state.body.webhook.lastError).toEqual(expect.any(String));
  }, 120_000);

  it('loses nothing when Parley is killed while it posts (a re-post of what it had not stored as acknowledged is allowed)', async () => {
    const data = tempDir();
    let server: ServerProcess = await fleet.start(['--store', 'sqlite', '--data', data, ...webhookArgs]);
    const { alice } = await setUp(server.url);
    // A slow receiver, so that the kill lands while posts are in flight.
    const answer = receiver.answer;
    receiver.answer = (post) => {
      const until = Date.now() + 5;
      while (Date.now() < until);
      return answer(post);
    };
    await sendAll(server.url, alice, numbered(1, 50));
    await receiver.until(() => receiverOrder(receiver.posts).length >= 10, 30_000);
    await server.kill();
    server = await fleet.start(['--store', 'sqlite', '--data', data, ...webhookArgs]);
    await receiver.until(() => receiverOrder(receiver.posts).length >= 50, 60_000);
    const { summary, texts } = tally(receiver.posts, numbered(1, 50));
    expect(texts).toEqual(numbered(1, 50));
    expect(summary).toMatchObject({ distinct: 50, outOfOrder: 0 });
    expect(summary.verified).toBe(summary.received);
  }, 120_000);

  describe('on Redis with two processes', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis?.stop());

    it('posts each event from one process only, and the other takes over when the first stops', async () => {
      const shared = ['--store', 'redis', '--redis-url', redis.url, '--redis-prefix', `hooks-${randomUUID()}:`];
      const one = await fleet.start([...shared, ...webhookArgs]);
      const two = await fleet.start([...shared, ...webhookArgs]);
      const { alice } = await setUp(one.url);
      // Sends through both, alternating: each process hears of every message from the feed.
      for (const [i, text] of numbered(1, 30).entries()) await sendAll(i % 2 === 0 ? one.url : two.url, alice, [text]);
      await receiver.until(() => receiverOrder(receiver.posts).length >= 30, 30_000);
      expect(await one.stop()).toBe(0);
      await sendAll(two.url, alice, numbered(31, 50));
      await receiver.until(() => receiverOrder(receiver.posts).length >= 50, 60_000);
      const { summary, texts } = tally(receiver.posts, numbered(1, 50));
      expect(texts).toEqual(numbered(1, 50));
      expect(summary).toEqual({ sent: 50, received: 50, distinct: 50, verified: 50, duplicated: 0, outOfOrder: 0 });
      const stream = await openSse(two.url + streamPath(alice), { authorization: `Bearer ${alice.token}` });
      await stream.until(messageCount(50), 30_000);
      expect(new Set(stream.messages().map((m) => m.text)).size).toBe(50);
      stream.close();
    }, 120_000);
  });
});
