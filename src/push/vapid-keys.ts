import { createECDH } from 'node:crypto';
import webpush from 'web-push';

/** The server's VAPID identity (RFC 8292): who it says it is, and the P-256 key pair it signs pushes with. */
export interface VapidDetails {
  /** A `mailto:` or `https:` URL a push service's operator may reach the server's operator at. */
  readonly subject: string;
  /** base64url of the uncompressed P-256 point (65 bytes): the `applicationServerKey` browsers subscribe with. */
  readonly publicKey: string;
  /** base64url of the 32-byte private scalar. */
  readonly privateKey: string;
}

/**
 * A new key pair, to be made once and kept: every subscription is bound to the public key it was made with, and
 * a push signed with another is refused.
 */
export function newVapidKeys(): { readonly publicKey: string; readonly privateKey: string } {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey };
}

/**
 * Throws an Error saying what is wrong unless web-push takes the subject and keys and the public key is the
 * private key's: found when the server starts rather than as a refused push, each time, forever.
 */
export function checkVapidDetails(vapid: VapidDetails): void {
  // Throws on a subject that is not mailto: or https:, and on keys of the wrong encoding or length.
  webpush.getVapidHeaders('https://push.invalid', vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(vapid.privateKey, 'base64url'));
  if (ecdh.getPublicKey('base64url') !== vapid.publicKey)
    throw new Error('the VAPID public key is not the one of the VAPID private key');
}
