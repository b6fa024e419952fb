import type { LookupAddress } from 'node:dns';
import { createECDH, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatError } from '../../src/core/errors.js';
import type { PushCall, PushTarget, PushUrgency } from '../../src/core/ports/index.js';
import { newVapidKeys } from '../../src/push/vapid-keys.js';
import { maxPushPayloadBytes, WebPushSender } from '../../src/push/web-push-sender.js';
import type { ResolveAll } from '../../src/webhooks/destination.js';
import { startPushEndpoint, type PushEndpoint } from '../support/push-endpoint.js';
import { startPushService, type PushService } from '../support/push-service.js';

const subject = 'mailto:ops@parley.example';
const vapid = { subject, ...newVapidKeys() };
const publicV4 = '93.184.216.34';

/** A resolver from a table, never the network; a name may answer differently each time it is asked. */
function resolver(table: Record<string, string[][]>): ResolveAll {
  const asked = new Map<string, number>();
  return async (hostname) => {
    const answers = table[hostname];
    if (answers === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const times = asked.get(hostname) ?? 0;
    asked.set(hostname, times + 1);
    const addresses = answers[Math.min(times, answers.length - 1)]!;
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/** Keys as a browser gives them: a fresh P-256 point and 16 random bytes, base64url. */
function deviceKeys(): Pick<PushTarget, 'p256dh' | 'auth'> {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey('base64url'), auth: Buffer.from('sixteen byte key').toString('base64url') };
}

function call(target: PushTarget, payload: string, more: Partial<PushCall> = {}): PushCall {
  return {
    endpoint: target.endpoint,
    p256dh: target.p256dh,
    auth: target.auth,
    payload,
    ttlSeconds: 60,
    urgency: 'normal',
    ...more,
  };
}

async function refusal(promise: Promise<unknown>): Promise<ChatError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChatError);
  return err as ChatError;
}

/** DER of an X.509 SubjectPublicKeyInfo for id-ecPublicKey on prime256v1, up to the 65-byte point itself. */
const spkiP256Prefix = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/** The parts of `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292 §3), the JWT's signature checked with `k`. */
function readVapid(authorization: string | undefined) {
  const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  expect(match, `Authorization: ${authorization}`).not.toBeNull();
  const [, header, claims, signature, k] = match as unknown as [string, string, string, string, string];
  const key = createPublicKey({
    key: Buffer.concat([spkiP256Prefix, Buffer.from(k, 'base64url')]),
    format: 'der',
    type: 'spki',
  });
  // JWS ES256 signatures are r and s side by side (RFC 7518 §3.4), not DER.
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  return {
    k,
    signed,
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { aud: string; sub: string; exp: number },
  };
}

/** Allowed private addresses, as the services these tests start listen on loopback. */
let sender: WebPushSender;
beforeAll(() => {
  sender = new WebPushSender({ vapid, allowPrivate: true, timeoutMs: 10_000 });
});
afterAll(() => sender.close());

