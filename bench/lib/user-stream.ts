// One user's stream read in the benchmark's own process, for scenarios that time a few messages rather than load
// many streams: the id of every message frame as it arrives, and whether the ids came once each and in order.
import { request, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Arrival times by message id, and how the ids came: once each and in order, or not. */
export class Arrivals {
  readonly at = new Map<string, number>();
  private last = 0n;
  duplicate = 0;
  outOfOrder = 0;

  add(id: string): void {
    if (this.at.has(id)) {
      this.duplicate++;
      return;
    }
    this.at.set(id, performance.now());
    if (BigInt(id) < this.last) this.outOfOrder++;
    else this.last = BigInt(id);
  }
}

/** `user`'s stream, telling the id of every message frame as it arrives. */
export async function openUserStream(
  url: URL,
  user: string,
  token: string,
  onId: (id: string) => void,
): Promise<IncomingMessage> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: `/users/${user}/stream`,
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
  if (res.statusCode !== 200) throw new Error(`${user}'s stream answered ${res.statusCode}`);
  let buffered = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const id = /^id: (\d+)$/m.exec(frame)?.[1];
      if (id !== undefined && /^event: message$/m.test(frame)) onId(id);
    }
  });
  return res;
}
