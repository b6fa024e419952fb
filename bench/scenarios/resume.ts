// Reopening a stream with Last-Event-ID at the user's last id, for a user with many retained (delivered)
// messages against a user with none: the time to the stream's first byte and to its first live message. A
// stream that reads the store by cursor costs the same whatever the user's history.
import { sleep } from '../lib/async.js';
import { LoadWorker, Readers, addIntegrity, emptyIntegrity, type IntegritySum } from '../lib/load-workers.js';
import { atMost, num } from '../lib/report.js';
import type { TargetName } from '../lib/targets.js';
import type { Loaded, Reopened } from '../load/protocol.js';
import {
  cells,
  checks,
  median,
  ratiosWithin,
  register,
  restAgent,
  scaled,
  values,
  withServer,
  type Results,
  type Scenario,
  type Settings,
} from './common.js';

interface ResumeResult {
  readonly retained: number;
  readonly heavyTtfbMs: number;
  readonly lightTtfbMs: number;
  readonly heavyReadyMs: number;
  readonly lightReadyMs: number;
  readonly reopenings: number;
  readonly check: IntegritySum;
}

/** Reopenings per user: up to this many, at least `minReopenings`, within `reopenBudgetMs` for the pair. */
const reopenings = 20;
const minReopenings = 3;
const reopenBudgetMs = 10_000;

async function measure(target: TargetName, retained: number, settings: Settings): Promise<ResumeResult> {
  // The default retention (30 days) keeps every delivered message: the point is a long history.
  return withServer(target, [], async (server) => {
    const url = new URL(server.url);
    const agent = restAgent(4);
    const [senderToken, heavyToken, lightToken] = await register(agent, url, ['sender', 'heavy', 'light']);
    const loader = await LoadWorker.start();
    const readers = await Readers.start(1);
    try {
      const check = emptyIntegrity();
      const filled = await loader.call<Loaded>({
        op: 'load',
        spec: {
          url: server.url,
          method: 'POST',
          path: '/messages',
          connections: 32,
          amount: retained,
          token: senderToken!,
          recipients: ['heavy'],
          textBytes: settings.textBytes,
        },
      });
      if (filled.ok !== retained) throw new Error(`${filled.ok} of ${retained} messages to heavy were accepted`);
      // One stream reads them all, so they are delivered, then goes away.
      const opened = await readers.open(server.url, [{ user: 'heavy', token: heavyToken! }]);
      if (opened.failed > 0) throw new Error(`heavy's stream failed to open: ${opened.firstError}`);
      await readers.until(retained);
      addIntegrity(check, (await readers.verify({ byUser: filled.sent })).integrity);
      await readers.close();
      settings.log(`${target}: heavy has ${num(retained, 9)} delivered messages`);

      const worker = readers.workers[0]!;
      const last: Record<'heavy' | 'light', number | undefined> = {
        heavy: Math.max(...(filled.sent.heavy ?? [0])),
        light: undefined,
      };
      const tokens = { heavy: heavyToken!, light: lightToken! };
      const times = {
        heavy: { ttfb: [] as number[], ready: [] as number[] },
        light: { ttfb: [] as number[], ready: [] as number[] },
      };
      const reopenStart = performance.now();
      for (let i = 0; i < reopenings && (i < minReopenings || performance.now() - reopenStart < reopenBudgetMs); i++) {
        for (const user of ['heavy', 'light'] as const) {
          await sleep(50);
          const lastEventId = last[user];
          const r = await worker.call<Reopened>({
            op: 'reopen',
            url: server.url,
            stream: { user, token: tokens[user] },
            ...(lastEventId !== undefined ? { lastEventId } : {}),
            probeToken: senderToken!,
          });
          if (r.status !== 200) throw new Error(`reopening ${user}'s stream: ${r.status}`);
          times[user].ttfb.push(r.ttfbMs);
          times[user].ready.push(r.readyMs ?? NaN);
          // Resumed at the last id, the stream carries the probe and nothing else.
          check.received += r.messages;
          check.unexpected += Math.max(0, r.messages - 1);
          check.missing += r.messages === 0 ? 1 : 0;
          last[user] = r.lastId ?? lastEventId;
        }
      }
      const result = {
        retained,
        heavyTtfbMs: median(times.heavy.ttfb),
        lightTtfbMs: median(times.light.ttfb),
        heavyReadyMs: median(times.heavy.ready),
        lightReadyMs: median(times.light.ready),
        reopenings: times.heavy.ttfb.length,
        check,
      };
      settings.log(
        `${target}: reopen, first byte ${num(result.heavyTtfbMs)} ms against ${num(result.lightTtfbMs)} ms, live ${num(result.heavyReadyMs)} ms against ${num(result.lightReadyMs)} ms`,
      );
      return result;
    } finally {
      await loader.stop();
      await readers.stop();
      agent.destroy();
    }
  });
}

export function resume(settings: Settings): Scenario<ResumeResult> {
  const retained = scaled(100_000, settings, 100);
  const figure = `reopen with Last-Event-ID at the last id, ${num(retained, 9)} retained messages against none (median of ${reopenings} reopenings, or of as many as ${reopenBudgetMs / 1000} s allow, ${minReopenings} at least)`;
  return {
    name: 'resume',
    targets: ['memory', 'sqlite'],
    measure: (target) => measure(target, retained, settings),
    rows(results: Results<ResumeResult>) {
      const raw = values(results, (r) => {
        const { check: _check, ...numbers } = r;
        return numbers;
      });
      const ttfb = ratiosWithin(results, (r) => r.heavyTtfbMs / r.lightTtfbMs);
      return [
        {
          key: 'resume-first-byte',
          figure: `${figure}: time to first byte`,
          cells: cells(
            results,
            (r) =>
              `${num(r.heavyTtfbMs)} / ${num(r.lightTtfbMs)} ms${r.reopenings < reopenings ? ` (${r.reopenings}×)` : ''}`,
          ),
          ratios: ttfb,
          ratioOf: 'long history ÷ none',
          goal: '≤ 1.5× both stores',
          met: atMost(ttfb, 1.5),
          checks: checks(results, (r) => r.check),
          values: raw,
        },
        {
          key: 'resume-live',
          figure: `${figure}: time until a message sent once it answered arrives`,
          cells: cells(results, (r) => `${num(r.heavyReadyMs)} / ${num(r.lightReadyMs)} ms`),
          ratios: ratiosWithin(results, (r) => r.heavyReadyMs / r.lightReadyMs),
          ratioOf: 'long history ÷ none',
          checks: {},
          values: raw,
        },
      ];
    },
  };
}
