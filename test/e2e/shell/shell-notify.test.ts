import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { joinedShellClient, stoppedAfterEach, testClock, type ShellClient } from '../../support/shell-client.js';

const { clients } = stoppedAfterEach();

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(['--store', 'memory']);
});
afterAll(() => server.stop());

/**
 * The shell client over pipes, joined as `user` (its stream is open by then). `user`'s own token is another
 * session of the same account: another device.
 */
const join = (user: TestUser): Promise<ShellClient> => joinedShellClient(server.url, user, clients);

/** A clock time as the client prints it: today's as HH:MM, another day's with the date in front. */
const printedTime = (iso: string) => new RegExp(`(\\d{4}-\\d\\d-\\d\\d )?${testClock(Date.parse(iso))}`).source;

describe('the shell client and notification levels', () => {
  it('sets and shows a level with notify:, and prints a level another device sets', async () => {
    const [nora, nate] = [await register(server.url, 'nora'), await register(server.url, 'nate')];
    await api(server.url, 'POST', '/groups', { token: nate.token, json: { name: 'crew', members: ['nora'] } });
    const client = await join(nora);

    client.send('notify:crew:mentions');
    await client.waitFor('stderr', '-- crew: mentions only --');
    await client.waitFor('stdout', '-- you set crew: mentions only --');
    client.send('notify:crew');
    await client.waitFor('stdout', '-- crew: mentions only --');
    // A conversation without a message yet has its kind's level.
    client.send('notify:Nate');
    await client.waitFor('stdout', '-- nate: every message notifies --');
    client.send('notify:broad');
    await client.waitFor('stdout', '-- broad: notifications off --');

    client.send('notify:crew:loud');
    await client.waitFor('stderr', /^error: .*all, mentions or none/);
    client.send('notify:zed:none');
    await client.waitFor('stderr', /^error: .*"zed"/);
    client.send('notify:crew:all:now');
    await client.waitFor('stderr', /^error: notify needs a conversation/);

    const set = await api(server.url, 'PUT', '/conversations/crew/notifications', {
      token: nora.token,
      json: { level: 'none' },
    });
    expect(set.status).toBe(200);
    await client.waitFor('stdout', '-- you set crew: notifications off --');
    expect(client.transcript()).not.toMatch(/cannot read|\{/);
  });

  it('marks a group message that calls me or everyone, and no other', async () => {
    const [mia, max] = [await register(server.url, 'mia'), await register(server.url, 'max')];
    await register(server.url, 'mo');
    await api(server.url, 'POST', '/groups', { token: max.token, json: { name: 'ops', members: ['mia', 'mo'] } });
    const client = await join(mia);
    const send = async (text: string) => {
      const sent = await api(server.url, 'POST', '/messages', { token: max.token, json: { to: 'ops', text } });
      expect(sent.status).toBe(202);
    };

    await send('nobody called');
    await client.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ max @ops: nobody called$/);
    await send('@mia the build is green');
    await client.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ max @ops \[@you\]: @mia the build is green$/);
    await send('@mo the deploy is yours');
    await client.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ max @ops: @mo the deploy is yours$/);
    await send('@everyone standup in five');
    await client.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ max @ops \[@everyone\]: @everyone standup in five$/);
    // Called both ways, by name first.
    await send('@everyone, and @MIA above all');
    await client.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ max @ops \[@you\]: @everyone, and @MIA above all$/);
    expect(client.transcript()).not.toContain('cannot read');
  });
});

describe('the shell client and quiet time', () => {
  it('sets, shows and ends quiet time with quiet:, and prints what another device sets', async () => {
    const quin = await register(server.url, 'quin');
    const client = await join(quin);

    client.send('quiet');
    await client.waitFor('stdout', '-- not quiet --');
    client.send('quiet:90');
    const set = await client.waitFor('stderr', /^-- quiet until .*: only direct messages are pushed --$/);
    const { until } = (await api(server.url, 'GET', '/account/quiet', { token: quin.token })).body;
    expect(Date.parse(until) - Date.now()).toBeGreaterThan(88 * 60_000);
    expect(Date.parse(until) - Date.now()).toBeLessThanOrEqual(90 * 60_000);
    expect(set.line).toMatch(new RegExp(`^-- quiet until ${printedTime(until)}: `));
    await client.waitFor('stdout', new RegExp(`^-- you are quiet until ${printedTime(until)} --$`));
    client.send('quiet');
    await client.waitFor('stdout', new RegExp(`^-- quiet until ${printedTime(until)} --$`));

    client.send('quiet:off');
    await client.waitFor('stderr', '-- quiet time ended: pushes follow the notification levels again --');
    await client.waitFor('stdout', '-- you are no longer quiet --');
    client.send('quiet:soon');
    await client.waitFor('stderr', 'error: quiet takes minutes, or off: quiet:90, quiet:off');

    // Another device of the same account.
    const later = new Date(Date.now() + 3 * 3_600_000).toISOString();
    expect((await api(server.url, 'PUT', '/account/quiet', { token: quin.token, json: { until: later } })).status).toBe(
      200,
    );
    const shown = await client.waitFor('stdout', /^-- you are quiet until /, {
      from: client.lines.stdout.indexOf('-- you are no longer quiet --'),
    });
    expect(shown.line).toMatch(new RegExp(`^-- you are quiet until ${printedTime(later)} --$`));
    await api(server.url, 'PUT', '/account/quiet', { token: quin.token, json: { until: null } });
    await client.waitFor('stdout', '-- you are no longer quiet --', { from: shown.index });
  });
});
