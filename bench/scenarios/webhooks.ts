// A bot with an outgoing webhook and an open stream, each message acknowledged by a local receiver. First a backlog,
// sent as fast as 16 senders' connections go while the receiver refuses, then drained once it accepts: webhook
// deliveries per second (one POST at a time, each until its 2xx, from the first to the last). Then one
// message at a time, each sent once the one before reached both: the time from a message's 202 to its webhook
// POST against the time to the same message's frame on the bot's stream. Every message is checked on both: once
// each, in order. The reference is a bare node:http loop posting as many bodies of the same size, one at a time,
// to the same kind of receiver: the ceiling of one-at-a-time delivery on this machine.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../test/support/process.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pool, sleep } from '../lib/async.js';
import { expectJson, requestJson } from '../lib/http.js';
import type { IntegritySum } from '../lib/load-workers.js';
import { atLeast, atMost, num } from '../lib/report.js';
import type { TargetName } from '../lib/targets.js';
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

interface WebhookResult {
  readonly messages: number;
  /** Webhook posts acknowledged per second, from the first send to the last post. */
  readonly deliveriesPerS: number;
  readonly webhookP50Ms: number;
  readonly webhookP99Ms: number;
  readonly streamP50Ms: number;
  readonly streamP99Ms: number;
  readonly check: IntegritySum;
}

const run = promisify(execFile);
const senders = 16;
/** Messages sent one at a time for the latencies. */
const pacedCount = 200;

async function measure(target: TargetName, amount: number, settings: Settings): Promise<WebhookResult> {
  if (target === 'reference') return bareLoop(amount, settings);
  const posted = new Arrivals();
  // Refusing (503) until the backlog is in place: the drain is then measured alone, not beside the sends.
  let refusing = true;
  const receiver = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    req.resume();
    req.on('end', () => {
      if (refusing) {
        res.writeHead(503).end();
        return;
      }
      posted.add(id);
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    return await withServer(target, ['--webhook-allow-private', '--message-rate', '0'], async (server) => {
      const url = new URL(server.url);
      const agent = restAgent(senders);
      const [owner] = await register(agent, url, ['owner']);
      const bot = await expectJson(agent, url, '/bots', { name: 'hookbot' }, 201, owner);
      const botToken = String(bot.body.token);
      const hooked = await requestJson(agent, url, 'PUT', '/bots/hookbot/webhook', { url: receiverUrl }, owner);
      if (hooked.status !== 200) throw new Error(`PUT /bots/hookbot/webhook: ${hooked.status}`);
      const streamed = new Arrivals();
      const stream = await openUserStream(url, 'hookbot', botToken, (id) => streamed.add(id));
      try {
        const accepted = new Map<string, number>();
        await pool(
          Array.from({ length: amount }, (_, i) => i),
          senders,
          async (i) => {
            const answer = await expectJson(agent, url, '/messages', { to: 'hookbot', text: `m${i}` }, 202, owner);
            accepted.set(String(answer.body.id), performance.now());
          },
        );
        refusing = false;
        const deadline = performance.now() + 120_000;
        while ((posted.at.size < amount || streamed.at.size < amount) && performance.now() < deadline) await sleep(20);
        const firstPost = Math.min(...posted.at.values());
        const lastPost = Math.max(...posted.at.values());
        // One at a time: the latency of a message that waits behind no other.
        const paced = new Map<string, number>();
        for (let i = 0; i < pacedCount; i++) {
          const answer = await expectJson(agent, url, '/messages', { to: 'hookbot', text: `p${i}` }, 202, owner);
          const id = String(answer.body.id);
          paced.set(id, performance.now());
          const until = performance.now() + 10_000;
          while ((!posted.at.has(id) || !streamed.at.has(id)) && performance.now() < until) await sleep(1);
        }
        const webhookMs = [...paced].map(([id, at]) => (posted.at.get(id) ?? NaN) - at);
        const streamMs = [...paced].map(([id, at]) => (streamed.at.get(id) ?? NaN) - at);
        const total = amount + pacedCount;
        const result: WebhookResult = {
          messages: amount,
          deliveriesPerS: (amount - 1) / ((lastPost - firstPost) / 1000),
          webhookP50Ms: percentile(webhookMs, 50),
          webhookP99Ms: percentile(webhookMs, 99),
          streamP50Ms: percentile(streamMs, 50),
          streamP99Ms: percentile(streamMs, 99),
          check: {
            streams: 1,
            received: posted.at.size,
            missing: total - posted.at.size + (total - streamed.at.size),
            duplicate: posted.duplicate + streamed.duplicate,
            outOfOrder: posted.outOfOrder + streamed.outOfOrder,
            unexpected: 0,
            lost: 0,
            ended: 0,
          },
        };
        settings.log(
          `${target}: webhook ${num(result.deliveriesPerS)}/s, 202 to POST p50 ${num(result.webhookP50Ms)} ms against ${num(result.streamP50Ms)} ms to the stream`,
        );
        return result;
      } finally {
        stream.destroy();
        agent.destroy();
      }
    });
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
}

/** The reference: bench/reference/webhook-poster.ts, a process of its own as Parley is, posting to this receiver. */
async function bareLoop(amount: number, settings: Settings): Promise<WebhookResult> {
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const { port } = receiver.address() as AddressInfo;
  try {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'bench/reference/webhook-poster.ts'),
        `http://127.0.0.1:${port}/hook`,
        String(amount),
        String(settings.textBytes),
      ],
      { cwd: repoRoot, timeout: 120_000 },
    );
    const { perS } = JSON.parse(stdout) as { perS: number };
    settings.log(`reference: ${num(perS)} posts/s one at a time`);
    const check = {
      streams: 0,
      received,
      missing: amount - received,
      duplicate: 0,
      outOfOrder: 0,
      unexpected: 0,
      lost: 0,
      ended: 0,
    };
    return {
      messages: amount,
      deliveriesPerS: perS,
      webhookP50Ms: NaN,
      webhookP99Ms: NaN,
      streamP50Ms: NaN,
      streamP99Ms: NaN,
      check,
    };
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
}

