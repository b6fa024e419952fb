import { renameSync, symlinkSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, tempDir, type ServerProcess } from '../support/process.js';
import { type SseReader, openSse } from '../support/sse.js';
import { makeCertificate, servedFingerprint, type TestCertificate } from '../support/tls.js';
import { call, join, type Joined } from './client.js';

// A real server process on SQLite (the default store) serving dir/live/cert.pem and dir/live/key.pem, where
// `live` is a symlink to one generation of files. Swapping the symlink replaces both files at once and changes
// nothing in the directory the server watches (the old generation's), so only SIGHUP can make it notice: these
// cases prove the signal. test/security/tls-watch.test.ts proves the watcher.
let dir: string;
let server: ServerProcess;
let first: TestCertificate;
let renewed: TestCertificate;
let alice: Joined;
let bob: Joined;
let stream: SseReader;

const useGeneration = (name: string) => {
  symlinkSync(name, joinPath(dir, 'live.next'));
  renameSync(joinPath(dir, 'live.next'), joinPath(dir, 'live'));
};

/** Sends SIGHUP and resolves with the line the server logs once it has reread the files. */
const hangUp = async () => {
  const skip = server.logs.length;
  server.child.kill('SIGHUP');
  return server.waitForLog((entry) => entry.msg === 'TLS files reread', { skip });
};

const errorLines = () => server.logs.filter((entry) => Number(entry.level) >= 50);

beforeAll(async () => {
  dir = tempDir('parley-renewal-');
  first = await makeCertificate(joinPath(dir, 'first'));
  renewed = await makeCertificate(joinPath(dir, 'renewed'));
  useGeneration('first');
  server = await spawnServer([
    '--data',
    joinPath(dir, 'data'),
    '--tls-cert',
    joinPath(dir, 'live/cert.pem'),
    '--tls-key',
    joinPath(dir, 'live/key.pem'),
  ]);
  alice = await join(server.url, 'alice', { ca: first.pem });
  bob = await join(server.url, 'bob', { ca: first.pem });
  stream = await openSse(`${server.url}/users/bob/stream`, { authorization: `Bearer ${bob.token}` }, { ca: first.pem });
});
afterAll(async () => {
  stream.close();
  await server.stop();
});

describe('certificate renewal without a restart (SQLite)', () => {
  it('serves a renewed pair to new connections after SIGHUP, while a stream opened before keeps its connection and receives a DM sent after the swap', async () => {
    expect(server.logs.find((entry) => entry.msg === 'parley is listening')).toMatchObject({ store: 'sqlite' });
    expect(stream.status).toBe(200);
    expect(stream.fingerprint256).toBe(first.fingerprint256);
    expect(await servedFingerprint(server.url)).toBe(first.fingerprint256);

    useGeneration('renewed');
    expect(await hangUp()).toMatchObject({ outcome: 'reloaded' });
    expect(server.logs.find((entry) => entry.msg === 'TLS certificate reloaded')).toMatchObject({
      trigger: 'SIGHUP',
      fingerprint256: renewed.fingerprint256,
    });
    expect(await servedFingerprint(server.url)).toBe(renewed.fingerprint256);

    // A client that trusts only the renewed certificate gets in.
    const sent = await call(server.url, 'POST', '/messages', {
      ca: renewed.pem,
      token: alice.token,
      json: { to: 'bob', text: 'sent after the swap' },
    });
    expect(sent.status).toBe(202);
    await stream.until((events) => events.some((e) => e.event === 'message'));
    expect(stream.messages()).toMatchObject([
      { id: sent.body.id, from: 'alice', to: 'bob', kind: 'direct', text: 'sent after the swap' },
    ]);
    expect(errorLines()).toEqual([]);
  });

  it('keeps the last good certificate when the new files do not load, and logs that once however often it is asked', async () => {
    const other = await makeCertificate(joinPath(dir, 'other'));
    const broken = await makeCertificate(joinPath(dir, 'broken'));
    // The broken generation's key belongs to another certificate.
    renameSync(other.key, broken.key);
    useGeneration('broken');

    expect(await hangUp()).toMatchObject({ outcome: 'failed' });
    expect(await servedFingerprint(server.url)).toBe(renewed.fingerprint256);
    expect((await call(server.url, 'GET', '/healthz', { ca: renewed.pem })).status).toBe(200);
    expect(await hangUp()).toMatchObject({ outcome: 'failed' });

    const keyFile = joinPath(dir, 'live/key.pem');
    expect(errorLines()).toHaveLength(1);
    expect(errorLines()[0]).toMatchObject({
      msg: expect.stringContaining(keyFile),
      file: keyFile,
      reason: `is not the private key of the certificate in ${joinPath(dir, 'live/cert.pem')}`,
      trigger: 'SIGHUP',
    });
    expect(server.child.exitCode).toBeNull();

    // The stream opened under the first certificate is still open.
    const sent = await call(server.url, 'POST', '/messages', {
      ca: renewed.pem,
      token: alice.token,
      json: { to: 'bob', text: 'still here' },
    });
    await stream.until((events) => events.filter((e) => e.event === 'message').length === 2);
    expect(stream.messages().at(-1)).toMatchObject({ id: sent.body.id, text: 'still here' });
  });
});
