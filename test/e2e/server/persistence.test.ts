import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { register } from '../../support/api.js';
import { serverFleet, tempDir, type ServerProcess } from '../../support/process.js';
import { messageCount, openSse, type SseReader } from '../../support/sse.js';

const root = tempDir('parley-persistence-');
const servers = serverFleet();
const streams = new Set<SseReader>();

afterEach(async () => {
  for (const stream of streams) stream.close();
  streams.clear();
  await servers.stopAll();
});

const start = (dataDir: string) => servers.start(['--store', 'sqlite', '--data', dataDir]);

async function stop(server: ServerProcess): Promise<void> {
  expect(await server.stop()).toBe(0);
}

/** Registers or logs in (the password is derived from the name), as the other tests' factories do. */
async function login(server: ServerProcess, username: string): Promise<string> {
  return (await register(server.url, username)).token;
}

async function send(server: ServerProcess, token: string, to: string, text: string): Promise<string> {
  const res = await fetch(`${server.url}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ to, text }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function stream(
  server: ServerProcess,
  user: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<SseReader> {
  const reader = await openSse(`${server.url}/users/${user}/stream`, { authorization: `Bearer ${token}`, ...headers });
  expect(reader.status).toBe(200);
  streams.add(reader);
  return reader;
}

const texts = (reader: SseReader) => reader.messages<{ text: string }>().map((m) => m.text);

/** Sends a marker and waits for it: everything the stream was going to replay came before it. */
async function settle(
  server: ServerProcess,
  reader: SseReader,
  senderToken: string,
  to: string,
  marker: string,
): Promise<void> {
  const before = reader.messages().length;
  await send(server, senderToken, to, marker);
  await reader.until((events) => messageCount(before + 1)(events) && texts(reader).includes(marker));
}

describe('a SQLite server across restarts', { timeout: 60_000 }, () => {
  it('delivers a message sent to an offline user exactly once after a restart, and not again on the next stream', async () => {
    const dir = mkdtempSync(join(root, 'offline-'));
    let server = await start(dir);
    const alice = await login(server, 'alice');
    const bob = await login(server, 'bob');
    const id = await send(server, alice, 'bob', 'sent while you were away');
    await stop(server);

    server = await start(dir);
    // Tokens survive the restart as well.
    const first = await stream(server, 'bob', bob);
    await settle(server, first, alice, 'bob', 'marker one');
    expect(texts(first)).toEqual(['sent while you were away', 'marker one']);
    expect(first.messages<{ id: string }>()[0]!.id).toBe(id);
    first.close();
    await stop(server);

    server = await start(dir);
    const second = await stream(server, 'bob', bob);
    await settle(server, second, alice, 'bob', 'marker two');
    expect(texts(second)).toEqual(['marker two']);
  });

  it('resumes from a Last-Event-ID taken before a restart with exactly the messages after it', async () => {
    const dir = mkdtempSync(join(root, 'resume-'));
    let server = await start(dir);
    const alice = await login(server, 'alice');
    const bob = await login(server, 'bob');
    for (let i = 1; i <= 5; i++) await send(server, alice, 'bob', `m${i}`);
    const live = await stream(server, 'bob', bob);
    await live.until(messageCount(5));
    const ids = live.events.filter((e) => e.event === 'message').map((e) => e.id);
    live.close();
    await stop(server);

    server = await start(dir);
    const resumed = await stream(server, 'bob', bob, { 'last-event-id': ids[1]! });
    await settle(server, resumed, alice, 'bob', 'after restart');
    expect(texts(resumed)).toEqual(['m3', 'm4', 'm5', 'after restart']);
    expect(
      resumed.events
        .filter((e) => e.event === 'message')
        .slice(0, 3)
        .map((e) => e.id),
    ).toEqual(ids.slice(2));
    expect(resumed.events.some((e) => e.event === 'lost')).toBe(false);
  });
});
