import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  /** The certificate's SHA-256 fingerprint, as `AA:BB:...`. */
  readonly fingerprint256: string;
  /** The certificate's PEM, for clients to trust. */
  readonly pem: Buffer;
}

/** A fresh self-signed RSA certificate for 127.0.0.1 and its key, made by openssl as cert.pem and key.pem in `dir`. */
export async function makeCertificate(dir: string): Promise<TestCertificate> {
  mkdirSync(dir, { recursive: true });
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
  ]);
  const pem = readFileSync(cert);
  return { cert, key, pem, fingerprint256: new X509Certificate(pem).fingerprint256 };
}

/** The fingerprint of the certificate a new TLS connection to `url` is served (not verified: any is read). */
export async function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket: TLSSocket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false });
  try {
    await once(socket, 'secureConnect');
    return socket.getPeerCertificate().fingerprint256;
  } finally {
    socket.destroy();
  }
}

/** What `openssl s_client` printed and how it exited. */
export interface HandshakeResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * One handshake with `openssl s_client -connect host:port ...args`; stdin is empty, so it quits right after.
 * Bounded: killed after 10 s.
 */
export async function sClient(url: string, args: readonly string[]): Promise<HandshakeResult> {
  const { hostname, port } = new URL(url);
  const child = spawn('openssl', ['s_client', '-connect', `${hostname}:${port}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, output };
}
