import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createParleyClient,
  deletePushSubscription,
  join as joinChat,
  pushKey,
  pushSubscriptions,
  quietTime,
  setNotificationLevel,
  setQuietTime,
  streamMessages,
  subscribePush,
  type Change,
  type Joined,
  type MessageStream,
} from '../../../clients/ts/index.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { refusal } from '../../support/parley-error.js';
import { Watched } from '../../support/watched.js';

let server: ServerProcess;
beforeAll(async () => {
  // Private endpoints allowed, so that a subscription may name a local address nobody listens on.
  server = await spawnServer(['--store', 'memory', '--push-allow-private']);
});
afterAll(() => server.stop());

/** Keys as a browser makes them: a P-256 point and 16 random bytes, base64url. */
function browserKeys(): { p256dh: string; auth: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

/** A second session's stream, with the changes it hears and a way to wait for them. */
async function otherDevice(user: Joined, username: string) {
  const changes: Change[] = [];
  const watched = new Watched();
  const stream: MessageStream = streamMessages({
    baseUrl: server.url,
    username,
    token: user.session.token,
    onChange: (change) => {
      changes.push(change);
      watched.changed();
    },
  });
  await stream.opened;
  const heard = (type: Change['type'], count: number) =>
    watched.until(
      () => {
        const ofType = changes.filter((c) => c.type === type);
        return ofType.length >= count ? ofType : undefined;
      },
      10_000,
      (why) => `${why}: heard ${JSON.stringify(changes)}`,
    );
  return { stream, changes, heard };
}

describe('the typed client for notification levels and quiet time', () => {
  it('sets levels that GET /conversations carries and another session hears as changes', async () => {
    const nia = await joinChat(server.url, 'nia', 'nia-secret-1');
    const phone = await joinChat(server.url, 'nia', 'nia-secret-1');
    const ned = await joinChat(server.url, 'ned', 'ned-secret-1');
    await ned.client.POST('/groups', { body: { name: 'nteam', members: ['nia'] } });
    await ned.client.POST('/messages', { body: { to: 'nteam', text: 'hello team' } });
    await ned.client.POST('/messages', { body: { to: 'nia', text: 'hello nia' } });
    const device = await otherDevice(phone, 'nia');
    try {
      expect(await setNotificationLevel(nia.client, 'nteam', 'mentions')).toEqual({ with: 'nteam', level: 'mentions' });
      expect(await setNotificationLevel(nia.client, 'NED', 'none')).toEqual({ with: 'ned', level: 'none' });
      const heard = await device.heard('notifications', 2);
      expect(heard.map((c) => c.data)).toEqual([
        { with: 'nteam', level: 'mentions' },
        { with: 'ned', level: 'none' },
      ]);
      // Changes are resumable: each has an id, and the stream resumes after the last.
      expect(heard.every((c) => /^[0-9]+$/.test(c.id))).toBe(true);
      expect(device.stream.lastEventId).toBe(heard[1]!.id);

      const { data } = await phone.client.GET('/conversations');
      const levels = Object.fromEntries(data!.conversations.map((c) => [c.with, c.notifications]));
      expect(levels).toMatchObject({ nteam: 'mentions', ned: 'none' });
      const history = await phone.client.GET('/messages', { params: { query: { with: 'nteam' } } });
      expect(history.data?.notifications).toBe('mentions');
      expect(await setNotificationLevel(nia.client, 'nteam', 'all')).toEqual({ with: 'nteam', level: 'all' });
      expect((await device.heard('notifications', 3))[2]!.data).toEqual({ with: 'nteam', level: 'all' });
    } finally {
      device.stream.close();
    }
  });

  it('refuses a level that is not one, naming the field, and a conversation that is not the caller’s', async () => {
    const nat = await joinChat(server.url, 'nat', 'nat-secret-1');
    const bad = await refusal(setNotificationLevel(nat.client, 'nia', 'loud' as never));
    expect(bad.status).toBe(400);
    expect(bad.problem).toMatchObject({ code: 'invalid_request', field: 'body.level' });
    const unknown = await refusal(setNotificationLevel(nat.client, 'nobody', 'none'));
    expect(unknown.status).toBe(404);
    expect(unknown.problem?.code).toBe('not_found');
  });

  it('sets and ends quiet time, which another session hears', async () => {
    const noa = await joinChat(server.url, 'noa', 'noa-secret-1');
    const laptop = await joinChat(server.url, 'noa', 'noa-secret-1');
    const device = await otherDevice(laptop, 'noa');
    try {
      expect(await quietTime(noa.client)).toBeNull();
      const until = new Date(Date.now() + 30 * 60_000);
      expect(await setQuietTime(noa.client, until)).toEqual(until);
      expect(await quietTime(laptop.client)).toEqual(until);
      expect(await setQuietTime(noa.client, null)).toBeNull();
      expect(await quietTime(laptop.client)).toBeNull();
      expect((await device.heard('quiet', 2)).map((c) => c.data)).toEqual([
        { until: until.toISOString() },
        { until: null },
      ]);
      const tooFar = await refusal(setQuietTime(noa.client, new Date(Date.now() + 400 * 86_400_000)));
      expect(tooFar.problem).toMatchObject({ code: 'invalid_request', field: 'body.until' });
    } finally {
      device.stream.close();
    }
  });
});

describe('the typed client for push subscriptions', () => {
  it('reads the key, subscribes a device, lists it per session and deletes it', async () => {
    const key = await pushKey(createParleyClient(server.url));
    expect(Buffer.from(key, 'base64url')).toHaveLength(65);

    const pia = await joinChat(server.url, 'pia', 'pia-secret-1');
    const tablet = await joinChat(server.url, 'pia', 'pia-secret-1');
    const endpoint = 'http://127.0.0.1:9/x';
    const made = await subscribePush(pia.client, { endpoint, keys: browserKeys(), expirationTime: null });
    expect(made).toMatchObject({ endpoint, thisSession: true, failures: 0 });
    // Each page load subscribes again: the same endpoint is the same subscription.
    expect((await subscribePush(pia.client, { endpoint, keys: browserKeys() })).id).toBe(made.id);
    expect(await pushSubscriptions(pia.client)).toEqual([made]);
    expect(await pushSubscriptions(tablet.client)).toEqual([{ ...made, thisSession: false }]);

    const other = await joinChat(server.url, 'pim', 'pim-secret-1');
    expect((await refusal(deletePushSubscription(other.client, made.id))).problem?.code).toBe('not_found');
    await deletePushSubscription(tablet.client, made.id);
    expect(await pushSubscriptions(pia.client)).toEqual([]);
    const gone = await refusal(deletePushSubscription(pia.client, made.id));
    expect(gone.status).toBe(404);
    expect(gone.problem).toMatchObject({ code: 'not_found', field: 'path.id' });
  });
});
