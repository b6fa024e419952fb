import type { SecureContextOptions, SecureVersion } from 'node:tls';

/**
 * The TLS profiles Parley serves, taken from Mozilla's server-side TLS guidelines, version 5.7
 * (https://ssl-config.mozilla.org/guidelines/5.7.json, https://wiki.mozilla.org/Security/Server_Side_TLS).
 * To keep them current, compare each field with the newest guideline and bump `guidelineVersion`.
 *
 * - intermediate (the default): TLS 1.2 and 1.3. TLS 1.2 only with ECDHE key exchange and AEAD ciphers (AES-GCM,
 *   ChaCha20-Poly1305): the guideline's list as it gives it for Go and Caddy. Its three DHE-RSA suites are left
 *   out: Node offers DHE only with DH parameters, and every oldest client the guideline names has an ECDHE suite.
 * - modern: TLS 1.3 only.
 *
 * Both let the client pick among the suites (`server_preferred_order: false`) and use the guideline's curves.
 */
export const guidelineVersion = '5.7';

export type TlsProfileName = 'intermediate' | 'modern';

export interface TlsProfile {
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  /** OpenSSL names: the TLS 1.3 suites (TLS_*) and, for TLS 1.2, the cipher list. */
  readonly ciphers: readonly string[];
  readonly curves: readonly string[];
}

const tls13Suites = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const curves = ['X25519', 'prime256v1', 'secp384r1'];

export const tlsProfiles: { readonly [name in TlsProfileName]: TlsProfile } = {
  intermediate: {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [
      ...tls13Suites,
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      'ECDHE-RSA-CHACHA20-POLY1305',
    ],
    curves,
  },
  modern: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: tls13Suites, curves },
};

/** Strict-Transport-Security max-age of both profiles (`hsts_min_age`: two years, in seconds). */
export const hstsMaxAgeSeconds = 63_072_000;

/**
 * Everything node:tls needs for a secure context: the profile and one certificate with its key. The whole set
 * is passed each time (server creation and `setSecureContext` alike), since `setSecureContext` resets what it
 * is not given to Node's defaults.
 */
export function secureContextOptions(
  profile: TlsProfile,
  pair: { readonly cert: Buffer; readonly key: Buffer },
): SecureContextOptions {
  return {
    cert: pair.cert,
    key: pair.key,
    minVersion: profile.minVersion,
    maxVersion: profile.maxVersion,
    ciphers: profile.ciphers.join(':'),
    ecdhCurve: profile.curves.join(':'),
    honorCipherOrder: false,
  };
}
