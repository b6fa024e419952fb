import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { secureContextOptions, type TlsProfile } from './profile.js';

/** The paths of --tls-cert and --tls-key. */
export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** The bytes of both files, as read together. */
export interface PairBytes {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** A certificate and key that load together under a profile. */
export interface CertificatePair extends PairBytes {
  /** What node:tls is given for this pair. */
  readonly options: SecureContextOptions;
  /** SHA-256 fingerprint of the (first) certificate, as `AA:BB:...`. */
  readonly fingerprint256: string;
  readonly subject: string;
  readonly validTo: string;
}

/** A pair that does not load: `file` names the file at fault, `reason` says why. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Reads both files; a file that cannot be read is a CertificateError naming it. */
export async function readPairBytes(files: CertificateFiles): Promise<PairBytes> {
  const read = (file: string) =>
    readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new CertificateError(file, `cannot be read (${err.code ?? err.message})`);
    });
  const [cert, key] = await Promise.all([read(files.cert), read(files.key)]);
  return { cert, key };
}

/**
 * Checks that the bytes are a PEM certificate and a private key that belongs to it, and that node:tls accepts
 * them under `profile`. Throws a CertificateError naming the file at fault.
 */
export function checkPair(files: CertificateFiles, bytes: PairBytes, profile: TlsProfile): CertificatePair {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(bytes.cert);
  } catch (err) {
    throw new CertificateError(files.cert, `is not a PEM certificate (${messageOf(err)})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(bytes.key);
  } catch (err) {
    throw new CertificateError(files.key, `is not a PEM private key (${messageOf(err)})`);
  }
  if (!certificate.checkPrivateKey(key))
    throw new CertificateError(files.key, `is not the private key of the certificate in ${files.cert}`);
  const options = secureContextOptions(profile, bytes);
  try {
    createSecureContext(options);
  } catch (err) {
    throw new CertificateError(files.cert, `is refused by TLS (${messageOf(err)})`);
  }
  return {
    ...bytes,
    options,
    fingerprint256: certificate.fingerprint256,
    subject: certificate.subject,
    validTo: certificate.validTo,
  };
}

/** Reads and checks a pair (at start-up). */
export async function loadPair(files: CertificateFiles, profile: TlsProfile): Promise<CertificatePair> {
  return checkPair(files, await readPairBytes(files), profile);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
