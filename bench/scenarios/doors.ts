// What the newer features cost a direct message: the direct load (1,000/s to random online users, every stream
// checked) on one server per store, in phases of the same length taken in turn, plain ones between the others, so
// that each feature's cost is its phases against the mean of the plain phases either side of each:
// - search (once): the sender (who has written to everyone: the widest scope) searches every half second. On SQLite
//   the first two plain phases come before any search (nothing indexed); the first search indexes what was sent
//   before it, and the index is then kept a second behind (src/store/sqlite/search-index.ts), in the plain phases
//   after it too.
// - push, online (twice): every recipient holds a push subscription and has its stream open, so nothing is pushed.
// - push, away (once): besides the same load, a user with no stream and one subscription is sent 100 messages a
//   second, each pushed to the push service stand-in (bench/load/push-service.ts, which checks each push: each
//   once, in order). Stated per message pushed.
// - bots, idle (twice): bots with webhooks exist (their loops running), none addressed.
// - a bot's webhook (once): besides the same load, a bot with a webhook (a local receiver answering 204) is sent
//   100 messages a second; each is posted to it and its stored position moves (coalesced: once a quarter second or
//   a page of 100). The cost stated is per message to the bot, delivery and position together; every message is
//   checked at the receiver: each once, in order.
// After each feature's phase it is taken away (subscriptions and bots deleted) before the next plain phase. A
// deleted device's loop ends at its fleet's next look (within 10 s for push, 2 s for webhooks), so the plain phase
// after may still renew a lease or two: what devices cost a second, not a message, is at most understated there.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pool, sleep } from '../lib/async.js';
import { expectJson, getJson, requestJson } from '../lib/http.js';
import { LoadWorker, addIntegrity, emptyIntegrity, type IntegritySum } from '../lib/load-workers.js';
import { cpuMsOf } from '../lib/proc.js';
import { PushReceiver, type PushDevice } from '../lib/push-receiver.js';
import { atMost, num, type Row } from '../lib/report.js';
import type { TargetName } from '../lib/targets.js';
import { Arrivals } from '../lib/user-stream.js';
import type { Loaded } from '../load/protocol.js';
import {
  cells,
  checks,
  goOnline,
  ok,
  register,
  scaled,
  values,
  withServer,
  type Online,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';

type Door = 'search' | 'push' | 'pushed' | 'bots' | 'hooked';
type PhaseKind = 'plain' | Door;

/**
 * Two plain phases before any search, then each door left unused twice, each time between two plain phases (set
 * up before its phase, taken away after it: a phase on a busy two-core machine moves by a tenth on its own), and
 * each used one once (its cost is ten times that).
 */
const order: readonly PhaseKind[] = [
  'plain',
  'plain',
  'search',
  'plain',
  ...(['push', 'bots'] as const).flatMap((door) => [door, 'plain', door, 'plain'] as const),
  'pushed',
  'plain',
  'hooked',
  'plain',
];
const serverArgs = ['--push-allow-private', '--push-hold-ms', '0', '--webhook-allow-private'];
const rate = 1_000;
const connections = 32;
/** A search by the sender this often (ms), in the search phase. */
const searchEveryMs = 500;
/** Bots with webhooks, none addressed, in the bots phase. */
const idleBots = 20;
/** Messages a second to the bot with a webhook, or to the user away, in those phases, besides the load. */
const sideRate = 100;

interface Phase {
  readonly kind: PhaseKind;
  /** Messages to the online users. */
  readonly messages: number;
  /** Server CPU of the phase per message to the users (µs), whatever else it did. */
  readonly usPerMessage: number;
  /** Searches made, or messages to the bot or to the user away. */
  readonly extra: number;
}

interface DoorsResult {
  readonly phases: readonly Phase[];
  readonly check: IntegritySum;
}

/** A local webhook receiver: answers 204 and keeps the ids posted, in order. */
async function startHookReceiver(): Promise<{ server: Server; url: string; posted: Arrivals }> {
  const posted = new Arrivals();
  const server = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    req.resume();
    req.on('end', () => {
      posted.add(id);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, posted };
}

async function call(online: Online, method: 'PUT' | 'DELETE', path: string, body: unknown, token: string) {
  const answer = await requestJson(online.agent, online.url, method, path, body, token);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Makes a bot owned by the sender with a webhook to `url`; its token. */
async function makeBot(online: Online, name: string, url: string): Promise<string> {
  const bot = await expectJson(online.agent, online.url, '/bots', { name }, 201, online.senderToken);
  await call(online, 'PUT', `/bots/${name}/webhook`, { url }, online.senderToken);
  return String(bot.body.token);
}

async function measure(target: TargetName, streams: number, phaseS: number, settings: Settings) {
  return withServer(target, serverArgs, async (server): Promise<DoorsResult> => {
    const online = await goOnline(server, streams, settings);
    const loader = await LoadWorker.start();
    const receiver = await PushReceiver.start();
    const hooks = await startHookReceiver();
    const check = emptyIntegrity();
    const botCheck = { sent: [] as string[] };
    const awayCheck = emptyIntegrity();
    try {
      const [awayToken] = await register(online.agent, online.url, ['away']);
      /** The load at `rate` for `seconds`, what `side` does meanwhile, and every stream checked. */
      const phase = async (kind: PhaseKind, seconds: number, side?: (done: () => boolean) => Promise<number>) => {
        const base = online.readers.received;
        const cpu0 = cpuMsOf(server.pids);
        let loading = true;
        const beside = side?.(() => !loading);
        const loaded = await loader.call<Loaded>({
          op: 'load',
          spec: {
            url: online.target.url,
            method: 'POST',
            path: '/messages',
            connections,
            amount: Math.round(rate * seconds),
            rate,
            token: online.senderToken,
            recipients: online.users,
            textBytes: settings.textBytes,
          },
        });
        await online.readers.until(base + loaded.ok);
        loading = false;
        const extra = (await beside) ?? 0;
        const cpu = cpuMsOf(server.pids) - cpu0;
        const { integrity } = await online.readers.verify({ byUser: loaded.sent });
        addIntegrity(check, integrity);
        if (loaded.non2xx + loaded.errors > 0) throw new Error(`${kind}: ${loaded.non2xx + loaded.errors} refused`);
        return { kind, messages: loaded.ok, usPerMessage: (cpu * 1000) / loaded.ok, extra };
      };

      const searching = async (done: () => boolean) => {
        let searches = 0;
        while (!done()) {
          const answer = await getJson(online.agent, online.url, '/search?q=zqxjk', online.senderToken);
          if (answer.status !== 200) throw new Error(`GET /search: ${answer.status}`);
          searches++;
          await sleep(searchEveryMs);
        }
        return searches;
      };

      /** `sideRate` messages a second to `to` until the load is over, then the wait for `arrived` to see them all. */
      const paced = (to: () => string, sent: string[], arrived: (ids: readonly string[]) => Promise<boolean>) => {
        return async (done: () => boolean) => {
          const started = performance.now();
          const before = sent.length;
          let i = 0;
          // Paced on the clock, a few in flight.
          await pool([0, 1, 2, 3], 4, async () => {
            while (!done()) {
              const wait = started + (i++ * 1000) / sideRate - performance.now();
              if (wait > 0) await sleep(wait);
              const answer = await expectJson(
                online.agent,
                online.url,
                '/messages',
                { to: to(), text: `${to()} ${i}`.padEnd(settings.textBytes, 'x') },
                202,
                online.senderToken,
              );
              sent.push(String(answer.body.id));
            }
          });
          await arrived(sent);
          return sent.length - before;
        };
      };
      let hookbot = '';
      const toBot = paced(
        () => hookbot,
        botCheck.sent,
        async (ids) => {
          const deadline = performance.now() + 30_000;
          while (hooks.posted.at.size < ids.length && performance.now() < deadline) await sleep(5);
          return hooks.posted.at.size >= ids.length;
        },
      );
      let awayDevice: PushDevice | undefined;
      const awaySent: string[] = [];
      const toAway = paced(
        () => 'away',
        awaySent,
        (ids) => receiver.until(() => receiver.log(awayDevice!).ids.length >= ids.length, 30_000),
      );

      // Warm-up: JIT, statements, connections.
      await phase('plain', Math.min(2, phaseS));
      const phases: Phase[] = [];
      for (const kind of order) {
        if (kind === 'plain') phases.push(await phase(kind, phaseS));
        else if (kind === 'search') phases.push(await phase(kind, phaseS, searching));
        else if (kind === 'push') {
          const tokens = new Map(online.users.map((user, i) => [user, online.tokens[i]!]));
          const devices = await receiver.devices(online.users.length);
          const ids = await pool(online.users, 50, async (user, i) => {
            const { endpoint, p256dh, auth } = devices[i]!;
            const made = await requestJson(
              online.agent,
              online.url,
              'POST',
              '/push/subscriptions',
              { endpoint, keys: { p256dh, auth } },
              tokens.get(user),
            );
            if (made.status !== 201) throw new Error(`subscribing ${user}: ${made.status}`);
            return { user, id: String(made.body.id) };
          });
          await sleep(1_000);
          phases.push(await phase(kind, phaseS));
          await pool(ids, 50, ({ user, id }) =>
            call(online, 'DELETE', `/push/subscriptions/${id}`, undefined, tokens.get(user)!),
          );
          const pushed = devices.reduce((sum, device) => sum + receiver.log(device).ids.length, 0);
          if (pushed > 0) throw new Error(`${pushed} pushes to users who were online`);
        } else if (kind === 'bots') {
          const names = Array.from({ length: idleBots }, (_, i) => `idlebot${phases.length}x${i}`);
          await pool(names, 4, (name) => makeBot(online, name, hooks.url));
          await sleep(1_000);
          phases.push(await phase(kind, phaseS));
          await pool(names, 4, (name) => call(online, 'DELETE', `/bots/${name}`, undefined, online.senderToken));
          if (hooks.posted.at.size > 0) throw new Error(`${hooks.posted.at.size} posts to bots nobody addressed`);
        } else if (kind === 'pushed') {
          // The user away has one subscription; every message to them is pushed, checked at the stand-in.
          [awayDevice] = await receiver.devices(1);
          const { endpoint, p256dh, auth } = awayDevice!;
          const made = await requestJson(
            online.agent,
            online.url,
            'POST',
            '/push/subscriptions',
            { endpoint, keys: { p256dh, auth } },
            awayToken,
          );
          if (made.status !== 201) throw new Error(`subscribing away: ${made.status}`);
          await sleep(1_000);
          const sentBefore = awaySent.length;
          phases.push(await phase(kind, phaseS, toAway));
          await call(online, 'DELETE', `/push/subscriptions/${String(made.body.id)}`, undefined, awayToken!);
          addIntegrity(awayCheck, receiver.log(awayDevice!).check(awaySent.slice(sentBefore)));
        } else {
          hookbot = `hookbot${phases.length}`;
          await makeBot(online, hookbot, hooks.url);
          await sleep(1_000);
          phases.push(await phase(kind, phaseS, toBot));
          await call(online, 'DELETE', `/bots/${hookbot}`, undefined, online.senderToken);
        }
        settings.log(`${target}: ${kind}: ${num(phases.at(-1)!.usPerMessage)} µs server CPU per message`);
      }
      // The bot's messages, checked at its receiver: each once, in order.
      const posted = hooks.posted;
      const wanted = new Set(botCheck.sent);
      addIntegrity(check, {
        streams: 1,
        received: posted.at.size + posted.duplicate,
        missing: botCheck.sent.filter((id) => !posted.at.has(id)).length,
        duplicate: posted.duplicate,
        outOfOrder: posted.outOfOrder,
        unexpected: [...posted.at.keys()].filter((id) => !wanted.has(id)).length,
        lost: 0,
        ended: 0,
      });
      addIntegrity(check, awayCheck);
      return { phases, check };
    } finally {
      hooks.server.close();
      await receiver.stop();
      await loader.stop();
      await online.close();
    }
  });
}

/**
 * A door's phases, each against the mean of the plain phases either side, averaged: µs per message (for the
 * hooked phases, what the bot's messages added, per message to the bot), and that ÷ the plain phases.
 */
function costOf(r: DoorsResult, door: Door): { us: number; share: number; baseline: number; phase: Phase } {
  let us = 0;
  let baseline = 0;
  let usPerMessage = 0;
  let messages = 0;
  let extra = 0;
  let n = 0;
  r.phases.forEach((phase, at) => {
    if (phase.kind !== door) return;
    const around = [r.phases[at - 1], r.phases[at + 1]].filter((p) => p?.kind === 'plain') as Phase[];
    const base = around.reduce((sum, p) => sum + p.usPerMessage, 0) / around.length;
    us +=
      door === 'hooked' || door === 'pushed'
        ? ((phase.usPerMessage - base) * phase.messages) / Math.max(1, phase.extra)
        : phase.usPerMessage - base;
    baseline += base;
    usPerMessage += phase.usPerMessage;
    messages += phase.messages;
    extra += phase.extra;
    n++;
  });
  return {
    us: us / n,
    share: us / baseline,
    baseline: baseline / n,
    phase: { kind: door, messages, usPerMessage: usPerMessage / n, extra },
  };
}

const pct = (share: number) => `${share >= 0 ? '+' : ''}${num(share * 100)} %`;

export function doors(settings: Settings): Scenario<DoorsResult> {
  const streams = scaled(1_000, settings, 10);
  const phaseS = scaled(2, settings, 1);
  return {
    name: 'doors',
    targets: ['memory', 'sqlite'],
    optionalTargets: ['redis'],
    measure: (target) => measure(target, streams, phaseS, settings),
    rows(results: Results<DoorsResult>): Row[] {
      const load = `direct to random online users (${num(streams, 9)} streams), ${num(rate, 9)}/s for ${phaseS} s a phase`;
      const plain = (r: DoorsResult) => r.phases.filter((p) => p.kind === 'plain');
      const door = (
        key: Door,
        figure: string,
        goal: boolean,
        cell: (c: ReturnType<typeof costOf>) => string = (c) =>
          `${num(c.phase.usPerMessage)} µs; ${c.us >= 0 ? '+' : ''}${num(c.us)} µs (${pct(c.share)})`,
      ): Row => {
        const shares: Row['ratios'] = {};
        for (const target of Object.keys(results) as TargetName[]) {
          const m = ok(results, target);
          if (m && (target === 'memory' || target === 'sqlite' || target === 'redis'))
            shares[target] = 1 + costOf(m, key).share;
        }
        return {
          key: `doors-${key}`,
          figure: `${load}, ${figure}`,
          cells: cells(results, (r) => cell(costOf(r, key))),
          ratios: shares,
          ratioOf: 'CPU per message ÷ the plain phases either side',
          ...(goal
            ? {
                goal: '≤ 10 % of a direct message where unused',
                met: atMost(shares, 1.1, Object.keys(shares) as never),
              }
            : {}),
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => {
            const c = costOf(r, key);
            return {
              usPerMessage: c.phase.usPerMessage,
              baselineUs: c.baseline,
              costUs: c.us,
              share: c.share,
              extra: c.phase.extra,
            };
          }),
        };
      };
      return [
        {
          key: 'doors-plain',
          figure: `${load}, nothing else: server CPU per message, each plain phase in turn`,
          cells: cells(
            results,
            (r) =>
              plain(r)
                .map((p) => num(p.usPerMessage))
                .join(', ') + ' µs',
          ),
          ratios: {},
          checks: checks(results, (r) => r.check),
          values: values(results, (r) => Object.fromEntries(plain(r).map((p, i) => [`plain${i}Us`, p.usPerMessage]))),
        },
        door(
          'search',
          `and the sender searching every ${searchEveryMs} ms (sqlite: the index in use, its first search indexing what was sent before): CPU per message; its cost`,
          false,
          (c) =>
            `${num(c.phase.usPerMessage)} µs; ${c.us >= 0 ? '+' : ''}${num(c.us)} µs (${pct(c.share)}), ${c.phase.extra} searches`,
        ),
        door(
          'push',
          'and a push subscription held by every recipient, all online (nothing pushed): CPU per message; its cost',
          true,
        ),
        door(
          'pushed',
          `and ${sideRate}/s more to a user away with a push subscription (each pushed to a local push service stand-in): CPU per message to the users; what each message pushed adds`,
          false,
          (c) =>
            `${num(c.phase.usPerMessage)} µs; +${num(c.us)} µs a message pushed (${pct(c.share)}), ${c.phase.extra} pushed`,
        ),
        door('bots', `and ${idleBots} bots with webhooks, none addressed: CPU per message; its cost`, true),
        door(
          'hooked',
          `and ${sideRate}/s more to a bot with a webhook (posted to a local receiver, its position stored): CPU per message to the users; what each message to the bot adds`,
          false,
          (c) =>
            `${num(c.phase.usPerMessage)} µs; +${num(c.us)} µs a message to the bot (${pct(c.share)}), ${c.phase.extra} to it`,
        ),
      ];
    },
  };
}
