import { verify } from 'node:crypto';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { p256Key } from '../../src/push/subscription-keys.js';
import { VapidTokens } from '../../src/push/vapid-tokens.js';

const keys = webpush.generateVAPIDKeys();
const vapid = { subject: 'mailto:ops@example.com', ...keys };

/** The JWT's claims, after checking its ES256 signature against the public key. */
function claimsOf(header: string): { aud: string; exp: number; sub: string } {
  const token = /^vapid t=([^,]+), k=/.exec(header)![1]!;
  const [head, body, signature] = token.split('.');
  const key = p256Key(Buffer.from(keys.publicKey, 'base64url'));
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature!, 'base64url'),
  );
  expect(ok).toBe(true);
  return JSON.parse(Buffer.from(body!, 'base64url').toString()) as { aud: string; exp: number; sub: string };
}

describe('VAPID tokens', () => {
  it('signs once per push service and reuses the token until an hour before it expires', () => {
    let now = Date.parse('2026-12-06T12:00:00Z');
    const tokens = new VapidTokens(vapid, () => now);
    const first = tokens.headerFor('https://fcm.example.com/send/abc');
    expect(tokens.headerFor('https://fcm.example.com/send/def')).toBe(first);
    const other = tokens.headerFor('https://push.example.org/x');
    expect(other).not.toBe(first);
    const claims = claimsOf(first);
    expect(claims).toMatchObject({ aud: 'https://fcm.example.com', sub: 'mailto:ops@example.com' });
    expect(claims.exp * 1000 - now).toBe(12 * 3_600_000);
    expect(claimsOf(other).aud).toBe('https://push.example.org');
    now += 11 * 3_600_000 - 1;
    expect(tokens.headerFor('https://fcm.example.com/send/abc')).toBe(first);
    now += 1;
    const renewed = tokens.headerFor('https://fcm.example.com/send/abc');
    expect(renewed).not.toBe(first);
    expect(claimsOf(renewed).exp * 1000 - now).toBe(12 * 3_600_000);
  });
});
