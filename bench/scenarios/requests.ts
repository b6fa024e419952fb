// The cost of a request on the publish path, server CPU per request over 32 keep-alive connections:
// GET /healthz against a bare express GET, and POST /messages to an online user against a minimal express app
// that parses the JSON body and answers 202.
import { sleep } from '../lib/async.js';
import { LoadWorker, Readers, addIntegrity, emptyIntegrity, type IntegritySum } from '../lib/load-workers.js';
import { cpuMsOf } from '../lib/proc.js';
import { atMost, num, type Row } from '../lib/report.js';
import type { Target, TargetName } from '../lib/targets.js';
import type { LoadSpec, Loaded } from '../load/protocol.js';
import {
  cells,
  checks,
  ratiosToReference,
  register,
  restAgent,
  scaled,
  values,
  withServer,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';

interface RequestResult {
  readonly requests: number;
  readonly perS: number;
  readonly usPerRequest: number;
  readonly p99Ms: number;
  readonly refused: number;
  readonly check?: IntegritySum;
}

const connections = 32;
const targets: readonly TargetName[] = ['express', 'memory', 'sqlite'];

/** Requests a warm-up of this many answers takes; its rate sizes the measured run to about `durationS`. */
const warmUp = 2_000;

/** A warm-up, then about `durationS` measured: CPU of the server over the requests it answered. */
async function timed(
  target: Target,
  loader: LoadWorker,
  spec: Omit<LoadSpec, 'amount' | 'url' | 'connections'>,
  durationS: number,
  after: (loaded: Loaded) => Promise<void>,
): Promise<RequestResult & { loaded: Loaded }> {
  const full = { ...spec, url: target.url, connections };
  const warm = await loader.call<Loaded>({ op: 'load', spec: { ...full, amount: warmUp } });
  await after(warm);
  await sleep(200);
  const cpu0 = cpuMsOf(target.pids);
  const amount = Math.max(connections, Math.round((warm.ok / warm.durationS) * durationS));
  const loaded = await loader.call<Loaded>({ op: 'load', spec: { ...full, amount } });
  await after(loaded);
  const cpu = cpuMsOf(target.pids) - cpu0;
  const requests = loaded.ok + loaded.non2xx;
  return {
    requests,
    perS: requests / loaded.durationS,
    usPerRequest: (cpu * 1000) / requests,
    p99Ms: loaded.p99Ms,
    refused: loaded.non2xx + loaded.errors,
    loaded,
  };
}

function requestRow(key: string, figure: string, goal: string, max: number, results: Results<RequestResult>): Row {
  const ratios = ratiosToReference(results, 'express', (r) => r.usPerRequest);
  return {
    key,
    figure,
    cells: cells(results, (r) => `${num(r.usPerRequest)} µs`),
    ratios,
    ratioOf: '÷ express',
    goal,
    met: atMost(ratios, max),
    checks: checks(results, (r) => r.check),
    values: values(results, (r) => ({
      requests: r.requests,
      perS: r.perS,
      usPerRequest: r.usPerRequest,
      p99Ms: r.p99Ms,
      refused: r.refused,
    })),
  };
}

export function healthz(settings: Settings): Scenario<RequestResult> {
  const durationS = scaled(5, settings, 2);
  return {
    name: 'healthz',
    targets,
    measure: (target) =>
      withServer(target, [], async (server) => {
        const loader = await LoadWorker.start();
        try {
          const { loaded: _loaded, ...result } = await timed(
            server,
            loader,
            { method: 'GET', path: '/healthz' },
            durationS,
            async () => undefined,
          );
          settings.log(
            `${target}: GET /healthz ${num(result.perS)}/s, ${num(result.usPerRequest)} µs server CPU per request`,
          );
          return result;
        } finally {
          await loader.stop();
        }
      }),
    rows: (results) => [
      requestRow(
        'healthz',
        `GET /healthz (reference: a bare express GET), ${connections} connections: server CPU per request`,
        '≤ 1.15× both stores',
        1.15,
        results,
      ),
    ],
  };
}

export function postMessages(settings: Settings): Scenario<RequestResult> {
  const durationS = scaled(5, settings, 2);
  return {
    name: 'post',
    targets,
    measure: (target) =>
      withServer(target, [], async (server) => {
        const url = new URL(server.url);
        const agent = restAgent(4);
        const loader = await LoadWorker.start();
        // Parley delivers to a stream the recipient holds open; the express app has nowhere to deliver.
        const parley = target !== 'express';
        const [token, sinkToken] = parley ? await register(agent, url, ['sender', 'sink']) : ['none', 'none'];
        const readers = parley ? await Readers.start(1) : undefined;
        try {
          if (readers) {
            const opened = await readers.open(server.url, [{ user: 'sink', token: sinkToken! }]);
            if (opened.failed > 0) throw new Error(`the sink's stream failed to open: ${opened.firstError}`);
          }
          const check = emptyIntegrity();
          let seen = 0;
          const { loaded: _loaded, ...result } = await timed(
            server,
            loader,
            { method: 'POST', path: '/messages', token: token!, recipients: ['sink'], textBytes: settings.textBytes },
            durationS,
            async (loaded) => {
              if (!readers) return;
              seen += loaded.ok;
              await readers.until(seen);
              addIntegrity(check, (await readers.verify({ byUser: loaded.sent })).integrity);
            },
          );
          settings.log(
            `${target}: POST /messages ${num(result.perS)}/s, ${num(result.usPerRequest)} µs server CPU per request`,
          );
          return readers ? { ...result, check } : result;
        } finally {
          await loader.stop();
          if (readers) {
            await readers.close();
            await readers.stop();
          }
          agent.destroy();
        }
      }),
    rows: (results) => [
      requestRow(
        'post-messages',
        `POST /messages to an online user (reference: a minimal express JSON POST), ${connections} connections: server CPU per request`,
        '≤ 1.3× both stores',
        1.3,
        results,
      ),
    ],
  };
}
