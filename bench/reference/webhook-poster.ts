// The reference for webhook delivery: a bare node:http loop in a process of its own that posts `amount` bodies of
// the same size as Parley's webhook posts to a receiver, one at a time over one kept-alive connection, each after
// the last one's answer. Prints one JSON line {"perS": ...} once done.
//   Run: npx tsx bench/reference/webhook-poster.ts <receiver url> <amount> <text bytes>
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, amountText, textBytes] = process.argv.slice(2);
const target = new URL(url!);
const amount = Number(amountText);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const body = JSON.stringify({
  type: 'message',
  id: '218728393290000',
  data: { id: '218728393290000', from: 'owner', to: 'hookbot', kind: 'direct', text: 'x'.repeat(Number(textBytes)) },
});

function post(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const started = performance.now();
for (let i = 0; i < amount; i++) await post();
process.stdout.write(`${JSON.stringify({ perS: amount / ((performance.now() - started) / 1000) })}\n`);
agent.destroy();
