import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { serverFleet, tempDir, type ServerProcess } from '../../support/process.js';
import { startPushService, type PushService } from '../../support/push-service.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { openSse } from '../../support/sse.js';

// One afternoon of ana's, with a push service nobody here wrote (web-push-testing, which checks the encryption,
// the TTL and the VAPID signature, and decrypts): what reaches her phone is exactly what she asked for.
const fleet = serverFleet();
let service: PushService;
beforeAll(async () => {
  service = await startPushService();
});
afterEach(() => fleet.stopAll());
afterAll(() => service.stop());

/** Long enough for a device to mark a message read over HTTP before it would be pushed, on a busy machine. */
const holdMs = 3_000;
const pushArgs = ['--push-allow-private', '--push-hold-ms', String(holdMs)];

interface Payload {
  id: string;
  from: string;
  kind: string;
  with: string;
  text?: string;
  mention: boolean;
  sentAt: string;
}

/** A device of `user` that takes pushes: subscribed at the push service with the server's key, then with the server. */
async function phoneOf(server: ServerProcess, user: TestUser) {
  const key = await api(server.url, 'GET', '/push/key');
  const subscription = await service.subscribe(key.body.publicKey);
  const made = await api(server.url, 'POST', '/push/subscriptions', {
    token: user.token,
    json: { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
  });
  expect(made.status).toBe(201);
  return {
    id: made.body.id as string,
    clientHash: subscription.clientHash,
    pushes: async () => (await service.notifications(subscription.clientHash)).map((p) => JSON.parse(p) as Payload),
  };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function send(server: ServerProcess, from: TestUser, to: string, text: string): Promise<string> {
  const res = await api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
  expect(res.status, res.text).toBe(202);
  return res.body.id as string;
}

describe('Web Push through an afternoon', () => {
  it('pushes what the levels, mentions, quiet time, reads elsewhere and open streams say, once each (SQLite)', async () => {
    const server = await fleet.start(['--store', 'sqlite', '--data', tempDir(), ...pushArgs]);
    const [ana, bob, cat] = [
      await register(server.url, 'ana'),
      await register(server.url, 'bob'),
      await register(server.url, 'cat'),
    ];
    expect(
      (await api(server.url, 'POST', '/groups', { token: bob.token, json: { name: 'team', members: ['ana', 'cat'] } }))
        .status,
    ).toBe(201);
    const phone = await phoneOf(server, ana);
    const tablet = await phoneOf(server, ana);
    const pushedTexts = async () => (await phone.pushes()).map((p) => p.text);
    const until = async (text: string) =>
      waitFor(pushedTexts, (texts) => texts.includes(text), `the push of "${text}"`);

    // 13:00 a direct message while every device of ana's is closed.
    await send(server, bob, 'ana', 'lunch at one?');
    await until('lunch at one?');

    // 13:30 the team group is muted to mentions: chatter is not pushed, a call of her name is.
    const muted = await api(server.url, 'PUT', '/conversations/team/notifications', {
      token: ana.token,
      json: { level: 'mentions' },
    });
    expect(muted.status).toBe(200);
    await send(server, bob, 'team', 'standup notes are in the doc');
    await send(server, cat, 'team', '@ana can you review the release?');
    await until('@ana can you review the release?');

    // 14:00 do not disturb: a mention in the group waits for her return; a direct message still comes through.
    const quiet = new Date(Date.now() + 3_600_000).toISOString();
    expect((await api(server.url, 'PUT', '/account/quiet', { token: ana.token, json: { until: quiet } })).status).toBe(
      200,
    );
    await send(server, cat, 'team', '@ana the release is blocked');
    await send(server, bob, 'ana', 'call me when you can');
    await until('call me when you can');
    expect((await api(server.url, 'PUT', '/account/quiet', { token: ana.token, json: { until: null } })).status).toBe(
      200,
    );

    // 14:30 she reads on her laptop (over curl) within the hold: no push.
    const readId = await send(server, bob, 'ana', 'seen on the laptop');
    const read = await api(server.url, 'PUT', '/conversations/bob/read', { token: ana.token, json: { upTo: readId } });
    expect(read.status).toBe(204);

    // 15:00 the page is open: nothing is pushed while a stream is; closed again, pushes resume.
    const stream = await openSse(server.url + streamPath(ana), { authorization: `Bearer ${ana.token}` });
    const openId = await send(server, bob, 'ana', 'you are online');
    await stream.until((events) => events.some((e) => e.id === openId));
    stream.close();
    await waitFor(
      () => api(server.url, 'GET', '/users', { token: bob.token }),
      (res) => res.body.users.some((u: { name: string; online: boolean }) => u.name === 'ana' && !u.online),
      'ana offline',
    );
    // 15:30 the tablet's subscription expired at its push service: its next push removes it.
    await service.expire(tablet.clientHash);
    await send(server, cat, 'team', '@ana merged, thanks');
    await until('@ana merged, thanks');

    const pushes = await phone.pushes();
    console.log(`pushes received by ana's phone:\n${pushes.map((p) => JSON.stringify(p)).join('\n')}`);
    expect(pushes.map((p) => [p.from, p.kind, p.with, p.text, p.mention])).toEqual([
      ['bob', 'direct', 'bob', 'lunch at one?', false],
      ['cat', 'group', 'team', '@ana can you review the release?', true],
      ['bob', 'direct', 'bob', 'call me when you can', false],
      ['cat', 'group', 'team', '@ana merged, thanks', true],
    ]);
    expect(new Set(pushes.map((p) => p.id)).size).toBe(pushes.length);
    const tabletPushes = await tablet.pushes();
    expect(tabletPushes.map((p) => p.text)).toEqual(pushes.slice(0, 3).map((p) => p.text));
    const left = await waitFor(
      () => api(server.url, 'GET', '/push/subscriptions', { token: ana.token }),
      (res) => res.body.subscriptions.length === 1,
      'the expired subscription to go',
    );
    expect(left.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([phone.id]);
  });

  it('sends no text with --push-content none, and keeps its VAPID key across a restart', async () => {
    const data = tempDir();
    let server = await fleet.start(['--store', 'sqlite', '--data', data, ...pushArgs, '--push-content', 'none']);
    const key = (await api(server.url, 'GET', '/push/key')).body.publicKey;
    const [ana, bob] = [await register(server.url, 'ana'), await register(server.url, 'bob')];
    const phone = await phoneOf(server, ana);
    await send(server, bob, 'ana', 'the secret plan');
    const [push] = await waitFor(phone.pushes, (p) => p.length === 1, 'one push');
    expect(push).toMatchObject({ from: 'bob', kind: 'direct', with: 'bob', mention: false });
    expect(push).not.toHaveProperty('text');
    expect(await server.stop()).toBe(0);
    server = await fleet.start(['--store', 'sqlite', '--data', data, ...pushArgs]);
    expect((await api(server.url, 'GET', '/push/key')).body.publicKey).toBe(key);
    // The stored subscription goes on after the restart, signed with the same key.
    await send(server, bob, 'ana', 'after the restart');
    const pushes = await waitFor(phone.pushes, (p) => p.length === 2, 'a second push');
    expect(pushes[1]!.text).toBe('after the restart');
  });

  describe('on Redis with two processes', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis?.stop());

    it('pushes each message once, whichever process took it, and the other takes over when the first stops', async () => {
      const shared = ['--store', 'redis', '--redis-url', redis.url, '--redis-prefix', `push-${randomUUID()}:`];
      const one = await fleet.start([...shared, '--push-allow-private', '--push-hold-ms', '200']);
      const two = await fleet.start([...shared, '--push-allow-private', '--push-hold-ms', '200']);
      const [ana, bob] = [await register(one.url, 'ana'), await register(one.url, 'bob')];
      expect((await api(two.url, 'GET', '/push/key')).body.publicKey).toBe(
        (await api(one.url, 'GET', '/push/key')).body.publicKey,
      );
      const phone = await phoneOf(one, ana);
      const texts = Array.from({ length: 30 }, (_, i) => `m${i + 1}`);
      for (const [i, text] of texts.slice(0, 20).entries()) await send(i % 2 === 0 ? one : two, bob, 'ana', text);
      await waitFor(phone.pushes, (p) => p.length >= 20, '20 pushes');
      expect(await one.stop()).toBe(0);
      for (const text of texts.slice(20)) await send(two, bob, 'ana', text);
      const pushes = await waitFor(phone.pushes, (p) => p.length >= 30, '30 pushes');
      // Nothing more comes: the loop has passed the last one, and a push twice would show here.
      const again = await api(two.url, 'GET', '/push/subscriptions', { token: ana.token });
      expect(again.body.subscriptions[0].lastSuccessAt).toEqual(expect.any(String));
      const summary = {
        sent: texts.length,
        pushed: pushes.length,
        distinct: new Set(pushes.map((p) => p.id)).size,
        inOrder: pushes.every((p, i) => i === 0 || BigInt(p.id) > BigInt(pushes[i - 1]!.id)),
      };
      console.log(`pushes across two processes: ${JSON.stringify(summary)}`);
      expect(pushes.map((p) => p.text)).toEqual(texts);
      expect(summary).toEqual({ sent: 30, pushed: 30, distinct: 30, inOrder: true });
    }, 120_000);
  });
});