describe('WebPushSender with a real push service (web-push-testing)', () => {
  let service: PushService;
  beforeAll(async () => {
    service = await startPushService();
  });
  afterAll(() => service.stop());

  it('delivers a payload the service decrypts intact', async () => {
    const device = await service.subscribe(vapid.publicKey);
    const payload = JSON.stringify({ type: 'message', from: 'alice', text: 'lunch?' });
    expect(await sender.send(call(device, payload))).toEqual({ ok: true, status: 201 });
    expect(await service.notifications(device.clientHash)).toEqual([payload]);
  });

  it('delivers a 3 KB payload of non-ASCII text intact, and several in order', async () => {
    const device = await service.subscribe(vapid.publicKey);
    let long = '';
    while (Buffer.byteLength(long) < 3_000) long += 'Grüße aus Köln, 你好, שלום 👋🏽 ';
    const short = 'ça va ? ✓';
    expect(await sender.send(call(device, long))).toEqual({ ok: true, status: 201 });
    expect(await sender.send(call(device, short, { urgency: 'high', ttlSeconds: 0 }))).toEqual({
      ok: true,
      status: 201,
    });
    expect(await service.notifications(device.clientHash)).toEqual([long, short]);
  });

  it(`delivers a payload of ${maxPushPayloadBytes} bytes, the most one record holds`, async () => {
    const device = await service.subscribe(vapid.publicKey);
    const payload = 'é'.repeat((maxPushPayloadBytes - 1) / 2) + '!';
    expect(Buffer.byteLength(payload)).toBe(maxPushPayloadBytes);
    expect(await sender.send(call(device, payload))).toEqual({ ok: true, status: 201 });
    expect(await service.notifications(device.clientHash)).toEqual([payload]);
  });

  it('does not send a longer payload, and says why', async () => {
    const device = await service.subscribe(vapid.publicKey);
    const payload = 'x'.repeat(maxPushPayloadBytes + 1);
    expect(await sender.send(call(device, payload))).toEqual({
      ok: false,
      gone: false,
      error: `a payload of ${maxPushPayloadBytes + 1} bytes is over ${maxPushPayloadBytes}`,
    });
    expect(await service.notifications(device.clientHash)).toEqual([]);
  });

  it('reports a subscription the service expired as gone', async () => {
    const device = await service.subscribe(vapid.publicKey);
    await service.expire(device.clientHash);
    expect(await sender.send(call(device, 'hello'))).toEqual({ ok: false, gone: true, error: '410 Gone' });
  });

  it('is refused, not gone, by a subscription made for another VAPID key', async () => {
    const device = await service.subscribe(newVapidKeys().publicKey);
    const outcome = await sender.send(call(device, 'hello'));
    expect(outcome).toMatchObject({ ok: false, gone: false });
    expect(outcome.ok ? '' : outcome.error).toMatch(/^400 Bad Request: .*Invalid Crypto-Key header sent/);
    expect(await service.notifications(device.clientHash)).toEqual([]);
  });

  it("accepts the service's subscriptions when private addresses are allowed", async () => {
    await expect(sender.check(await service.subscribe(vapid.publicKey))).resolves.toBeUndefined();
  });
});

describe('the request a push makes', () => {
  let endpoint: PushEndpoint;
  const device = deviceKeys();
  beforeAll(async () => {
    endpoint = await startPushEndpoint();
  });
  afterAll(() => endpoint.stop());

  it.each<[PushUrgency, number]>([
    ['very-low', 2_419_200],
    ['low', 3_600],
    ['normal', 60],
    ['high', 0],
  ])('carries Urgency %s and TTL %i, encrypted as aes128gcm in one record', async (urgency, ttlSeconds) => {
    const before = endpoint.received.length;
    const outcome = await sender.send(call({ endpoint: endpoint.url, ...device }, 'hi', { urgency, ttlSeconds }));
    expect(outcome).toEqual({ ok: true, status: 201 });
    const push = endpoint.received[before]!;
    expect(push.method).toBe('POST');
    expect(push.path).toBe('/push/device-1');
    expect(push.headers).toMatchObject({
      urgency,
      ttl: String(ttlSeconds),
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      'content-length': String(push.body.length),
    });
    // RFC 8188 §2.1: salt (16), record size (4), key id length (1), key id (the 65-byte point), then the record.
    expect(push.body.readUInt32BE(16)).toBe(4096);
    expect(push.body[20]).toBe(65);
    expect(push.body.length).toBe(86 + Buffer.byteLength('hi') + 1 + 16);
  });

  it('signs with a VAPID JWT for the endpoint origin that verifies against the public key', async () => {
    const before = endpoint.received.length;
    const sentAt = Date.now();
    await sender.send(call({ endpoint: endpoint.url, ...device }, 'hi'));
    const { k, signed, header, claims } = readVapid(endpoint.received[before]!.headers.authorization);
    expect(k).toBe(vapid.publicKey);
    expect(signed).toBe(true);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(claims.aud).toBe(new URL(endpoint.url).origin);
    expect(claims.sub).toBe(subject);
    expect(claims.exp * 1000).toBeGreaterThan(sentAt);
    expect(claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600 * 1000);
  });

  it('fills a 4096-byte body with the longest payload', async () => {
    const before = endpoint.received.length;
    await sender.send(call({ endpoint: endpoint.url, ...device }, 'x'.repeat(maxPushPayloadBytes)));
    expect(endpoint.received[before]!.body.length).toBe(4096);
  });
});

