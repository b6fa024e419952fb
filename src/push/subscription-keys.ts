import { createPublicKey, type KeyObject } from 'node:crypto';
import { ChatError } from '../core/errors.js';
import type { PushTarget } from '../core/ports/index.js';

/** base64url (RFC 4648 §5); browsers leave the padding out, some libraries put it in. */
const base64url = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Throws an `invalid_request` ChatError naming the field unless `p256dh` is an uncompressed point on P-256 and
 * `auth` a 16-byte secret (RFC 8291 §3): keys that cannot encrypt would fail every push, so they are refused
 * when the device subscribes.
 */
export function checkSubscriptionKeys(target: Pick<PushTarget, 'p256dh' | 'auth'>): void {
  const point = decode(target.p256dh, 'body.keys.p256dh');
  // 0x04 then X and Y: the form RFC 8291 sends and browsers give.
  if (point.length !== 65 || point[0] !== 0x04)
    throw new ChatError(
      'invalid_request',
      `keys.p256dh must be a 65-byte uncompressed P-256 point, not ${point.length} bytes starting ${hex(point[0])}`,
      'body.keys.p256dh',
    );
  try {
    // OpenSSL refuses coordinates that are not a point of the curve: right length is not enough to encrypt to.
    p256Key(point);
  } catch {
    throw new ChatError('invalid_request', 'keys.p256dh is not a point on the P-256 curve', 'body.keys.p256dh');
  }
  const auth = decode(target.auth, 'body.keys.auth');
  if (auth.length !== 16)
    throw new ChatError('invalid_request', `keys.auth must be 16 bytes, not ${auth.length}`, 'body.keys.auth');
}

function decode(text: string, field: string): Buffer {
  // Buffer.from skips what it cannot read, so the alphabet is checked first.
  if (!base64url.test(text)) throw new ChatError('invalid_request', `${field.slice(5)} is not base64url`, field);
  return Buffer.from(text, 'base64url');
}

function hex(byte: number | undefined): string {
  return byte === undefined ? 'with nothing' : `0x${byte.toString(16).padStart(2, '0')}`;
}

/** An uncompressed P-256 point (0x04, X, Y) as a public key; throws when it is not a point of the curve. */
export function p256Key(point: Buffer): KeyObject {
  const [x, y] = [point.subarray(1, 33), point.subarray(33)].map((c) => c.toString('base64url'));
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
}
