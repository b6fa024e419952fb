import { describe, expect, it } from 'vitest';
import { api, register } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { startShellClient, stoppedAfterEach, type ShellClient } from '../../support/shell-client.js';

const { servers, clients } = stoppedAfterEach();

async function server(args: readonly string[]): Promise<ServerProcess> {
  const started = await spawnServer(args);
  servers.push(started);
  return started;
}

/** Starts the client over pipes and waits until it has joined (its stream is open by then). */
async function join(url: string, name: string, password = `${name}-password`): Promise<ShellClient> {
  const client = startShellClient(['--url', url], [name, password]);
  clients.push(client);
  await client.waitFor('stderr', new RegExp(`^-- (registered and )?joined as ${name} --$`));
  return client;
}

const clock = String.raw`\[\d\d:\d\d\] #\d+`;

describe('the shell client and bots', () => {
  it("marks a bot's messages, shows a hook's display name with the account that sent it, and marks bots in get_users", async () => {
    const { url } = await server([]);
    const bob = await register(url, 'bob');
    const alice = await join(url, 'alice');
    const made = await api(url, 'POST', '/bots', { token: bob.token, json: { name: 'deploybot' } });
    expect(made.status).toBe(201);
    const group = await api(url, 'POST', '/groups', { token: bob.token, json: { name: 'ops', members: ['alice'] } });
    expect(group.status).toBe(201);

    alice.send('get_users');
    await alice.waitFor('stdout', 'x deploybot [bot]');
    expect(alice.lines.stdout.filter((line) => /^[ox] /.test(line))).toEqual(['o alice', 'x bob', 'x deploybot [bot]']);

    const sent = await api(url, 'POST', '/messages', {
      token: made.body.token,
      json: { to: 'alice', text: 'build 42 is green' },
    });
    expect(sent.status).toBe(202);
    const fromBot = await alice.waitFor('stdout', /build 42 is green/);
    expect(fromBot.line).toMatch(new RegExp(`^${clock} deploybot \\[bot\\]: build 42 is green$`));

    const hook = await api(url, 'POST', '/hooks', { token: bob.token, json: { to: 'ops', name: 'alerts' } });
    expect(hook.status).toBe(201);
    const posted = await fetch(hook.body.url as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'disk full on db1', username: 'Alert "manager"' }),
    });
    expect(posted.status).toBe(200);
    const fromHook = await alice.waitFor('stdout', /disk full on db1/);
    expect(fromHook.line).toMatch(new RegExp(`^${clock} Alert "manager" \\[bot via bob\\] @ops: disk full on db1$`));

    // A hook's message without a display name is the owner's, marked.
    await fetch(hook.body.url as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'all clear' }),
    });
    const plain = await alice.waitFor('stdout', /all clear/);
    expect(plain.line).toMatch(new RegExp(`^${clock} bob \\[bot\\] @ops: all clear$`));
    expect(alice.lines.stderr.filter((line) => line.includes('cannot read'))).toEqual([]);

    alice.send('exit');
    await alice.waitFor('stderr', '-- logged out --');
  });
});