describe('what a push service answers', () => {
  let endpoint: PushEndpoint;
  const device = deviceKeys();
  const push = () => sender.send(call({ endpoint: endpoint.url, ...device }, 'hi'));
  beforeAll(async () => {
    endpoint = await startPushEndpoint();
  });
  afterAll(() => endpoint.stop());

  it.each([
    [200, { ok: true, status: 200 }],
    [202, { ok: true, status: 202 }],
    [404, { ok: false, gone: true, error: '404 Not Found' }],
    [410, { ok: false, gone: true, error: '410 Gone' }],
    [503, { ok: false, gone: false, error: '503 Service Unavailable' }],
    [500, { ok: false, gone: false, error: '500 Internal Server Error' }],
    [429, { ok: false, gone: false, error: '429 Too Many Requests' }],
  ])('%i means %o', async (status, outcome) => {
    endpoint.answer = () => ({ status, body: 'busy' });
    expect(await push()).toEqual(outcome);
  });

  it('honours Retry-After in seconds on 429 and 503', async () => {
    endpoint.answer = () => ({ status: 429, headers: { 'retry-after': '3' } });
    expect(await push()).toEqual({ ok: false, gone: false, error: '429 Too Many Requests', retryAfterMs: 3000 });
    endpoint.answer = () => ({ status: 503, headers: { 'retry-after': '120' } });
    expect(await push()).toEqual({ ok: false, gone: false, error: '503 Service Unavailable', retryAfterMs: 120_000 });
  });

  it('honours Retry-After as an HTTP date', async () => {
    endpoint.answer = () => ({
      status: 503,
      headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() },
    });
    const outcome = await push();
    expect(outcome).toMatchObject({ ok: false, gone: false });
    const wait = outcome.ok || outcome.gone ? undefined : outcome.retryAfterMs;
    // The date is whole seconds and a little time passes: somewhat less than an hour, never more.
    expect(wait).toBeGreaterThan(3_500_000);
    expect(wait).toBeLessThanOrEqual(3_600_000);
  });

  it.each([
    [400, 'UnauthorizedRegistration'],
    [403, 'invalid JWT provided'],
    [413, 'Payload too large'],
  ])('takes %i for a failure that is not gone, quoting the reason', async (status, reason) => {
    endpoint.answer = () => ({ status, body: `{"reason": "${reason}"}` });
    const outcome = await push();
    expect(outcome).toMatchObject({ ok: false, gone: false });
    expect(outcome.ok ? '' : outcome.error).toMatch(new RegExp(`^${status} [A-Za-z ]+: \\{"reason": "${reason}"\\}$`));
  });

  it('does not follow a redirect', async () => {
    const elsewhere = await startPushEndpoint();
    endpoint.answer = () => ({ status: 307, headers: { location: elsewhere.url } });
    expect(await push()).toEqual({
      ok: false,
      gone: false,
      error: '307 Temporary Redirect (redirects are not followed)',
    });
    expect(elsewhere.connections).toBe(0);
    await elsewhere.stop();
  });

  it('gives up on a service that never answers, as a failure worth another try', async () => {
    const impatient = new WebPushSender({ vapid, allowPrivate: true, timeoutMs: 300 });
    endpoint.answer = () => 'never';
    const before = endpoint.received.length;
    expect(await impatient.send(call({ endpoint: endpoint.url, ...device }, 'hi'))).toEqual({
      ok: false,
      gone: false,
      error: 'no answer within 300 ms',
    });
    expect(endpoint.received.length).toBe(before + 1);
    impatient.close();
  });

  it('takes a refused connection for a failure worth another try', async () => {
    const closed = await startPushEndpoint();
    await closed.stop();
    const outcome = await sender.send(call({ endpoint: closed.url, ...device }, 'hi'));
    expect(outcome).toMatchObject({ ok: false, gone: false, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('where pushes may go without --push-allow-private', () => {
  let endpoint: PushEndpoint;
  let port: number;
  const names = resolver({
    'push.example': [[publicV4]],
    'internal.example': [['10.0.0.5']],
    'loop.example': [['127.0.0.1']],
    // Public when checked, loopback when connecting: DNS rebinding.
    'rebind.example': [[publicV4], ['127.0.0.1']],
  });
  const strict = new WebPushSender({ vapid, allowPrivate: false, timeoutMs: 10_000, lookup: names });
  const device = deviceKeys();
  beforeAll(async () => {
    endpoint = await startPushEndpoint();
    port = Number(new URL(endpoint.url).port);
  });
  afterAll(async () => {
    strict.close();
    await endpoint.stop();
  });

  it('accepts an https endpoint on a public address', async () => {
    await expect(strict.check({ endpoint: 'https://push.example/send/abc', ...device })).resolves.toBeUndefined();
  });

  it.each([
    ['http://push.example/send/abc', 'the push endpoint must use https:, not http:'],
    ['https://127.0.0.1/send/abc', /^the push endpoint names 127\.0\.0\.1, a loopback address; pushes go to public/],
    ['https://10.1.2.3/send/abc', /^the push endpoint names 10\.1\.2\.3, a private network address/],
    ['https://169.254.169.254/latest/meta-data', /^the push endpoint names 169\.254\.169\.254, a link-local address/],
    ['https://[::1]/send/abc', /^the push endpoint names ::1, a loopback address/],
    ['https://internal.example/send/abc', /^the push endpoint host internal\.example resolves to 10\.0\.0\.5/],
    ['wss://push.example/send/abc', 'the push endpoint must use https:, not wss:'],
  ])('refuses %s in check and in send', async (url, message) => {
    const err = await refusal(strict.check({ endpoint: url, ...device }));
    expect(err).toMatchObject({ code: 'bad_destination', field: 'body.endpoint' });
    expect(err.message).toMatch(message);
    const outcome = await strict.send(call({ endpoint: url, ...device }, 'hi'));
    expect(outcome).toMatchObject({ ok: false, gone: false });
    expect(outcome.ok ? '' : outcome.error).toMatch(message);
  });

  it.each([
    () => `https://127.0.0.1:${port}/push/device-1`,
    () => `http://127.0.0.1:${port}/push/device-1`,
    () => `https://loop.example:${port}/push/device-1`,
  ])('opens no connection to a local service named as %s', async (url) => {
    const outcome = await strict.send(call({ endpoint: url(), ...device }, 'hi'));
    expect(outcome).toMatchObject({ ok: false, gone: false });
    expect(endpoint.connections).toBe(0);
  });

  it('refuses at connection time a name that resolves elsewhere once checked', async () => {
    const outcome = await strict.send(call({ endpoint: `https://rebind.example:${port}/push`, ...device }, 'hi'));
    expect(outcome).toEqual({
      ok: false,
      gone: false,
      error:
        'the push endpoint host rebind.example resolves to 127.0.0.1, a loopback address; pushes go to public addresses only',
    });
    expect(endpoint.connections).toBe(0);
  });
});

describe('subscription keys', () => {
  const endpoint = 'https://push.example/send/abc';
  const good = deviceKeys();

  const compressed = (() => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return ecdh.getPublicKey('base64url', 'compressed');
  })();
  const one = Buffer.alloc(32);
  one[31] = 1;
  // x = 1, y = 1: 65 bytes starting 0x04, but 1 ≠ 1 - 3 + b (mod p), so no point of P-256.
  const offCurve = Buffer.concat([Buffer.from([4]), one, one]).toString('base64url');
  // x = p: the right length, a coordinate out of the field.
  const p = Buffer.from('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'hex');
  const outOfField = Buffer.concat([Buffer.from([4]), p, one]).toString('base64url');
  const standardBase64 = Buffer.from(good.p256dh, 'base64url').toString('base64');

  it.each([
    ['a compressed point (33 bytes)', compressed, /^keys\.p256dh must be a 65-byte uncompressed P-256 point, not 33/],
    ['64 bytes', Buffer.alloc(64, 7).toString('base64url'), /not 64 bytes/],
    ['66 bytes', Buffer.concat([Buffer.from(good.p256dh, 'base64url'), Buffer.from([0])]).toString('base64url'), /66/],
    ['65 bytes not starting 0x04', Buffer.alloc(65, 7).toString('base64url'), /starting 0x07/],
    ['a point not on the curve', offCurve, 'keys.p256dh is not a point on the P-256 curve'],
    ['a coordinate out of the field', outOfField, 'keys.p256dh is not a point on the P-256 curve'],
    ['standard base64 with + or /', standardBase64.replace(/=+$/, '') + '+/', 'keys.p256dh is not base64url'],
    ['text with spaces', `${good.p256dh.slice(0, 40)} ${good.p256dh.slice(40)}`, 'keys.p256dh is not base64url'],
    ['nothing', '', 'keys.p256dh is not base64url'],
  ])('refuses as p256dh %s', async (_what, p256dh, message) => {
    const err = await refusal(sender.check({ endpoint, p256dh, auth: good.auth }));
    expect(err).toMatchObject({ code: 'invalid_request', field: 'body.keys.p256dh' });
    expect(err.message).toMatch(message);
  });

  it.each([
    ['15 bytes', Buffer.alloc(15, 1).toString('base64url'), 'keys.auth must be 16 bytes, not 15'],
    ['17 bytes', Buffer.alloc(17, 1).toString('base64url'), 'keys.auth must be 16 bytes, not 17'],
    ['not base64url', 'c2l4dGVlbiBieXRlIGtleQ==!', 'keys.auth is not base64url'],
    ['nothing', '', 'keys.auth is not base64url'],
  ])('refuses as auth %s', async (_what, auth, message) => {
    const err = await refusal(sender.check({ endpoint, p256dh: good.p256dh, auth }));
    expect(err).toMatchObject({ code: 'invalid_request', field: 'body.keys.auth', message });
  });

  it('accepts keys with base64 padding, as some libraries write them', async () => {
    const padded = { p256dh: `${good.p256dh}=`, auth: `${good.auth}==` };
    await expect(sender.check({ endpoint, ...padded })).resolves.toBeUndefined();
  });
});

describe('the VAPID key pair', () => {
  it('is refused at construction when the public key is not the private key’s', () => {
    const other = newVapidKeys();
    expect(
      () =>
        new WebPushSender({
          vapid: { subject, publicKey: other.publicKey, privateKey: vapid.privateKey },
          allowPrivate: true,
          timeoutMs: 1_000,
        }),
    ).toThrow('the VAPID public key is not the one of the VAPID private key');
  });

  it('is refused at construction with a subject that is not mailto: or https:', () => {
    expect(
      () => new WebPushSender({ vapid: { ...vapid, subject: 'ops@parley.example' }, allowPrivate: true, timeoutMs: 1 }),
    ).toThrow(/subject/);
  });

  it('is new each time, 65 bytes public and 32 private, and publishes the public key', () => {
    const a = newVapidKeys();
    const b = newVapidKeys();
    expect(a.publicKey).not.toBe(b.publicKey);
    expect(Buffer.from(a.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(a.privateKey, 'base64url')).toHaveLength(32);
    const sender = new WebPushSender({ vapid: { subject, ...a }, allowPrivate: true, timeoutMs: 1_000 });
    expect(sender.publicKey).toBe(a.publicKey);
    sender.close();
  });
});
