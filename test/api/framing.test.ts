import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { api, register, streamPath, type TestUser } from '../support/api.js';
import { messageCount, openSse } from '../support/sse.js';
import { startTestServer } from '../support/server.js';

let server: RunningServer;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = [await register(server.url, 'alice'), await register(server.url, 'bob')];
});
afterAll(() => server.close());

const hostile = [
  'two\nlines',
  'carriage\rreturn',
  'crlf\r\nend',
  'data: forged\n\nevent: message\nid: 999\ndata: {"evil":true}',
  'id: 12345',
  'event: presence',
  ': not a comment',
  'retry: 1',
  'trailing newline\n',
  '\n\nleading blank lines',
  'unicode: héllo wörld — 你好 👋🏽 𝄞',
  'line separators \u2028 and \u2029 and next line \u0085',
  'right-to-left \u202Emark',
  'quotes " and backslashes \\ and {"json": [1]}',
];

describe('SSE framing', () => {
  it('carries texts with newlines, CR, field names and unicode intact, one event each', async () => {
    const ids: string[] = [];
    for (const text of hostile) {
      const res = await api(server.url, 'POST', '/messages', { token: alice.token, json: { to: 'bob', text } });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const stream = await openSse(server.url + streamPath(bob), { authorization: `Bearer ${bob.token}` });
    await stream.until(messageCount(hostile.length));
    const messages = stream.events.filter((e) => e.event === 'message');
    expect(messages).toHaveLength(hostile.length);
    expect(messages.map((e) => e.id)).toEqual(ids);
    expect(messages.map((e) => JSON.parse(e.data).text)).toEqual(hostile);
    expect(stream.events.every((e) => ['message', 'presence'].includes(e.event))).toBe(true);
    stream.close();
  });
});
