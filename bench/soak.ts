// A soak with churn: 300 users on one server process with streams open, direct, group and broadcast traffic, a
// tenth of the streams cut and resumed with Last-Event-ID every few seconds, and now and then a user who exits
// and logs in again. Counts missing, duplicated and out-of-order messages per user and prints the server's RSS
// over time. Loopback only; stops by itself.
//
//   npm run soak                                   (SQLite, default flags, 5 minutes)
//   SOAK_SECONDS=60 SOAK_STORE=memory npm run soak
//   SOAK_STORE=redis npm run soak                  (a redis-server of its own, --workers 2: SOAK_WORKERS)
import { rmSync } from 'node:fs';
import { get, type ClientRequest } from 'node:http';
import { cpus } from 'node:os';
import { createParser } from 'eventsource-parser';
import { serverThroughTsx, spawnServer, tempDir } from '../test/support/process.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { nodeChildren, rssOf } from './lib/proc.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 300);
const store = process.env.SOAK_STORE ?? 'sqlite';
if (store !== 'sqlite' && store !== 'memory' && store !== 'redis')
  throw new Error('SOAK_STORE: sqlite, memory or redis');
const workers = Number(process.env.SOAK_WORKERS ?? (store === 'redis' ? 2 : 1));
const userCount = 300;
const groupSize = 10;
/** Per second: direct messages, group messages and broadcasts; about 1.3 received per user per second. */
const rates = { direct: 150, group: 10, broadcast: 0.5 };
const churnEveryMs = 3_000;
const exitEveryMs = 5_000;
const sampleEveryMs = 10_000;

// The product's defaults, where the test helpers would make them cheaper.
const data = tempDir('parley-soak-');
// Redis as docs/storage.md recommends it: an append-only file fsynced before every answer.
const redis = store === 'redis' ? await startRedisServer({ appendfsync: 'always' }) : undefined;
const storeArgs = redis
  ? ['--store', 'redis', '--redis-url', redis.url, '--workers', String(workers)]
  : ['--store', store, '--data', data];
const server = await spawnServer(
  [...storeArgs, '--scrypt-cost', '16384', '--presence-delay-ms', '250'],
  {},
  { command: serverThroughTsx },
);
/** The processes that serve: the one, or the primary and its workers. */
const serving = () => [server.child.pid!, ...nodeChildren(server.child.pid!)];
const { url } = server;
const deadline = setTimeout(
  () => {
    process.stderr.write('soak: did not finish in time\n');
    void server.kill().then(async () => {
      await redis?.kill();
      process.exit(2);
    });
  },
  (seconds + 120) * 1_000,
);
deadline.unref();

interface User {
  readonly name: string;
  token: string;
  /** Ids this user must receive, in the order they were accepted. */
  readonly expected: Set<number>;
  readonly received: Set<number>;
  last: number;
  duplicates: number;
  outOfOrder: number;
  stream: ClientRequest | undefined;
  /** Bumped when a stream is replaced, so that a late event of the old one is not counted twice. */
  generation: number;
}

async function post(
  path: string,
  token: string | undefined,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function login(name: string): Promise<string> {
  const res = await post('/sessions', undefined, { username: name, password: `${name}-password` });
  if (res.status !== 200 && res.status !== 201) throw new Error(`login ${name}: ${res.status}`);
  return res.json.token as string;
}

function openStream(user: User): void {
  const generation = ++user.generation;
  const headers: Record<string, string> = { authorization: `Bearer ${user.token}` };
  if (user.last > 0) headers['last-event-id'] = String(user.last);
  const parser = createParser({
    onEvent: (e) => {
      if (generation !== user.generation || (e.event ?? 'message') !== 'message') return;
      const id = Number(e.id);
      if (user.received.has(id)) user.duplicates++;
      else if (id < user.last) user.outOfOrder++;
      user.received.add(id);
      user.last = Math.max(user.last, id);
    },
  });
  const req = get(`${url}/users/${user.name}/stream`, { agent: false, headers }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    res.on('error', () => {});
  });
  req.on('error', () => {});
  user.stream = req;
}

function cut(user: User): void {
  user.generation++;
  user.stream?.destroy();
  user.stream = undefined;
}

const users: User[] = [];
for (let i = 0; i < userCount; i++) {
  const name = `soak${i}`;
  users.push({
    name,
    token: await login(name),
    expected: new Set(),
    received: new Set(),
    last: 0,
    duplicates: 0,
    outOfOrder: 0,
    stream: undefined,
    generation: 0,
  });
}
const groups: { name: string; members: User[] }[] = [];
for (let g = 0; g < userCount / groupSize; g++) {
  const members = users.slice(g * groupSize, (g + 1) * groupSize);
  const res = await post('/groups', members[0]!.token, {
    name: `crew${g}`,
    members: members.slice(1).map((m) => m.name),
  });
  if (res.status !== 201) throw new Error(`group crew${g}: ${res.status}`);
  groups.push({ name: `crew${g}`, members });
}
for (const user of users) openStream(user);

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
let sent = 0;
let refused = 0;
/** Refusals by status: a 401 is a send racing its own user's exit, which revokes the token it used. */
const refusals = new Map<string, number>();
const refuse = (why: string) => {
  refused++;
  refusals.set(why, (refusals.get(why) ?? 0) + 1);
};
let inFlight = 0;

