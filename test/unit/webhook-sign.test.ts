import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook } from '../../src/webhooks/sign-webhook.js';

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'message', from: 'alice', text: 'hello' });

/** What a bot does on receipt, with the spec's reference library; throws unless the delivery is genuine. */
function verify(secret: string, payload: string | Uint8Array, headers: Record<string, string>): unknown {
  return new Webhook(secret).verify(payload, headers);
}

describe('newWebhookSecret', () => {
  it('is whsec_ followed by the base64 of 32 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('differs every time', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => newWebhookSecret()));
    expect(secrets.size).toBe(100);
  });
});

describe('signWebhook', () => {
  it('matches the test vector of the Standard Webhooks specification', () => {
    const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', {
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestampSeconds: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('is v1, and the base64 HMAC-SHA256 of id.timestamp.body under the decoded secret', () => {
    const secret = newWebhookSecret();
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const timestampSeconds = now();
    const headers = signWebhook(secret, { id: '42', timestampSeconds, body });
    const mac = createHmac('sha256', key).update(`42.${timestampSeconds}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${mac}`);
  });

  it('produces headers the reference library verifies, returning the parsed body', () => {
    const secret = newWebhookSecret();
    const headers = signWebhook(secret, { id: '1733493000000-0', timestampSeconds: now(), body });
    expect(verify(secret, body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('signs the UTF-8 bytes of a body with non-ASCII text, as the reference library reads them', () => {
    const secret = newWebhookSecret();
    const text = JSON.stringify({ text: 'Grüße, 世界 👋 — ﬁn\u2028' });
    const headers = signWebhook(secret, { id: 'msg_utf8', timestampSeconds: now(), body: text });
    expect(verify(secret, text, { ...headers })).toEqual(JSON.parse(text));
    expect(verify(secret, new TextEncoder().encode(text), { ...headers })).toEqual(JSON.parse(text));
  });

  it('produces a signature that fails verification once the body is tampered with', () => {
    const secret = newWebhookSecret();
    const headers = signWebhook(secret, { id: 'msg_1', timestampSeconds: now(), body });
    const tampered = body.replace('hello', 'hellO');
    expect(() => verify(secret, tampered, { ...headers })).toThrow(WebhookVerificationError);
    expect(() => verify(secret, tampered, { ...headers })).toThrow('No matching signature found');
  });

  it('produces a signature that fails verification under another secret', () => {
    const headers = signWebhook(newWebhookSecret(), { id: 'msg_1', timestampSeconds: now(), body });
    expect(() => verify(newWebhookSecret(), body, { ...headers })).toThrow('No matching signature found');
  });

  it('produces a signature that fails verification when the id or timestamp header is changed', () => {
    const secret = newWebhookSecret();
    const timestampSeconds = now();
    const headers = signWebhook(secret, { id: 'msg_1', timestampSeconds, body });
    expect(() => verify(secret, body, { ...headers, 'webhook-id': 'msg_2' })).toThrow('No matching signature');
    expect(() => verify(secret, body, { ...headers, 'webhook-timestamp': String(timestampSeconds - 1) })).toThrow(
      'No matching signature',
    );
  });

  it('is refused by the reference library when its timestamp is outside the 5 minute tolerance', () => {
    const secret = newWebhookSecret();
    const old = signWebhook(secret, { id: 'msg_1', timestampSeconds: now() - 6 * 60, body });
    const future = signWebhook(secret, { id: 'msg_1', timestampSeconds: now() + 6 * 60, body });
    expect(() => verify(secret, body, { ...old })).toThrow('Message timestamp too old');
    expect(() => verify(secret, body, { ...future })).toThrow('Message timestamp too new');
  });

  it('is accepted by the reference library a little within the tolerance', () => {
    const secret = newWebhookSecret();
    const headers = signWebhook(secret, { id: 'msg_1', timestampSeconds: now() - 4 * 60, body });
    expect(verify(secret, body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('refuses a secret without the whsec_ prefix, with no key bytes or not in base64', () => {
    const message = { id: 'msg_1', timestampSeconds: now(), body };
    const bare = newWebhookSecret().slice('whsec_'.length);
    expect(() => signWebhook(bare, message)).toThrow('a webhook secret starts with whsec_');
    expect(() => signWebhook('whsec_', message)).toThrow(TypeError);
    expect(() => signWebhook('whsec_not*base64!', message)).toThrow(/not base64/);
  });

  it('refuses an id that could not travel in a header and a timestamp that is not whole seconds', () => {
    const secret = newWebhookSecret();
    for (const id of ['', 'a b', 'a\r\nx-injected: 1', 'é'])
      expect(() => signWebhook(secret, { id, timestampSeconds: now(), body }), id).toThrow(/webhook id/);
    for (const timestampSeconds of [1.5, -1, Number.NaN, Date.now() * 1e6])
      expect(() => signWebhook(secret, { id: 'msg_1', timestampSeconds, body }), String(timestampSeconds)).toThrow(
        /webhook timestamp/,
      );
  });
});
