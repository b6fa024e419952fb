// What a server holds for its online users does not grow with their traffic: the store is the truth and a
// stream reads from it by position, so after thousands more messages each the live heap (what a full collection
// leaves, read from heap snapshots of the real server process) is what it was.
import { once } from 'node:events';
import { readFileSync, rmSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../support/api.js';
import { repoRoot, spawnServer, tempDir, type ServerProcess } from '../support/process.js';
import { openLightStream } from '../support/light-stream.js';
import { Watched } from '../support/watched.js';

const streams = 50;
/** Broadcasts before the first snapshot: the server's code is warm and its caches full by then. */
const warmUp = 300;
/** Broadcasts between the snapshots: 100,000 deliveries. */
const measured = 2_000;
/**
 * Live heap the server may gain meanwhile: 2 bytes a delivery. A structure of each stream that kept a pointer
 * per message would take four times as much; one that kept the frames, a hundred times.
 */
const budget = 2 * streams * measured;

/** A stream that keeps only the id of the last message it received. */
interface LightStream {
  last: number;
  close(): void;
}

async function openLight(url: string, user: TestUser, watched: Watched): Promise<LightStream> {
  const stream = { last: 0, close: () => {} };
  stream.close = (await openLightStream(url, user, watched, (id) => (stream.last = id))).close;
  return stream;
}

/**
 * The server's live heap in bytes (see heapBytes), from a heap snapshot, which node takes (after a full
 * collection) on SIGUSR2 and writes into `dir` synchronously. The file appears as the writing starts; the next
 * request is answered once it is done.
 */
async function liveHeap(server: ServerProcess, dir: string): Promise<number> {
  const watcher = watch(dir);
  try {
    const appeared = once(watcher, 'change');
    server.child.kill('SIGUSR2');
    const [, file] = (await appeared) as [string, string];
    expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);
    return heapBytes(JSON.parse(readFileSync(join(dir, file), 'utf8')) as HeapSnapshot);
  } finally {
    watcher.close();
  }
}

interface HeapSnapshot {
  readonly snapshot: {
    readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[]] };
  };
  readonly nodes: readonly number[];
}

/** What V8 keeps for itself (compiled code, hidden classes): it grows as code warms up, whatever the traffic. */
const engineTypes = new Set(['code', 'hidden', 'object shape']);

/** The bytes of the program's own objects in a snapshot: its objects, arrays, closures, strings, numbers. */
function heapBytes({ snapshot, nodes }: HeapSnapshot): number {
  const fields = snapshot.meta.node_fields;
  const type = fields.indexOf('type');
  const selfSize = fields.indexOf('self_size');
  const engine = snapshot.meta.node_types[0].map((name) => engineTypes.has(name));
  let bytes = 0;
  for (let i = 0; i < nodes.length; i += fields.length) if (!engine[nodes[i + type]!]) bytes += nodes[i + selfSize]!;
  return bytes;
}

// On SQLite: the memory store holds the messages themselves in the heap, and on Redis the client's timers
// pending at the moment of a snapshot come and go by hundreds of kilobytes.
describe.each(['sqlite'] as const)('a server with users online, on %s', (store) => {
  const snapshots = tempDir('parley-heap-');
  const watched = new Watched();
  let server: ServerProcess;
  let herald: TestUser;
  let open: LightStream[] = [];

  beforeAll(async () => {
    server = await spawnServer(
      ['--store', store, '--broadcast-rate', '0'],
      {},
      {
        command: [
          process.execPath,
          '--heapsnapshot-signal=SIGUSR2',
          `--diagnostic-dir=${snapshots}`,
          '--import',
          'tsx',
          join(repoRoot, 'src/cli/server-main.ts'),
        ],
      },
    );
    herald = await register(server.url, 'herald');
    const users: TestUser[] = [];
    for (let i = 0; i < streams; i++) users.push(await register(server.url, `u${i}`));
    open = await Promise.all(users.map((user) => openLight(server.url, user, watched)));
  }, 60_000);
  afterAll(async () => {
    for (const stream of open) stream.close();
    await server?.stop();
    rmSync(snapshots, { recursive: true, force: true });
  });

  /** Broadcasts `count` messages and resolves once every stream has the last. */
  async function broadcast(count: number): Promise<void> {
    let last = 0;
    for (let i = 0; i < count; i++) {
      const res = await api(server.url, 'POST', '/broadcast', { token: herald.token, json: { text: `news ${i}` } });
      expect(res.status).toBe(202);
      last = Number(res.body.id);
    }
    await watched.until(
      () => (open.every((s) => s.last === last) ? true : undefined),
      60_000,
      () => `not every stream got up to ${last}`,
    );
  }

  it('holds no more for them after thousands of messages each than before', async () => {
    await broadcast(warmUp);
    const before = await liveHeap(server, snapshots);
    await broadcast(measured);
    const after = await liveHeap(server, snapshots);
    expect(after - before).toBeLessThan(budget);
  }, 120_000);
});
