import { get, type IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';
import type { TestUser } from './api.js';
import type { Watched } from './watched.js';

/**
 * A user's stream that keeps nothing but what `onMessage` does with each message's id, so that thousands fit in
 * one test process; `watched` is told of every event.
 */
export function openLightStream(
  url: string,
  user: TestUser,
  watched: Watched,
  onMessage: (id: number) => void,
): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const parser = createParser({
      onEvent: (e) => {
        if (e.event === undefined || e.event === 'message') onMessage(Number(e.id));
        watched.changed();
      },
    });
    const req = get(
      `${url}/users/${user.name}/stream`,
      { agent: false, headers: { authorization: `Bearer ${user.token}` } },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) return reject(new Error(`stream of ${user.name}: ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
        res.on('error', () => {});
        resolve({ close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}
