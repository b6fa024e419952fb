// Web Push (RFC 8030/8291/8292) to a push service stand-in in a process of its own (bench/load/push-service.ts,
// answering 201 and decrypting every push afterwards to tell which message it carried). One server per target
// with --push-allow-private --push-hold-ms 0, and three users besides the sender:
// - `reader`, with a stream open and two subscriptions (never pushed: their stream has every message), and
//   `away`, with no stream and two subscriptions (each message pushed twice). Messages go to each in turns, first
//   one at a time (each once the one before arrived: on the stream, or at both of away's devices), then from a
//   few senders at once: server CPU per message and the 202's latency to away against reader, which is what two
//   pushes add to a send; and one at a time, the time from a message's 202 to its first push and to both, against
//   the time one push takes in the reference's loop.
// - `backlog`, with no stream and one subscription: a backlog of messages while the push service answers 503,
//   then pushed one at a time once it answers 201. The reference is bench/reference/push-poster.ts, a bare loop
//   doing the same wire work (web-push's encryption and VAPID JWT, one POST at a time, kept alive) into the same
//   stand-in.
// Every device's pushes are checked against the messages sent to its user (each once, in order; none to reader),
// and reader's stream likewise.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { repoRoot } from '../../test/support/process.js';
import { pool, Signal, sleep } from '../lib/async.js';
import { expectJson, requestJson } from '../lib/http.js';
import { addIntegrity, emptyIntegrity, type IntegritySum } from '../lib/load-workers.js';
import { cpuMsOf } from '../lib/proc.js';
import { PushReceiver, type PushDevice } from '../lib/push-receiver.js';
import { num, type Row } from '../lib/report.js';
import type { Target, TargetName } from '../lib/targets.js';
import { Arrivals, openUserStream } from '../lib/user-stream.js';
import {
  cells,
  checks,
  percentile,
  ratiosToReference,
  ratiosWithin,
  register,
  restAgent,
  scaled,
  values,
  withoutReference,
  withServer,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';

const run = promisify(execFile);
const serverArgs = ['--push-allow-private', '--push-hold-ms', '0', '--message-rate', '0'];
/** Senders at once in the concurrent phase: enough to keep the server busy, few enough not to queue. */
const senders = 4;
/** Senders while the backlog builds: only how fast it builds depends on them. */
const backlogSenders = 16;
/** Messages to each of reader and away before anything is measured: JIT, statements, connections. */
const warmUp = 50;
/** Longest wait for one message's arrival one at a time, and for a phase's last (ms). */
const oneMs = 10_000;
const phaseMs = 120_000;
/** The reference's payload ids start above this, as long as Parley's ids are. */
const referenceIdBase = 218_728_393_290_000;

/** One recipient in one phase: server CPU per message and the 202's latency. */
interface Phase {
  readonly messages: number;
  readonly usPerMessage: number;
  readonly acceptP50Ms: number;
  readonly acceptP99Ms: number;
}

interface Cost {
  readonly paced: { readonly reader: Phase; readonly away: Phase };
  readonly concurrent: { readonly reader: Phase; readonly away: Phase };
  /** One at a time: 202 to the first of away's two pushes at the push service, to both, and to reader's frame. */
  readonly firstP50Ms: number;
  readonly firstP99Ms: number;
  readonly bothP50Ms: number;
  readonly bothP99Ms: number;
  readonly streamP50Ms: number;
  readonly streamP99Ms: number;
  readonly check: IntegritySum;
}

interface Drain {
  readonly messages: number;
  /** Pushes taken per second, from the first to the last, by their arrival at the push service. */
  readonly perS: number;
  /** Requests answered 503 while the backlog built. */
  readonly refused: number;
  readonly check: IntegritySum;
}

interface PushResult {
  /** Parley only. */
  readonly cost?: Cost;
  readonly drain: Drain;
}

interface Amounts {
  /** Per recipient, one at a time, and from `senders` at once. */
  readonly paced: number;
  readonly concurrent: number;
  readonly backlog: number;
}

/** A message accepted: its id, and when its 202 was read (performance.now()) and took (ms). */
interface Accepted {
  readonly id: string;
  readonly at: number;
  readonly ms: number;
}

/** The server, its users and what each received, as one measurement goes. */
class Bench {
  readonly agent = restAgent(backlogSenders);
  readonly url: URL;
  readonly streamed = new Arrivals();
  readonly streamChanged = new Signal();
  /** Ids accepted for each recipient, in the order of their 202s. */
  readonly sentTo = new Map<string, string[]>();
  tokens: Record<string, string> = {};

  constructor(
    readonly server: Target,
    readonly receiver: PushReceiver,
    private readonly textBytes: number,
  ) {
    this.url = new URL(server.url);
  }

  async send(to: string, i: number): Promise<Accepted> {
    const text = `${to} ${i} `.padEnd(this.textBytes, 'x');
    const answer = await expectJson(this.agent, this.url, '/messages', { to, text }, 202, this.tokens.sender);
    const accepted = { id: String(answer.body.id), at: performance.now(), ms: answer.ms };
    let sent = this.sentTo.get(to);
    if (!sent) this.sentTo.set(to, (sent = []));
    sent.push(accepted.id);
    return accepted;
  }

  /** Subscribes `count` new devices of the receiver for `user`. */
  async subscribe(user: string, count: number): Promise<PushDevice[]> {
    const devices = await this.receiver.devices(count);
    for (const device of devices) {
      const { endpoint, p256dh, auth } = device;
      const made = await requestJson(
        this.agent,
        this.url,
        'POST',
        '/push/subscriptions',
        { endpoint, keys: { p256dh, auth } },
        this.tokens[user],
      );
      if (made.status !== 201) throw new Error(`subscribing ${user}: ${made.status} ${JSON.stringify(made.body)}`);
    }
    return devices;
  }

  /** Whether every one of `ids` reached its destination: reader's stream, or every one of `devices`. */
  arrived(ids: readonly string[], devices: readonly PushDevice[] | 'stream'): boolean {
    const seen = devices === 'stream' ? [this.streamed.at] : devices.map((d) => this.receiver.log(d).at);
    // Too few yet is the usual answer, and the cheap one: this runs at every arrival.
    if (seen.some((at) => at.size < ids.length)) return false;
    return ids.every((id) => seen.every((at) => at.has(id)));
  }

  until(ids: readonly string[], devices: readonly PushDevice[] | 'stream', ms: number): Promise<boolean> {
    const done = () => this.arrived(ids, devices);
    return devices === 'stream' ? this.streamChanged.until(done, ms) : this.receiver.until(done, ms);
  }
}

async function measure(target: TargetName, amounts: Amounts, settings: Settings): Promise<PushResult> {
  const receiver = await PushReceiver.start();
  try {
    if (target === 'reference') return { drain: await referenceDrain(receiver, amounts, settings) };
    return await withServer(target, serverArgs, async (server) => {
      const bench = new Bench(server, receiver, settings.textBytes);
      const names = ['sender', 'reader', 'away', 'backlog'];
      const tokens = await register(bench.agent, bench.url, names);
      bench.tokens = Object.fromEntries(names.map((name, i) => [name, tokens[i]!]));
      const stream = await openUserStream(bench.url, 'reader', bench.tokens.reader!, (id) => {
        bench.streamed.add(id);
        bench.streamChanged.notify();
      });
      try {
        await untilOnline(bench, 'reader');
        const readerDevices = await bench.subscribe('reader', 2);
        const awayDevices = await bench.subscribe('away', 2);
        const cost = await measureCost(bench, readerDevices, awayDevices, amounts, settings);
        const drain = await measureDrain(bench, amounts.backlog, settings);
        settings.log(
          `${target}: per message ${num(cost.concurrent.reader.usPerMessage)} µs to reader, ${num(cost.concurrent.away.usPerMessage)} µs to away; ` +
            `202 → first push p50 ${num(cost.firstP50Ms)} ms; backlog ${num(drain.perS)} pushes/s`,
        );
        return { cost, drain };
      } finally {
        stream.destroy();
        bench.agent.destroy();
      }
    });
  } finally {
    await receiver.stop();
  }
}

/** Until the server counts `user` online, so that no message to them is pushed. */
async function untilOnline(bench: Bench, user: string): Promise<void> {
  const deadline = performance.now() + oneMs;
  while (performance.now() < deadline) {
    const answer = await requestJson(bench.agent, bench.url, 'GET', '/users', undefined, bench.tokens.sender);
    const users = answer.body.users as { name: string; online: boolean }[] | undefined;
    if (users?.some((u) => u.name === user && u.online)) return;
    await sleep(20);
  }
  throw new Error(`${user} is not online ${oneMs} ms after their stream opened`);
}

async function measureCost(
  bench: Bench,
  readerDevices: readonly PushDevice[],
  awayDevices: readonly PushDevice[],
  amounts: Amounts,
  settings: Settings,
): Promise<Cost> {
  const to = { reader: 'stream' as const, away: awayDevices };
  /** One at a time, each once it arrived; 202 → arrival (ms) per message (the first and the last device's for away). */
  const paced = async (user: 'reader' | 'away', count: number, latencies: number[][]) => {
    const accepted: Accepted[] = [];
    for (let i = 0; i < count; i++) {
      const sent = await bench.send(user, i);
      accepted.push(sent);
      if (!(await bench.until([sent.id], to[user], oneMs)))
        throw new Error(`message ${sent.id} to ${user} did not arrive within ${oneMs} ms`);
      if (user === 'reader') latencies.push([bench.streamed.at.get(sent.id)! - sent.at]);
      else
        latencies.push(
          awayDevices.map((d) => bench.receiver.log(d).at.get(sent.id)! - (performance.timeOrigin + sent.at)),
        );
    }
    return accepted;
  };
  /** From `senders` at once, until the last arrived. */
  const concurrent = async (user: 'reader' | 'away', count: number) => {
    const accepted = await pool(
      Array.from({ length: count }, (_, i) => i),
      senders,
      (i) => bench.send(user, i),
    );
    const ids = accepted.map((a) => a.id);
    if (!(await bench.until(ids, to[user], phaseMs)))
      throw new Error(`not every one of ${count} messages to ${user} arrived within ${phaseMs} ms`);
    return accepted;
  };
  /** Server CPU over `work`, summed over the rounds of each recipient. */
  const cpu = { reader: 0, away: 0 };
  const timed = async (user: 'reader' | 'away', work: () => Promise<Accepted[]>) => {
    const before = cpuMsOf(bench.server.pids);
    const accepted = await work();
    cpu[user] += cpuMsOf(bench.server.pids) - before;
    return accepted;
  };
  const phase = (user: 'reader' | 'away', accepted: readonly Accepted[]): Phase => {
    const ms = accepted.map((a) => a.ms);
    return {
      messages: accepted.length,
      usPerMessage: (cpu[user] * 1000) / accepted.length,
      acceptP50Ms: percentile(ms, 50),
      acceptP99Ms: percentile(ms, 99),
    };
  };

  await paced('reader', warmUp, []);
  await paced('away', warmUp, []);
  // Two rounds each, in turns, so that a drift of the machine's speed falls on both alike.
  const streamMs: number[][] = [];
  const pushMs: number[][] = [];
  const pacedSent = { reader: [] as Accepted[], away: [] as Accepted[] };
  for (let round = 0; round < 2; round++) {
    pacedSent.reader.push(...(await timed('reader', () => paced('reader', amounts.paced / 2, streamMs))));
    pacedSent.away.push(...(await timed('away', () => paced('away', amounts.paced / 2, pushMs))));
  }
  const pacedPhases = { reader: phase('reader', pacedSent.reader), away: phase('away', pacedSent.away) };
  settings.log(
    `${bench.server.name}: one at a time, ${num(pacedPhases.reader.usPerMessage)} µs to reader, ${num(pacedPhases.away.usPerMessage)} µs to away`,
  );
  cpu.reader = cpu.away = 0;
  const concurrentSent = { reader: [] as Accepted[], away: [] as Accepted[] };
  for (let round = 0; round < 2; round++) {
    concurrentSent.reader.push(...(await timed('reader', () => concurrent('reader', amounts.concurrent / 2))));
    concurrentSent.away.push(...(await timed('away', () => concurrent('away', amounts.concurrent / 2))));
  }
  // Whatever is late to reader's devices would be a push too many: give it the time a push takes.
  await sleep(1_000);

  const first = pushMs.map((ms) => Math.min(...ms));
  const both = pushMs.map((ms) => Math.max(...ms));
  const check = emptyIntegrity();
  for (const device of awayDevices)
    addIntegrity(check, bench.receiver.log(device).check(bench.sentTo.get('away') ?? []));
  for (const device of readerDevices) addIntegrity(check, bench.receiver.log(device).check([]));
  addIntegrity(check, streamCheck(bench.streamed, bench.sentTo.get('reader') ?? []));
  check.streams = 1 + awayDevices.length + readerDevices.length;
  check.unexpected += bench.receiver.bad;
  if (bench.receiver.firstBad)
    settings.log(`${bench.server.name}: a request the push service could not read: ${bench.receiver.firstBad}`);
  return {
    paced: pacedPhases,
    concurrent: { reader: phase('reader', concurrentSent.reader), away: phase('away', concurrentSent.away) },
    firstP50Ms: percentile(first, 50),
    firstP99Ms: percentile(first, 99),
    bothP50Ms: percentile(both, 50),
    bothP99Ms: percentile(both, 99),
    streamP50Ms: percentile(streamMs.flat(), 50),
    streamP99Ms: percentile(streamMs.flat(), 99),
    check,
  };
}

function streamCheck(streamed: Arrivals, expected: readonly string[]): IntegritySum {
  const wanted = new Set(expected);
  return {
    streams: 1,
    received: streamed.at.size,
    missing: expected.filter((id) => !streamed.at.has(id)).length,
    duplicate: streamed.duplicate,
    outOfOrder: streamed.outOfOrder,
    unexpected: [...streamed.at.keys()].filter((id) => !wanted.has(id)).length,
    lost: 0,
    ended: 0,
  };
}

/** Pushes per second from the first to the last of these arrivals at the push service. */
function rateOf(times: readonly number[]): number {
  return (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);
}

async function measureDrain(bench: Bench, amount: number, settings: Settings): Promise<Drain> {
  const [device] = await bench.subscribe('backlog', 1);
  const badBefore = bench.receiver.bad;
  // Refusing until the backlog is in place: the drain is then measured alone, not beside the sends.
  await bench.receiver.answer([device!], 503);
  const accepted = await pool(
    Array.from({ length: amount }, (_, i) => i),
    backlogSenders,
    (i) => bench.send('backlog', i),
  );
  await bench.receiver.answer([device!], 201);
  const ids = accepted.map((a) => a.id);
  if (!(await bench.until(ids, [device!], phaseMs)))
    settings.log(`${bench.server.name}: the backlog did not drain within ${phaseMs} ms`);
  const log = bench.receiver.log(device!);
  const check = log.check(bench.sentTo.get('backlog') ?? []);
  check.unexpected += bench.receiver.bad - badBefore;
  return { messages: amount, perS: rateOf([...log.at.values()]), refused: log.refused, check };
}

/** The reference: bench/reference/push-poster.ts, a process of its own as Parley is, into a device of this receiver. */
async function referenceDrain(receiver: PushReceiver, amounts: Amounts, settings: Settings): Promise<Drain> {
  const amount = amounts.backlog;
  // As many pushes first as Parley made before its drain: a loop's rate went up by a third over its first
  // thousands (the JIT), and Parley's drain comes after them.
  const warm = 2 * (warmUp + amounts.paced + amounts.concurrent);
  const [device] = await receiver.devices(1);
  const { endpoint, p256dh, auth } = device!;
  await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'bench/reference/push-poster.ts'),
      endpoint,
      p256dh,
      auth,
      String(amount),
      String(settings.textBytes),
      String(referenceIdBase),
      String(warm),
    ],
    { cwd: repoRoot, timeout: phaseMs },
  );
  const total = warm + amount;
  const expected = Array.from({ length: total }, (_, i) => String(referenceIdBase - warm + i + 1));
  await receiver.until(() => receiver.log(device!).ids.length >= total, oneMs);
  const log = receiver.log(device!);
  const check = log.check(expected);
  check.unexpected += receiver.bad;
  const timed = [...log.at].filter(([id]) => Number(id) > referenceIdBase).map(([, at]) => at);
  const perS = rateOf(timed);
  settings.log(`reference: ${num(perS)} pushes/s one at a time`);
  return { messages: amount, perS, refused: 0, check };
}

