// Failover under load, repeated: a Sentinel topology of its own each time (a primary, two replicas, three
// sentinels, down-after 1 s), two Parley processes with --redis-sentinel (a write is answered once a replica holds
// it), four senders through both, streams open on both; the primary is killed with SIGKILL once some sends were
// accepted. Measured: the time from the kill to the first 202 of a send made after it, and the 202s whose message
// never reached its recipient's stream (or reached it twice).
import { api, register, streamPath, type TestUser } from '../../test/support/api.js';
import { openSse, type SseReader } from '../../test/support/sse.js';
import { sleep } from '../lib/async.js';
import { num, type Row } from '../lib/report.js';
import { startParley, withSentinel } from '../lib/targets.js';
import { ok, scaled, values, type Results, type Scenario, type Settings } from './common.js';

interface FailoverRun {
  readonly killToFirst202Ms: number;
  /** When a sentinel (polled every 50 ms) first named another primary. */
  readonly killToPromotedMs: number;
  readonly accepted: number;
  readonly lost: number;
  readonly duplicated: number;
}

interface FailoverResult {
  readonly runs: readonly FailoverRun[];
}

const senders = 4;

async function once(settings: Settings): Promise<FailoverRun> {
  let kill: (() => Promise<void>) | undefined;
  let oldPort = 0;
  let promoted: ((notPort: number) => Promise<number>) | undefined;
  const target = await withSentinel('sentinel-acked', async (redisArgs, topology) => {
    kill = () => topology.primary.kill();
    oldPort = topology.primary.port;
    promoted = topology.promoted;
    const [a, b] = await Promise.all([
      startParley('sentinel-acked', 'redis', redisArgs),
      startParley('sentinel-acked', 'redis', redisArgs),
    ]);
    return { ...a, streamUrls: [a.url, b.url], stop: async () => void (await Promise.all([a.stop(), b.stop()])) };
  });
  try {
    const [urlA, urlB] = target.streamUrls as [string, string];
    const from = await Promise.all(Array.from({ length: senders }, (_, i) => register(urlA, `sender${i}`)));
    const to: TestUser[] = await Promise.all(
      ['ann', 'abe', 'bea', 'ben'].map((name, i) => register(i < 2 ? urlA : urlB, name)),
    );
    const streams: SseReader[] = await Promise.all(
      to.map((user, i) =>
        openSse(`${i < 2 ? urlA : urlB}${streamPath(user)}`, { authorization: `Bearer ${user.token}` }),
      ),
    );
    const accepted: { to: number; text: string; sent: number; at: number }[] = [];
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    let promotion: Promise<number> | undefined;
    const lane = async (lane: number) => {
      for (let i = 0; !(killedAt > 0 && accepted.filter((m) => m.sent > killedAt).length >= 20); i++) {
        const r = (lane + i) % to.length;
        const text = `lane ${lane} send ${i}`;
        const sent = Date.now();
        const res = await api(i % 2 === 0 ? urlA : urlB, 'POST', '/messages', {
          token: from[lane]!.token,
          json: { to: to[r]!.name, text },
        }).catch(() => undefined);
        if (res?.status === 202) {
          accepted.push({ to: r, text, sent, at: Date.now() });
          if (accepted.length === 100) {
            killing = kill!().then(() => void (killedAt = Date.now()));
            promotion = killing.then(() => promoted!(oldPort)).then(() => Date.now());
          }
        } else {
          // Paced, as a client honouring Retry-After would be, only quicker.
          await sleep(20);
        }
      }
    };
    await Promise.all(Array.from({ length: senders }, (_, i) => lane(i)));
    await killing;
    const promotedAt = await promotion!;
    let lost = 0;
    let duplicated = 0;
    for (const [r, stream] of streams.entries()) {
      const wanted = accepted.filter((m) => m.to === r).map((m) => m.text);
      const texts = () => stream.messages<{ text: string }>().map((m) => m.text);
      await stream.until(() => wanted.every((t) => texts().includes(t)), 20_000).catch(() => undefined);
      const got = texts();
      for (const text of wanted.filter((t) => !got.includes(t))) {
        const m = accepted.find((a) => a.text === text)!;
        const sender = from[Number(text.split(' ')[1])]!;
        const history = await api(urlA, 'GET', `/messages?with=${sender.name}&limit=200`, { token: to[r]!.token });
        const stored = (history.body.messages as { id: string; text: string }[]).find((h) => h.text === text);
        settings.log(
          `failover: lost "${text}" sent ${m.sent - killedAt} ms, answered ${m.at - killedAt} ms from the kill; in the store: ${JSON.stringify(stored)}; stream ids ${stream
            .messages<{ id: string }>()
            .map((x) => x.id)
            .join(',')}`,
        );
      }
      lost += wanted.filter((t) => !got.includes(t)).length;
      duplicated += got.length - new Set(got).size;
      stream.close();
    }
    const first = Math.min(...accepted.filter((m) => m.sent > killedAt).map((m) => m.at));
    const run = {
      killToFirst202Ms: first - killedAt,
      killToPromotedMs: promotedAt - killedAt,
      accepted: accepted.length,
      lost,
      duplicated,
    };
    settings.log(
      `failover: a replica promoted ${run.killToPromotedMs} ms after the kill (as a sentinel tells), first 202 ${run.killToFirst202Ms} ms; ${run.accepted} accepted, ${lost} lost, ${duplicated} duplicated`,
    );
    return run;
  } finally {
    await target.stop();
  }
}

export function failover(settings: Settings): Scenario<FailoverResult> {
  const times = scaled(10, settings, 2);
  return {
    name: 'failover',
    targets: ['sentinel-acked'],
    async measure() {
      const runs: FailoverRun[] = [];
      for (let i = 0; i < times; i++) runs.push(await once(settings));
      return { runs };
    },
    rows(results: Results<FailoverResult>): Row[] {
      const m = ok(results, 'sentinel-acked');
      const delays = (m?.runs ?? []).map((r) => r.killToFirst202Ms).sort((x, y) => x - y);
      const median = delays.length === 0 ? NaN : delays[Math.floor((delays.length - 1) / 2)]!;
      const lost = (m?.runs ?? []).reduce((sum, r) => sum + r.lost + r.duplicated, 0);
      const accepted = (m?.runs ?? []).reduce((sum, r) => sum + r.accepted, 0);
      return [
        {
          key: 'failover',
          table: 'replication',
          figure: `SIGKILL of the primary under load (4 senders through 2 processes, streams on both), ${times} times: kill → first 202, median, max; 202s lost or repeated`,
          cells: m
            ? { waitAll: `${num(median / 1000)} s, ${num(delays.at(-1)! / 1000)} s; ${lost} of ${num(accepted, 9)}` }
            : { waitAll: 'failed' },
          ratios: {},
          goal: 'median under 10 s, 0 lost',
          met: m ? median < 10_000 && lost === 0 : undefined,
          checks: {},
          values: values(results, (r) => ({
            medianMs: median,
            maxMs: delays.at(-1) ?? NaN,
            lost,
            accepted,
            runs: JSON.stringify(r.runs),
          })),
        },
      ];
    },
  };
}
