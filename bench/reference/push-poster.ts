// The reference for Web Push delivery: a bare loop in a process of its own doing the wire work of a push and
// nothing else. For each payload, shaped and sized as Parley's (a direct message whose text is `text bytes`
// long), web-push's generateRequestDetails (aes128gcm encryption for the device's keys and a VAPID JWT, as Parley
// calls it), then one POST over one kept-alive node:http connection, each after the last one's answer. First
// `warm-up` pushes whose ids end at `first id`, for the JIT (as many as Parley made before its drain), then
// `amount` whose ids count up from `first id` + 1. Prints one JSON line {"perS": ...} of the latter once done.
//   Run: npx tsx bench/reference/push-poster.ts <endpoint> <p256dh> <auth> <amount> <text bytes> <first id> <warm-up>
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import webpush from 'web-push';

const [endpoint, p256dh, auth, amountText, textBytes, firstId, warmUpText] = process.argv.slice(2);
const target = new URL(endpoint!);
const amount = Number(amountText);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const vapid = { subject: 'mailto:parley@localhost', ...webpush.generateVAPIDKeys() };
const text = 'x'.repeat(Number(textBytes));

function payload(id: number): string {
  return JSON.stringify({
    id: String(id),
    from: 'sender',
    kind: 'direct',
    with: 'sender',
    text,
    mention: false,
    sentAt: new Date().toISOString(),
  });
}

function post(id: number): Promise<void> {
  const details = webpush.generateRequestDetails(
    { endpoint: endpoint!, keys: { p256dh: p256dh!, auth: auth! } },
    payload(id),
    {
      TTL: 86_400,
      urgency: 'high',
      contentEncoding: 'aes128gcm',
      vapidDetails: vapid,
    },
  );
  return new Promise((resolve, reject) => {
    const req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: details.method,
      agent,
      headers: details.headers,
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 201 ? resolve() : reject(new Error(`push ${id}: ${String(res.statusCode)}`)),
      );
    });
    req.on('error', reject);
    req.end(details.body);
  });
}

const base = Number(firstId);
for (let id = base - Number(warmUpText) + 1; id <= base; id++) await post(id);
const started = performance.now();
for (let id = base + 1; id <= base + amount; id++) await post(id);
process.stdout.write(`${JSON.stringify({ perS: amount / ((performance.now() - started) / 1000) })}\n`);
agent.destroy();
