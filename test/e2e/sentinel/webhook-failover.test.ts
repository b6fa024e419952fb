import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, register } from '../../support/api.js';
import { serverFleet } from '../../support/process.js';
import { startSentinelTopology, type SentinelTopology } from '../../support/redis-server.js';
import { WebhookReceiver, type ReceivedPost } from '../../support/webhook-receiver.js';

// A bot's webhook on Redis behind Sentinel: the primary is killed between sends, a replica is promoted, and the
// webhook goes on from its stored position on the new primary.
const fleet = serverFleet();
let topology: SentinelTopology | undefined;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
});
afterEach(async () => {
  await fleet.stopAll();
  await topology?.stop();
  topology = undefined;
});
afterAll(() => receiver.stop());

function firstReceipts(posts: readonly ReceivedPost[]): ReceivedPost[] {
  const seen = new Set<string>();
  return posts.filter((p) => p.type === 'message' && !seen.has(p.id) && seen.add(p.id));
}

describe("a bot's webhook across a Redis failover", () => {
  it('posts every message that got a 202, in order and verified, before and after the primary is killed', async () => {
    const t = (topology = await startSentinelTopology());
    const server = await fleet.start([
      '--store',
      'redis',
      '--redis-sentinel',
      t.sentinelList,
      '--webhook-allow-private',
      '--webhook-timeout-ms',
      '2000',
    ]);
    const owner = await register(server.url, 'owner');
    expect((await api(server.url, 'POST', '/bots', { token: owner.token, json: { name: 'watcher' } })).status).toBe(
      201,
    );
    const set = await api(server.url, 'PUT', '/bots/watcher/webhook', {
      token: owner.token,
      json: { url: receiver.url },
    });
    receiver.secret = set.body.secret;

    const accepted: string[] = [];
    // Sends until `count` more are accepted; a refusal while the failover runs (503) is tried again.
    const sendAccepted = async (prefix: string, count: number) => {
      const deadline = Date.now() + 60_000;
      for (let i = 0; i < count && Date.now() < deadline;) {
        const text = `${prefix} ${i}`;
        // Retried with the same Idempotency-Key, as a client does after a 503: a send that was stored and not
        // confirmed is not stored twice.
        const res = await api(server.url, 'POST', '/messages', {
          token: owner.token,
          json: { to: 'watcher', text },
          headers: { 'idempotency-key': text },
        });
        if (res.status === 202) {
          accepted.push(text);
          i++;
        } else await new Promise((r) => setTimeout(r, 100));
      }
    };
    await sendAccepted('before', 20);
    await receiver.until(() => firstReceipts(receiver.posts).length >= 20);
    const oldPrimary = t.primary.port;
    await t.primary.kill();
    expect(await t.promoted(oldPrimary)).not.toBe(oldPrimary);
    await sendAccepted('after', 20);
    expect(accepted).toHaveLength(40);
    await receiver.until(
      () => accepted.every((text) => firstReceipts(receiver.posts).some((p) => p.data.text === text)),
      60_000,
    );

    const firsts = firstReceipts(receiver.posts);
    const ids = firsts.map((p) => BigInt(p.id));
    const outOfOrder = ids.filter((id, i) => i > 0 && id < ids[i - 1]!).length;
    const duplicated = receiver.posts.filter((p) => p.type === 'message').length - firsts.length;
    console.log(
      `webhook across a failover: accepted ${accepted.length}, posted ${firsts.length} distinct, ` +
        `duplicated ${duplicated}, out of order ${outOfOrder}, unverified ${receiver.posts.filter((p) => !p.verified).length}`,
    );
    expect(outOfOrder).toBe(0);
    expect(receiver.posts.every((p) => p.verified)).toBe(true);
    // Every 202 reached the webhook, in the order of the sends. (A send refused during the failover may have been
    // stored on the old primary and again, under the same key, on the new one if the first copy was not
    // replicated: only one of them can be on the new primary, but the webhook may have posted the old one before
    // the kill. The first post of each text is the one that counts.)
    const postedTexts = firsts.map((p) => p.data.text as string).filter((text) => accepted.includes(text));
    expect(postedTexts.filter((text, i) => postedTexts.indexOf(text) === i)).toEqual(accepted);
  }, 150_000);
});
