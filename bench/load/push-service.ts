// A push service stand-in, started by the benchmark with child_process.fork and driven over IPC
// (bench/lib/push-receiver.ts), so that its CPU is not the server's: devices with P-256 keys and auth secrets of
// their own, an endpoint each on one loopback port, answered 201 (or what the benchmark says) as soon as the body
// is in. Then, after the answer, it decrypts the body itself (RFC 8291 with node:crypto, not the web-push package
// that encrypted it) and tells the benchmark which message it carried and when it arrived. It does not verify the
// VAPID signature: test/push and the e2e tests do, against web-push-testing. It exits when the benchmark goes away.
import { createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wallMs } from './protocol.js';

/** What the benchmark asks. Each carries a sequence number and gets one reply with it. */
export type PushServiceCommand =
  | { readonly op: 'devices'; readonly count: number }
  /** From now on, requests to these devices are answered `status` (503 with `Retry-After: 1`). */
  | { readonly op: 'answer'; readonly devices: readonly number[]; readonly status: number };

export interface PushDevice {
  readonly index: number;
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

/** Sent unasked, once per request. */
export type PushServiceNews =
  | { readonly op: 'ready'; readonly url: string }
  /** A push taken (2xx), decrypted: the `id` of its JSON payload, and when its body was in (wallMs). */
  | { readonly op: 'pushed'; readonly device: number; readonly id: string; readonly at: number; readonly bytes: number }
  | { readonly op: 'refused'; readonly device: number }
  /** A request that is not a push this service can read: an unknown device, a missing header, a bad body. */
  | { readonly op: 'bad'; readonly device: number; readonly error: string }
  | { readonly op: 'reply'; readonly seq: number; readonly result: unknown };

interface Device {
  readonly ecdh: ECDH;
  readonly publicKey: Buffer;
  readonly auth: Buffer;
  status: number;
}

const devices: Device[] = [];

function tell(news: PushServiceNews): void {
  process.send?.(news);
}

/** RFC 8291 §3.4 and RFC 8188 §2: one aes128gcm record, the sender's public key as its key id. */
function decrypt(body: Buffer, device: Device): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const keyEnd = 21 + body[20]!;
  const senderKey = body.subarray(21, keyEnd);
  const record = body.subarray(keyEnd);
  if (record.length > recordSize) throw new Error(`a body of ${record.length} bytes is more than one record`);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.publicKey, senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', device.ecdh.computeSecret(senderKey), device.auth, keyInfo, 32));
  const key = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', key, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('the record has no last-record delimiter');
  return plain.subarray(0, end);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = wallMs();
    const index = Number(/^\/push\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
    const device = devices[index];
    if (!device) {
      res.writeHead(404).end();
      tell({ op: 'bad', device: index, error: `no device at ${req.url}` });
      return;
    }
    const { status } = device;
    res.writeHead(status, status === 503 ? { 'retry-after': '1' } : {}).end();
    if (status < 200 || status > 299) {
      tell({ op: 'refused', device: index });
      return;
    }
    const body = Buffer.concat(chunks);
    try {
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('Content-Encoding is not aes128gcm');
      if (!/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/.test(req.headers.authorization ?? ''))
        throw new Error('no VAPID Authorization');
      if (!/^\d+$/.test(String(req.headers.ttl ?? ''))) throw new Error('no TTL');
      const payload = JSON.parse(decrypt(body, device).toString('utf8')) as { id?: unknown };
      tell({ op: 'pushed', device: index, id: String(payload.id), at, bytes: body.length });
    } catch (err) {
      tell({ op: 'bad', device: index, error: (err as Error).message });
    }
  });
});

function command(message: PushServiceCommand): unknown {
  switch (message.op) {
    case 'devices':
      return Array.from({ length: message.count }, (): PushDevice => {
        const ecdh = createECDH('prime256v1');
        const publicKey = ecdh.generateKeys();
        const auth = randomBytes(16);
        const index = devices.push({ ecdh, publicKey, auth, status: 201 }) - 1;
        return {
          index,
          endpoint: `${url}/push/${index}`,
          p256dh: publicKey.toString('base64url'),
          auth: auth.toString('base64url'),
        };
      });
    case 'answer':
      for (const index of message.devices) devices[index]!.status = message.status;
      return null;
  }
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
process.on('message', (message: PushServiceCommand & { seq: number }) => {
  tell({ op: 'reply', seq: message.seq, result: command(message) });
});
process.on('disconnect', () => process.exit(0));
tell({ op: 'ready', url });
