import { describe, expect, it } from 'vitest';
import { api, register, streamPath } from '../../support/api.js';
import { scrape } from '../../support/metrics.js';
import { runCli, spawnServer, tempDir } from '../../support/process.js';
import { openSse } from '../../support/sse.js';

describe('the server process', () => {
  it('prints every option with its variable and default on --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const needle of [
      '--port',
      'PARLEY_PORT',
      '--host',
      'PARLEY_HOST',
      '--store',
      'PARLEY_STORE',
      '--data',
      'PARLEY_DATA',
      '(default: 8080)',
    ]) {
      expect(stdout).toContain(needle);
    }
  });

  it('refuses a wrong option value with a message naming it and exit status 2', async () => {
    const { code, stderr } = await runCli(['--port', 'http']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port \/ PARLEY_PORT: "http" is not valid/);
    const env = await runCli([], { PARLEY_QUEUE_LIMIT: '0' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('--queue-limit / PARLEY_QUEUE_LIMIT');
  });

  it('on SIGTERM ends open streams with a retry hint and exits with status 0', async () => {
    const server = await spawnServer(['--store', 'memory']);
    const user = await register(server.url, 'sleeper');
    const stream = await openSse(server.url + streamPath(user), { authorization: `Bearer ${user.token}` });
    expect(await server.stop()).toBe(0);
    await stream.ended;
    expect(stream.comments).toContain('end: shutdown');
    expect(stream.retries.length).toBe(2);
  });

  it('serves metrics on a listener of its own with --metrics-port, and says where', async () => {
    const server = await spawnServer(['--store', 'memory', '--metrics-port', '0']);
    const url = String(server.logs.find((entry) => entry.msg === 'metrics are served')?.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await register(server.url, 'counted');
    expect(
      (await scrape(url)).histogram('parley_http_request_duration_seconds', { route: '/sessions', status: '201' })
        .count,
    ).toBe(1);
    expect(await server.stop()).toBe(0);
  });

  it('logs JSON lines that never contain a password or a token', async () => {
    const server = await spawnServer(['--store', 'sqlite', '--data', tempDir(), '--log-level', 'debug']);
    const user = await register(server.url, 'secretive');
    await api(server.url, 'POST', '/sessions', { json: { username: 'secretive', password: 'a-wrong-password' } });
    await api(server.url, 'POST', '/messages', { token: user.token, json: { to: 'nobody', text: 'hi' } });
    await api(server.url, 'GET', '/users', { headers: { authorization: `Bearer ${user.token}x` } });
    await server.stop();
    expect(server.logs.length).toBeGreaterThan(2);
    const all = JSON.stringify(server.logs);
    for (const secret of [user.password, 'a-wrong-password', user.token]) expect(all).not.toContain(secret);
  });
});
