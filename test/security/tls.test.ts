import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer, tempDir, type ServerProcess } from '../support/process.js';
import { call, join, problemOf } from './client.js';

let server: ServerProcess;
let ca: Buffer;
let dir: string;
beforeAll(async () => {
  dir = tempDir('parley-tls-');
  const [key, cert] = [joinPath(dir, 'key.pem'), joinPath(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert, '-days', '1'], { stdio: 'ignore' });
  ca = readFileSync(cert);
  server = await spawnServer(['--data', dir, '--tls-cert', cert], { PARLEY_TLS_KEY: key });
});
afterAll(() => server.stop());

describe('HTTPS', () => {
  it('serves the API over TLS with the configured certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await call(server.url, 'GET', '/healthz', { ca });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('marks the session cookie Secure and sends Strict-Transport-Security', async () => {
    const res = await call(server.url, 'POST', '/sessions', { ca, json: { username: 'alice', password: 'alice-password' } });
    expect(res.status).toBe(201);
    expect(res.headers['set-cookie']![0]).toMatch(/; Secure/i);
    expect(res.headers['set-cookie']![0]).toMatch(/; HttpOnly/i);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
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
    expect(problemOf(await call(server.url, 'GET', '/users', { ca }))).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('refuses to start with a certificate but no key, naming both options', async () => {
    const result = await runCli(['--port', '0', '--data', dir, '--tls-cert', joinPath(dir, 'cert.pem')]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/--tls-key/);
  });
});
