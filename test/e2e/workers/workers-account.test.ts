import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, streamPath } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { openSse } from '../../support/sse.js';

let redis: RedisServer;
let server: ServerProcess;
beforeAll(async () => {
  redis = await startRedisServer();
  server = await spawnServer([
    '--workers',
    '2',
    '--store',
    'redis',
    '--redis-url',
    redis.url,
    '--redis-prefix',
    `workers-account-${randomUUID()}:`,
  ]);
});
afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

const join = (name: string, password: string) =>
  api(server.url, 'POST', '/sessions', { json: { username: name, password } });

describe('--workers 2 and the account', () => {
  it("ends a revoked session's streams on both workers with end: revoked, and a password change ends the others' there too (end: password_changed)", async () => {
    const laptop = (await join('erin', 'erin-secret-1')).body.token as string;
    const phone = (await join('erin', 'erin-secret-1')).body.token as string;
    const tablet = (await join('erin', 'erin-secret-1')).body.token as string;
    const open = (token: string) =>
      openSse(server.url + streamPath({ name: 'erin' }), { authorization: `Bearer ${token}` });
    // Two streams of one session on two new connections: node:cluster hands them to the two workers in turn.
    const phoneStreams = [await open(phone), await open(phone)];
    const tabletStreams = [await open(tablet), await open(tablet)];

    const sessions = (await api(server.url, 'GET', '/sessions', { token: phone })).body.sessions as {
      id: string;
      current: boolean;
    }[];
    const phoneId = sessions.find((s) => s.current)!.id;
    expect((await api(server.url, 'DELETE', `/sessions/${phoneId}`, { token: laptop })).status).toBe(204);
    for (const stream of phoneStreams) {
      await stream.ended;
      expect(stream.comments).toContain('end: revoked');
    }
    expect((await api(server.url, 'GET', '/users', { token: phone })).status).toBe(401);

    const change = await api(server.url, 'PUT', '/account/password', {
      token: laptop,
      json: { currentPassword: 'erin-secret-1', newPassword: 'erin-secret-2' },
    });
    expect(change.status).toBe(204);
    for (const stream of tabletStreams) {
      await stream.ended;
      expect(stream.comments).toContain('end: password_changed');
    }
    // Whichever worker answers, the old password is refused and the new one works.
    for (let i = 0; i < 2; i++) {
      expect((await join('erin', 'erin-secret-1')).status).toBe(401);
      expect((await join('erin', 'erin-secret-2')).status).toBe(200);
    }
  });
});