export function webhooks(settings: Settings): Scenario<WebhookResult> {
  const amount = scaled(5_000, settings, 200);
  const figure = `${num(amount, 9)} messages waiting for a bot's webhook (a local receiver answering 204), posted once it answers`;
  return {
    name: 'webhooks',
    targets: ['reference', 'memory', 'sqlite'],
    measure: (target) => measure(target, amount, settings),
    rows(results: Results<WebhookResult>) {
      const raw = values(results, (r) => {
        const { check: _check, ...numbers } = r;
        return numbers;
      });
      const latency = ratiosWithin(results, (r) => r.webhookP50Ms / r.streamP50Ms);
      return [
        {
          key: 'webhook-deliveries',
          figure: `${figure}: webhook posts acknowledged per second, one at a time, in order (reference: a bare node:http loop posting as many, one at a time)`,
          cells: cells(results, (r) => `${num(r.deliveriesPerS)}/s`),
          ratios: ratiosToReference(results, 'reference', (r) => r.deliveriesPerS),
          ratioOf: '÷ reference',
          goal: '≥ 0.3× both stores',
          met: atLeast(
            ratiosToReference(results, 'reference', (r) => r.deliveriesPerS),
            0.3,
          ),
          checks: checks(results, (r) => r.check),
          values: raw,
        },
        {
          key: 'webhook-latency',
          figure: `${pacedCount} messages to the same bot one at a time: 202 to webhook POST, against 202 to the stream's frame (p50, p99)`,
          cells: cells(
            withoutReference(results),
            (r) =>
              `${num(r.webhookP50Ms)} / ${num(r.webhookP99Ms)} ms against ${num(r.streamP50Ms)} / ${num(r.streamP99Ms)} ms`,
          ),
          ratios: latency,
          ratioOf: 'webhook ÷ stream, p50',
          goal: '≤ 3× both stores',
          met: atMost(latency, 3),
          checks: {},
          values: raw,
        },
      ];
    },
  };
}
