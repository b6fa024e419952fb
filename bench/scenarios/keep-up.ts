// Keeping up: many streams and broadcasts offered at a fixed rate whatever the server does (open loop), each
// message timed from its send (a timestamp at the head of its text) to its receipt on every stream.
import type { Histogram } from 'hdr-histogram-js';
import { sleep } from '../lib/async.js';
import { expectJson } from '../lib/http.js';
import type { IntegritySum } from '../lib/load-workers.js';
import { atLeast, atMost, num } from '../lib/report.js';
import type { TargetName } from '../lib/targets.js';
import { wallMs } from '../load/protocol.js';
import { stampedText } from '../load/text.js';
import {
  cells,
  checks,
  goOnline,
  ok,
  ratiosToReference,
  scaled,
  values,
  withServer,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';

interface KeepUpResult {
  readonly streams: number;
  readonly broadcasts: number;
  readonly offeredPerS: number;
  readonly achievedPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly check: IntegritySum;
}

const ms = (h: Histogram, percentile: number) => h.getValueAtPercentile(percentile) / 1000;

export function keepUp(settings: Settings): Scenario<KeepUpResult> {
  const streams = scaled(10_000, settings, 10);
  const perSecond = 5;
  const seconds = scaled(20, settings, 2);
  const broadcasts = perSecond * seconds;
  const offered = streams * perSecond;
  return {
    name: 'keep-up',
    targets: ['reference', 'memory', 'sqlite'],
    async measure(target: TargetName): Promise<KeepUpResult> {
      return withServer(target, [], async (server) => {
        const online = await goOnline(server, streams, settings);
        try {
          await online.readers.latency(true);
          const base = online.readers.received;
          const answers: Promise<number>[] = [];
          const first = wallMs();
          for (let i = 0; i < broadcasts; i++) {
            // On schedule from the first send, whatever the answers: the offered rate does not bend to the server.
            const due = first + (i * 1000) / perSecond;
            const wait = due - wallMs();
            if (wait > 0) await sleep(wait);
            const text = stampedText(wallMs(), settings.textBytes);
            const answer = expectJson(online.agent, online.url, '/broadcast', { text }, 202, online.senderToken).then(
              (a) => Number(a.body.id),
            );
            answer.catch(() => undefined);
            answers.push(answer);
          }
          const ids = (await Promise.all(answers)).sort((a, b) => a - b);
          await online.readers.until(base + streams * broadcasts);
          const received = online.readers.received - base;
          // Kept up, the last broadcast arrives within its own slot of 1/rate s: then achieved is what was offered.
          const achievedPerS = received / Math.max(broadcasts / perSecond, (online.readers.lastAt - first) / 1000);
          const { integrity, latency } = await online.readers.verify({ all: ids });
          await online.readers.latency(false);
          if (!latency) throw new Error('no latency was recorded');
          const result = {
            streams,
            broadcasts,
            offeredPerS: offered,
            achievedPerS,
            p50Ms: ms(latency, 50),
            p99Ms: ms(latency, 99),
            maxMs: latency.maxValue / 1000,
            check: integrity,
          };
          settings.log(
            `${target}: ${num(achievedPerS)}/s of ${num(offered)}/s offered, p50 ${num(result.p50Ms)} ms, p99 ${num(result.p99Ms)} ms`,
          );
          return result;
        } finally {
          await online.close();
        }
      });
    },
    rows(results: Results<KeepUpResult>) {
      const achieved: Partial<Record<'memory' | 'sqlite', number>> = {};
      for (const store of ['memory', 'sqlite'] as const) {
        const r = ok(results, store);
        if (r) achieved[store] = r.achievedPerS / r.offeredPerS;
      }
      const p99 = ratiosToReference(results, 'reference', (r) => r.p99Ms);
      const figure = `${num(streams, 9)} streams, ${perSecond} broadcasts/s for ${seconds} s (${num(offered, 9)} deliveries/s offered)`;
      const raw = values(results, (r) => ({
        streams: r.streams,
        broadcasts: r.broadcasts,
        offeredPerS: r.offeredPerS,
        achievedPerS: r.achievedPerS,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        maxMs: r.maxMs,
      }));
      return [
        {
          key: 'keep-up-achieved',
          figure: `${figure}: achieved`,
          cells: cells(
            results,
            (r) => `${num(r.achievedPerS / 1000)}k/s (${num((100 * r.achievedPerS) / r.offeredPerS)} %)`,
          ),
          ratios: achieved,
          ratioOf: 'achieved ÷ offered',
          goal: '≥ 98 % on sqlite',
          met: atLeast(achieved, 0.98, ['sqlite']),
          checks: checks(results, (r) => r.check),
          values: raw,
        },
        {
          key: 'keep-up-latency',
          figure: `${figure}: send → receipt p50 / p99`,
          cells: cells(results, (r) => `${num(r.p50Ms)} / ${num(r.p99Ms)} ms`),
          ratios: p99,
          ratioOf: 'p99 ÷ reference p99',
          goal: 'p99 ≤ 2× on sqlite',
          met: atMost(p99, 2, ['sqlite']),
          checks: {},
          values: raw,
        },
      ];
    },
  };
}
