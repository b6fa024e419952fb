import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { register } from '../../support/api.js';
import { serverFleet, tempDir, type ServerProcess } from '../../support/process.js';
import { openSse, type SseReader } from '../../support/sse.js';

const root = tempDir('parley-crash-');
const servers = serverFleet();
let reader: SseReader | undefined;

afterEach(async () => {
  reader?.close();
  await servers.stopAll();
});

const start = (dataDir: string) => servers.start(['--store', 'sqlite', '--data', dataDir]);

/** Registers or logs in (the password is derived from the name), as the other tests' factories do. */
async function login(server: ServerProcess, username: string): Promise<string> {
  return (await register(server.url, username)).token;
}

function post(server: ServerProcess, token: string, to: string, text: string): Promise<Response> {
  return fetch(`${server.url}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ to, text }),
  });
}

const senders = 5;
const perSender = 100;
/** Requests each sender keeps in flight. */
const inFlight = 10;

describe('a SQLite server killed during a burst of sends', { timeout: 60_000 }, () => {
  it('delivers every acknowledged message exactly once after a restart, and every unanswered one at most once', async () => {
    const dir = mkdtempSync(join(root, 'burst-'));
    let server = await start(dir);
    const bob = await login(server, 'bob');
    const tokens = await Promise.all(Array.from({ length: senders }, (_, s) => login(server, `sender${s}`)));

    const acked = new Map<string, string>(); // id -> text
    const unanswered = new Set<string>();
    let killing: Promise<void> | undefined;
    const killAfter = Math.floor((senders * perSender) / 3);

    const worker = async (s: number, w: number) => {
      for (let i = w; i < perSender; i += inFlight) {
        const text = `sender${s} message ${i}`;
        if (killing) {
          unanswered.add(text);
          continue;
        }
        let res: Response;
        let body: { id: string };
        try {
          res = await post(server, tokens[s]!, 'bob', text);
          body = (await res.json()) as { id: string };
        } catch {
          unanswered.add(text); // the connection died with the server
          continue;
        }
        expect(res.status).toBe(202);
        acked.set(body.id, text);
        if (acked.size >= killAfter) killing ??= server.kill();
      }
    };
    await Promise.all(
      Array.from({ length: senders }, (_, s) => Array.from({ length: inFlight }, (_, w) => worker(s, w))).flat(),
    );
    await killing;
    expect(server.child.signalCode).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(killAfter);
    expect(acked.size + unanswered.size).toBe(senders * perSender);

    server = await start(dir);
    reader = await openSse(`${server.url}/users/bob/stream`, { authorization: `Bearer ${bob}` });
    expect(reader.status).toBe(200);
    // A message sent now has the highest id, so it comes after everything that survived.
    const marker = await post(server, tokens[0]!, 'bob', 'after the crash');
    expect(marker.status).toBe(202);
    await reader.until(
      (events) => events.some((e) => e.event === 'message' && JSON.parse(e.data).text === 'after the crash'),
      20_000,
    );

    const delivered = reader.messages<{ id: string; text: string }>().slice(0, -1);
    const ids = delivered.map((m) => m.id);
    const texts = delivered.map((m) => m.text);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(texts).size).toBe(texts.length);
    const byId = new Map(delivered.map((m) => [m.id, m.text]));
    for (const [id, text] of acked) expect(byId.get(id)).toBe(text);
    for (const text of texts) expect(acked.has(ids[texts.indexOf(text)]!) || unanswered.has(text)).toBe(true);
    const numeric = ids.map(Number);
    expect(numeric).toEqual([...numeric].sort((a, b) => a - b));
  });
});
