import { copyFileSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { capturedLogger, type LogEntry, type LogLines } from '../support/log-lines.js';
import { tempDir } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { makeCertificate, servedFingerprint, type TestCertificate } from '../support/tls.js';

// In-process servers watching their certificate files; no signal is sent, so every change is the watcher's.
let root: string;
let made: TestCertificate[];
const running: RunningServer[] = [];
beforeAll(async () => {
  root = tempDir('parley-tls-watch-');
  made = await Promise.all([1, 2, 3].map((n) => makeCertificate(joinPath(root, 'made', String(n)))));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

const start = async (cert: string, key: string): Promise<{ server: RunningServer; lines: LogLines }> => {
  const { log, lines } = capturedLogger();
  const server = await startTestServer({ tlsCert: cert, tlsKey: key, logLevel: 'info' }, { log });
  running.push(server);
  return { server, lines };
};

/** Points `link` at `target` in one atomic step, as certbot does: a new symlink renamed over the old one. */
const relink = (target: string, link: string) => {
  symlinkSync(target, `${link}.next`);
  renameSync(`${link}.next`, link);
};

/** certbot's layout: live/cert.pem and live/privkey.pem are symlinks into archive/. */
const certbotLayout = (dir: string, first: TestCertificate) => {
  const [archive, live] = [joinPath(dir, 'archive'), joinPath(dir, 'live')];
  mkdirSync(archive, { recursive: true });
  mkdirSync(live);
  const files = { cert: joinPath(live, 'cert.pem'), key: joinPath(live, 'privkey.pem') };
  let generation = 0;
  /** Copies a pair into archive/ as the next generation and swaps the live symlinks to it, cert first. */
  const renew = (pair: { cert: string; key: string }) => {
    generation++;
    const [cert, key] = [joinPath(archive, `cert${generation}.pem`), joinPath(archive, `privkey${generation}.pem`)];
    copyFileSync(pair.cert, cert);
    copyFileSync(pair.key, key);
    relink(cert, files.cert);
    relink(key, files.key);
  };
  renew(first);
  return { files, renew, archive };
};

const reloadedTo = (fingerprint256: string) => (entry: LogEntry) =>
  entry.msg === 'TLS certificate reloaded' && entry.fingerprint256 === fingerprint256;
const errorsIn = (lines: LogLines) => lines.entries.filter((entry) => Number(entry.level) >= 50);

describe('the certificate watcher (no signal)', () => {
  it('takes up a pair renewed the way certbot does, by swapping symlinks, for new connections', async () => {
    const [first, second] = [made[0]!, made[1]!];
    const layout = certbotLayout(joinPath(root, 'certbot'), first);
    const { server, lines } = await start(layout.files.cert, layout.files.key);
    expect(await servedFingerprint(server.url)).toBe(first.fingerprint256);

    layout.renew(second);
    expect(await lines.waitFor(reloadedTo(second.fingerprint256))).toMatchObject({
      trigger: 'file change',
      cert: layout.files.cert,
    });
    expect(await servedFingerprint(server.url)).toBe(second.fingerprint256);
  });

  it('takes up files copied over in place', async () => {
    const [first, second] = [made[0]!, made[1]!];
    const dir = joinPath(root, 'in-place');
    mkdirSync(dir);
    const files = { cert: joinPath(dir, 'cert.pem'), key: joinPath(dir, 'key.pem') };
    copyFileSync(first.cert, files.cert);
    copyFileSync(first.key, files.key);
    const { server, lines } = await start(files.cert, files.key);

    copyFileSync(second.key, files.key);
    copyFileSync(second.cert, files.cert);
    await lines.waitFor(reloadedTo(second.fingerprint256));
    expect(await servedFingerprint(server.url)).toBe(second.fingerprint256);
  });

  it('logs a pair that does not load once, naming the file and the reason, keeps the last good one, and takes up the next good one', async () => {
    const [first, second, third] = [made[0]!, made[1]!, made[2]!];
    const layout = certbotLayout(joinPath(root, 'broken'), first);
    const { server, lines } = await start(layout.files.cert, layout.files.key);

    const garbage = joinPath(layout.archive, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    relink(garbage, layout.files.cert);
    const logged = await lines.waitFor((entry) => Number(entry.level) >= 50);
    expect(logged).toMatchObject({
      trigger: 'file change',
      file: layout.files.cert,
      reason: expect.stringMatching(/^is not a PEM certificate/),
    });
    expect(logged.msg).toContain(layout.files.cert);
    expect(await servedFingerprint(server.url)).toBe(first.fingerprint256);

    // Asked again (SIGHUP does this), the same broken files are not logged again.
    expect(await server.reloadTls()).toBe('failed');
    expect(errorsIn(lines)).toHaveLength(1);
    expect(await servedFingerprint(server.url)).toBe(first.fingerprint256);

    // A key that belongs to another certificate is a new failure, logged once.
    relink(second.cert, layout.files.cert);
    await lines.waitFor((entry) => Number(entry.level) >= 50, { skip: lines.entries.indexOf(logged) + 1 });
    expect(await server.reloadTls()).toBe('failed');
    expect(errorsIn(lines)).toMatchObject([
      { file: layout.files.cert },
      { file: layout.files.key, reason: `is not the private key of the certificate in ${layout.files.cert}` },
    ]);

    layout.renew(third);
    await lines.waitFor(reloadedTo(third.fingerprint256));
    expect(await servedFingerprint(server.url)).toBe(third.fingerprint256);
  });
});

describe('reloadTls()', () => {
  it('reports unchanged files as unchanged, and a server without TLS as plain HTTP', async () => {
    const first = made[0]!;
    const { server } = await start(first.cert, first.key);
    expect(await server.reloadTls()).toBe('unchanged');
    const plain = await startTestServer();
    running.push(plain);
    expect(await plain.reloadTls()).toBe('plain-http');
  });
});
