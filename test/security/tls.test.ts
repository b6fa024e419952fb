import { writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, tempDir, type ServerProcess } from '../support/process.js';
import { makeCertificate, sClient, type TestCertificate } from '../support/tls.js';
import { call, join, problemOf } from './client.js';

let server: ServerProcess;
let ca: Buffer;
let dir: string;
let pair: TestCertificate;
beforeAll(async () => {
  dir = tempDir('parley-tls-');
  pair = await makeCertificate(dir);
  ca = pair.pem;
  server = await spawnServer(['--data', dir, '--tls-cert', pair.cert], { PARLEY_TLS_KEY: pair.key });
});
afterAll(() => server.stop());

/** A TLS 1.2 handshake offering only `cipher`, verified against the test's certificate. */
const tls12With = (url: string, cipher: string) => sClient(url, ['-tls1_2', '-cipher', cipher, '-CAfile', pair.cert]);
/** The server, not the client, ended the handshake with this TLS alert. */
const refusedWith = (alert: 'handshake failure' | 'protocol version') =>
  new RegExp(`alert ${alert}:.*SSL alert number`);

describe('HTTPS', () => {
  it('serves the API over TLS with the configured certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await call(server.url, 'GET', '/healthz', { ca });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('marks the session cookie Secure and sends Strict-Transport-Security', async () => {
    const res = await call(server.url, 'POST', '/sessions', {
      ca,
      json: { username: 'alice', password: 'alice-password' },
    });
    expect(res.status).toBe(201);
    expect(res.headers['set-cookie']![0]).toMatch(/; Secure/i);
    expect(res.headers['set-cookie']![0]).toMatch(/; HttpOnly/i);
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000');
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(call(server.url, 'GET', '/healthz')).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('does not speak plain HTTP on the TLS port', async () => {
    await expect(call(server.url.replace('https:', 'http:'), 'GET', '/healthz')).rejects.toThrow();
  });

  it('authenticates by bearer token over TLS like over plain HTTP', async () => {
    const bob = await join(server.url, 'bob', { ca });
    expect((await call(server.url, 'GET', '/users', { ca, token: bob.token })).status).toBe(200);
    expect(problemOf(await call(server.url, 'GET', '/users', { ca }))).toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
  });

  it("refuses to start with a key that is not the certificate's, naming the key file", async () => {
    const other = await makeCertificate(joinPath(dir, 'other'));
    const result = await runCli(['--port', '0', '--data', dir, '--tls-cert', pair.cert, '--tls-key', other.key]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${other.key}: is not the private key of the certificate in ${pair.cert}`);
  });

  it('refuses to start with a certificate file that is not PEM, naming it', async () => {
    const bad = joinPath(dir, 'not-a-cert.pem');
    writeFileSync(bad, 'hello\n');
    const result = await runCli(['--port', '0', '--data', dir, '--tls-cert', bad, '--tls-key', pair.key]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}: is not a PEM certificate`);
  });

  it('refuses to start with a certificate but no key, naming both options', async () => {
    const result = await runCli(['--port', '0', '--data', dir, '--tls-cert', joinPath(dir, 'cert.pem')]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/--tls-key/);
  });
});

describe('the default profile: Mozilla intermediate (guidelines 5.7)', () => {
  it('names the profile it serves when it starts', () => {
    expect(server.logs.find((entry) => entry.msg === 'parley is listening')).toMatchObject({
      tls: { profile: 'intermediate (Mozilla guidelines 5.7)', fingerprint256: pair.fingerprint256 },
    });
  });

  it.each(['AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384'])(
    'refuses TLS 1.2 with %s (CBC, or no forward secrecy)',
    async (cipher) => {
      const result = await tls12With(server.url, cipher);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(refusedWith('handshake failure'));
      expect(result.output).toContain('Cipher is (NONE)');
    },
  );

  it.each(['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'])('accepts TLS 1.2 with %s', async (cipher) => {
    const result = await tls12With(server.url, cipher);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`New, TLSv1.2, Cipher is ${cipher}`);
    expect(result.output).toContain('Verify return code: 0 (ok)');
  });

  it('accepts TLS 1.3', async () => {
    const result = await sClient(server.url, ['-tls1_3', '-CAfile', pair.cert]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/New, TLSv1\.3, Cipher is TLS_/);
  });

  it('refuses TLS 1.1, even from a client willing to use any cipher', async () => {
    const result = await sClient(server.url, ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(refusedWith('protocol version'));
  });
});

describe('--tls-profile modern', () => {
  let modern: ServerProcess;
  beforeAll(async () => {
    modern = await spawnServer(['--tls-cert', pair.cert, '--tls-key', pair.key, '--tls-profile', 'modern']);
  });
  afterAll(() => modern.stop());

  it('refuses TLS 1.2, even with a cipher the intermediate profile accepts', async () => {
    const result = await tls12With(modern.url, 'ECDHE-RSA-AES128-GCM-SHA256');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(refusedWith('protocol version'));
  });

  it('accepts TLS 1.3 and serves the API over it', async () => {
    const result = await sClient(modern.url, ['-tls1_3', '-CAfile', pair.cert]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/New, TLSv1\.3, Cipher is TLS_/);
    expect((await call(modern.url, 'GET', '/healthz', { ca })).status).toBe(200);
  });
});