async function send(kind: 'direct' | 'group' | 'broadcast'): Promise<void> {
  const from = pick(users);
  let path = '/messages';
  let body: Record<string, string>;
  let recipients: User[];
  if (kind === 'broadcast') {
    path = '/broadcast';
    body = { text: `broadcast from ${from.name}` };
    recipients = users.filter((u) => u !== from);
  } else if (kind === 'group') {
    const group = groups[(users.indexOf(from) / groupSize) | 0]!;
    body = { to: group.name, text: `to ${group.name}` };
    recipients = group.members.filter((u) => u !== from);
  } else {
    const to = pick(users.filter((u) => u !== from));
    body = { to: to.name, text: `to ${to.name}` };
    recipients = [to];
  }
  inFlight++;
  try {
    const res = await post(path, from.token, body);
    if (res.status !== 202) {
      refuse(String(res.status));
      return;
    }
    sent++;
    for (const r of recipients) r.expected.add(Number(res.json.id));
  } catch {
    refuse('network');
  } finally {
    inFlight--;
  }
}

const timers: NodeJS.Timeout[] = [];
const every = (ms: number, work: () => void) => timers.push(setInterval(work, ms));
const started = Date.now();
for (const [kind, perSecond] of Object.entries(rates) as ['direct' | 'group' | 'broadcast', number][]) {
  // Ticks of 100 ms, each sending its share, carrying fractions over.
  let owed = 0;
  every(100, () => {
    owed += perSecond / 10;
    for (; owed >= 1; owed--) void send(kind);
  });
}
every(churnEveryMs, () => {
  for (const user of users) {
    if (Math.random() >= 0.1 || !user.stream) continue;
    cut(user);
    openStream(user);
  }
});
every(exitEveryMs, () => {
  const user = pick(users);
  if (!user.stream) return;
  void (async () => {
    await fetch(`${url}/sessions/current`, { method: 'DELETE', headers: { authorization: `Bearer ${user.token}` } });
    cut(user);
    user.token = await login(user.name);
    openStream(user);
  })().catch(() => refuse('relogin'));
});

const rss: { at: number; mb: number }[] = [];
const sample = () => {
  rss.push({ at: Math.round((Date.now() - started) / 1_000), mb: rssOf(serving()) / 2 ** 20 });
};
every(sampleEveryMs, sample);

await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
for (const timer of timers) clearInterval(timer);
sample();
while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));

// Every stream is open (a user mid-relogin finishes it); give them a bounded while to catch up.
const caughtUp = () => users.every((u) => [...u.expected].every((id) => u.received.has(id)));
for (let waited = 0; waited < 30_000 && !caughtUp(); waited += 100)
  await new Promise((resolve) => setTimeout(resolve, 100));

let missing = 0;
let duplicated = 0;
let outOfOrder = 0;
let delivered = 0;
for (const user of users) {
  for (const id of user.expected) if (!user.received.has(id)) missing++;
  duplicated += user.duplicates;
  outOfOrder += user.outOfOrder;
  delivered += user.received.size;
  cut(user);
}
await server.stop();
await redis?.stop();
rmSync(data, { recursive: true, force: true });
if (redis) rmSync(redis.dir, { recursive: true, force: true });

const minute1 = rss.find((s) => s.at >= 60) ?? rss[0]!;
const end = rss[rss.length - 1]!;
const out = [
  `Soak ${new Date().toISOString().slice(0, 10)}: ${store}${redis ? ` with --workers ${workers}` : ''}, default flags, ${userCount} users, ${seconds} s, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  `accepted ${sent} messages (${refused} refused or failed: ${[...refusals].map(([k, n]) => `${k} x${n}`).join(', ') || 'none'}), ${delivered} deliveries`,
  `missing ${missing}, duplicated ${duplicated}, out of order ${outOfOrder}`,
  `RSS MB by second: ${rss.map((s) => `${s.at}s ${s.mb.toFixed(0)}`).join(', ')}`,
  `RSS at ${minute1.at} s ${minute1.mb.toFixed(0)} MB, at the end ${end.mb.toFixed(0)} MB: ${(((end.mb - minute1.mb) / minute1.mb) * 100).toFixed(1)} %`,
];
process.stdout.write(`${out.join('\n')}\n`);
process.exit(missing + duplicated + outOfOrder === 0 ? 0 : 1);
