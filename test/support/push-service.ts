import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { childLines } from './child-lines.js';
import { repoRoot, stopProcess } from './process.js';
import { freePort } from './redis-server.js';
import { stopAtEnd } from './stop-at-end.js';

/** The npm package web-push-testing's server: a push service that checks and decrypts what it is sent. */
const serverScript = join(repoRoot, 'node_modules/web-push-testing/src/bin/server.js');
/** How long a start may take before it counts as failed, and how long SIGTERM has before SIGKILL (ms). */
const startTimeoutMs = 10_000;
const stopGraceMs = 5_000;

/** A device's subscription as the service made it, ready to spread into a PushCall. */
export interface TestSubscription {
  /** `http://localhost:<port>/notify/<clientHash>`. */
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
  /** The service's name for the device, for `notifications` and `expire`. */
  readonly clientHash: string;
}

export interface PushService {
  /** Where its API answers: `http://127.0.0.1:<port>`. Endpoints it gives name `localhost` instead. */
  readonly url: string;
  readonly pid: number;
  /** Every line it printed so far: it prints why it refused a VAPID token on standard error. */
  readonly lines: readonly string[];
  /** A new subscription bound to this VAPID public key: a push must be signed by its private key. */
  subscribe(vapidPublicKey: string): Promise<TestSubscription>;
  /** Every payload it accepted for the device so far, decrypted, oldest first. */
  notifications(clientHash: string): Promise<string[]>;
  /** From now on, pushes to the device are answered 410. */
  expire(clientHash: string): Promise<void>;
  /** SIGTERM, then SIGKILL after a bound; harmless once stopped. */
  stop(): Promise<void>;
}

/**
 * Starts web-push-testing's server as a child process on a free port and resolves once it says it listens.
 * It binds every interface (the package takes a port only), and is stopped by its PID at the end of the test
 * file whatever happens; rejects, having stopped it, when it exits first or takes too long.
 *
 * What it checks of a push (web-push-testing 1.2.2, src/PushApiModel.js): Content-Encoding `aes128gcm` or
 * `aesgcm`; a `TTL` that parses as an integer; for aes128gcm an `Authorization: vapid t=<JWT>, k=<key>` whose
 * `k` is the subscription's applicationServerKey and whose JWT verifies with it as ES256 (jsonwebtoken, so `exp`
 * too, but neither `aud` nor `sub`); then it decrypts the body. It does not look at `Urgency`. It answers 201, 410
 * once expired, and 400 with a reason for anything else.
 */
export async function startPushService(): Promise<PushService> {
  const port = await freePort();
  const child = spawn(process.execPath, [serverScript, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${serverScript}`);
  const exited = once(child, 'exit');
  const stop = () => stopProcess(child, exited, stopGraceMs);
  const release = stopAtEnd(stop);
  void exited.then(release);

  const { lines, until } = childLines(child, exited, "web-push-testing's output");
  try {
    await until((printed) => printed.includes(`Server running on port ${port}`), startTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }

  const url = `http://127.0.0.1:${port}`;
  const call = async (path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`web-push-testing answered POST ${path} with ${res.status}: ${text}`);
    return text === 'OK' ? undefined : (JSON.parse(text) as unknown);
  };
  return {
    url,
    pid,
    lines,
    async subscribe(vapidPublicKey) {
      // A string, as the package wants it: it takes form fields and JSON alike and checks for 'true' or 'false'.
      const answer = (await call('/subscribe', { userVisibleOnly: 'true', applicationServerKey: vapidPublicKey })) as {
        data: { endpoint: string; keys: { p256dh: string; auth: string }; clientHash: string };
      };
      const { endpoint, keys, clientHash } = answer.data;
      return { endpoint, p256dh: keys.p256dh, auth: keys.auth, clientHash };
    },
    async notifications(clientHash) {
      const answer = (await call('/get-notifications', { clientHash })) as { data: { messages: string[] } };
      return answer.data.messages;
    },
    async expire(clientHash) {
      await call(`/expire-subscription/${clientHash}`, {});
    },
    stop,
  };
}