export function push(settings: Settings): Scenario<PushResult> {
  const amounts: Amounts = {
    paced: 2 * scaled(200, settings, 20),
    concurrent: 2 * scaled(500, settings, 50),
    backlog: scaled(2_000, settings, 200),
  };
  const who =
    'to reader (stream open, two push subscriptions) and to away (no stream, two subscriptions at a local push service answering 201), in turns';
  return {
    name: 'push',
    targets: ['reference', 'memory', 'sqlite'],
    measure: (target) => measure(target, amounts, settings),
    rows(results: Results<PushResult>): Row[] {
      const stores = withoutReference(results);
      const costValues = values(stores, (r) => flatten(r.cost ?? {}));
      const cpuRow = (which: 'paced' | 'concurrent', how: string): Row => ({
        key: `push-cpu-${which}`,
        figure: `${num(amounts[which], 9)} messages each ${who}, ${how}: server CPU per message to reader / to away`,
        cells: cells(
          stores,
          (r) => `${num(r.cost?.[which].reader.usPerMessage)} / ${num(r.cost?.[which].away.usPerMessage)} µs`,
        ),
        ratios: ratiosWithin(results, (r) => r.cost![which].away.usPerMessage / r.cost![which].reader.usPerMessage),
        ratioOf: 'away ÷ reader',
        checks: which === 'paced' ? checks(stores, (r) => r.cost?.check) : {},
        values: costValues,
      });
      const acceptRow = (which: 'paced' | 'concurrent', how: string): Row => ({
        key: `push-accept-${which}`,
        figure: `the same, ${how}: POST → 202 p50 / p99, to reader against to away`,
        cells: cells(stores, (r) => {
          const { reader, away } = r.cost![which];
          return `${num(reader.acceptP50Ms)} / ${num(reader.acceptP99Ms)} ms against ${num(away.acceptP50Ms)} / ${num(away.acceptP99Ms)} ms`;
        }),
        ratios: ratiosWithin(results, (r) => r.cost![which].away.acceptP50Ms / r.cost![which].reader.acceptP50Ms),
        ratioOf: 'away ÷ reader, p50',
        checks: {},
        values: costValues,
      });
      return [
        cpuRow('paced', 'one at a time (each once the one before arrived)'),
        acceptRow('paced', 'one at a time'),
        {
          key: 'push-latency',
          figure:
            "the same, one at a time: 202 → the first of away's two pushes at the push service, and → both, p50 / p99 " +
            "(202 → the frame on reader's stream, for scale; reference: the time one push takes in its loop, encryption, VAPID JWT, POST and 201)",
          cells: cells(results, (r) =>
            r.cost
              ? `first ${num(r.cost.firstP50Ms)} / ${num(r.cost.firstP99Ms)} ms, both ${num(r.cost.bothP50Ms)} / ${num(r.cost.bothP99Ms)} ms ` +
                `(stream ${num(r.cost.streamP50Ms)} / ${num(r.cost.streamP99Ms)} ms)`
              : `${num(1000 / r.drain.perS)} ms`,
          ),
          ratios: ratiosToReference(results, 'reference', onePushMs),
          ratioOf: 'first push p50 ÷ reference',
          checks: {},
          values: costValues,
        },
        cpuRow('concurrent', `from ${senders} senders at once`),
        acceptRow('concurrent', `from ${senders} senders at once`),
        {
          key: 'push-backlog',
          figure:
            `${num(amounts.backlog, 9)} messages waiting for one push subscription (the push service answering 503), pushed once it answers 201: ` +
            'pushes taken per second, one at a time, in order (reference: a bare loop encrypting and signing with web-push and posting as many, one at a time)',
          cells: cells(results, (r) => `${num(r.drain.perS)}/s`),
          ratios: ratiosToReference(results, 'reference', (r) => r.drain.perS),
          ratioOf: '÷ reference',
          checks: checks(results, (r) => r.drain.check),
          values: values(results, (r) => ({
            messages: r.drain.messages,
            perS: r.drain.perS,
            refused: r.drain.refused,
          })),
        },
      ];
    },
  };
}

/** Parley's 202 → first push, p50; the reference's time per push in its loop (ms). */
function onePushMs(r: PushResult): number {
  return r.cost ? r.cost.firstP50Ms : 1000 / r.drain.perS;
}

/** Nested numbers as one level of dotted keys, for the results file. */
function flatten(value: object, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'check') continue;
    if (typeof inner === 'number') out[prefix + key] = inner;
    else if (inner && typeof inner === 'object') Object.assign(out, flatten(inner as object, `${prefix}${key}.`));
  }
  return out;
}
