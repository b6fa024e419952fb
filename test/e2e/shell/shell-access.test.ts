import { describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../../support/api.js';
import { runParley, spawnServer, tempDir } from '../../support/process.js';
import { joinedShellClient, stoppedAfterEach } from '../../support/shell-client.js';

const { servers, clients } = stoppedAfterEach();

const join = (url: string, user: TestUser) => joinedShellClient(url, user, clients);

describe('the shell client, blocks and suspension', () => {
  it("block: refuses a user's direct messages and hides their group messages; unblock: lets them in again", async () => {
    const server = await spawnServer(['--store', 'sqlite', '--data', tempDir(), '--message-rate', '0']);
    servers.push(server);
    const [alice, mallory, carol] = [
      await register(server.url, 'alice'),
      await register(server.url, 'mallory'),
      await register(server.url, 'carol'),
    ];
    const group = await api(server.url, 'POST', '/groups', {
      token: carol.token,
      json: { name: 'team', members: ['alice', 'mallory'] },
    });
    expect(group.status).toBe(201);
    const client = await join(server.url, alice);

    client.send('block:mallory');
    await client.waitFor('stderr', /^-- blocked mallory: their direct messages and group invitations are refused/);
    await client.waitFor('stdout', '-- you blocked mallory --');
    const dm = await api(server.url, 'POST', '/messages', {
      token: mallory.token,
      json: { to: 'alice', text: 'psst' },
    });
    expect(dm.body.code).toBe('not_accepted');
    const hidden = await api(server.url, 'POST', '/messages', {
      token: mallory.token,
      json: { to: 'team', text: 'you will not read this' },
    });
    expect(hidden.status).toBe(202);
    // The first message this session names: #1, hidden, but numbered like any other.
    await client.waitFor('stdout', '-- #1 from a blocked user @team, hidden --');
    await api(server.url, 'POST', '/messages', { token: carol.token, json: { to: 'team', text: 'but this' } });
    await client.waitFor('stdout', /carol @team: but this$/);

    client.send('unblock:mallory');
    await client.waitFor('stderr', '-- unblocked mallory --');
    await client.waitFor('stdout', '-- you unblocked mallory --');
    await api(server.url, 'POST', '/messages', { token: mallory.token, json: { to: 'team', text: 'hello again' } });
    await client.waitFor('stdout', /mallory @team: hello again$/);
    expect(client.transcript()).not.toContain('you will not read this');
  });

  it('suspend: and restore: are for admins: the suspended user is told and cannot log in until restored', async () => {
    const data = tempDir();
    const server = await spawnServer(['--store', 'sqlite', '--data', data]);
    servers.push(server);
    const alice = await register(server.url, 'alice');
    const mallory = await register(server.url, 'mallory');
    const granted = await runParley(['grant-admin', 'alice', '--data', data]);
    expect(granted.code, granted.stderr).toBe(0);
    const admin = await join(server.url, alice);
    const suspect = await join(server.url, mallory);

    // Not an admin: the server's refusal, as every error.
    suspect.send('suspend:alice');
    await suspect.waitFor('stderr', /^error: /);

    admin.send('suspend:mallory');
    await admin.waitFor('stderr', '-- suspended mallory: their sessions are ended --');
    await suspect.waitFor(
      'stderr',
      '-- an admin suspended this account; it cannot log in until an admin restores it --',
    );
    expect(await suspect.exited).toBe(7);
    const refused = await api(server.url, 'POST', '/sessions', {
      json: { username: 'mallory', password: mallory.password },
    });
    expect(refused.body.code).toBe('account_suspended');

    admin.send('restore:mallory');
    await admin.waitFor('stderr', '-- restored mallory --');
    const back = await api(server.url, 'POST', '/sessions', {
      json: { username: 'mallory', password: mallory.password },
    });
    expect(back.status).toBe(200);
  });
});
