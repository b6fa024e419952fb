import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { joinedShellClient, stoppedAfterEach, testClock, type ShellClient } from '../../support/shell-client.js';

const { clients } = stoppedAfterEach();

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(['--store', 'sqlite']);
});
afterAll(() => server.stop());

const join = (user: TestUser): Promise<ShellClient> => joinedShellClient(server.url, user, clients);

async function send(from: TestUser, to: string, text: string): Promise<{ id: string; sentAt: string }> {
  const res = await api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
  expect(res.status).toBe(202);
  return res.body;
}

describe('the shell client and search', () => {
  it('prints each hit as a line with its conversation, time, sender and text, newest first', async () => {
    const [sara, sam, sid] = [
      await register(server.url, 'sara'),
      await register(server.url, 'sam'),
      await register(server.url, 'sid'),
    ];
    await api(server.url, 'POST', '/groups', { token: sam.token, json: { name: 'kitchen', members: ['sara', 'sid'] } });
    const direct = await send(sam, 'sara', 'Bagels for breakfast?\nor croissants');
    const inGroup = await send(sid, 'kitchen', 'the BAGELS are gone');
    await send(sam, 'sid', 'bagels only for sid');
    await api(server.url, 'POST', '/broadcast', { token: sid.token, json: { text: 'fresh bagels downstairs' } });
    const client = await join(sara);
    // What waited for her arrives on her stream first.
    await client.waitFor('stdout', /\(broadcast\): fresh bagels downstairs$/);

    const from = client.lines.stdout.length;
    client.send('search:bagels');
    await client.waitFor('stderr', '-- 3 found --');
    // Standard output and error are two pipes: the hits may reach the test after the line that counts them.
    await client.waitFor('stdout', /^ +or croissants$/, { from });
    const printed = client.lines.stdout.slice(from);
    expect(printed[0]).toMatch(/^\[\d\d:\d\d\] broad \| sid: fresh bagels downstairs$/);
    expect(printed[1]).toBe(`[${testClock(Date.parse(inGroup.sentAt))}] @kitchen | sid: the BAGELS are gone`);
    expect(printed[2]).toBe(`[${testClock(Date.parse(direct.sentAt))}] sam | sam: Bagels for breakfast?`);
    // A text's further lines are indented under its first.
    expect(printed[3]).toMatch(/^ {10,}or croissants$/);
    expect(printed).toHaveLength(4);

    client.send('search:"gone" bagels');
    await client.waitFor('stderr', '-- 1 found --');
    client.send('search:pancakes');
    await client.waitFor('stderr', '-- no message you can read holds pancakes --');
    expect(client.transcript()).not.toMatch(/cannot read|\{"/);
  });

  it('shows twenty at most, then the older ones with search: alone, and says why a search is refused', async () => {
    const [tia, tom] = [await register(server.url, 'tia'), await register(server.url, 'tom')];
    for (let i = 0; i < 23; i++) await send(tom, 'tia', `ticket ${i}`);
    const client = await join(tia);
    await client.waitFor('stdout', /tom: ticket 22$/);

    const from = client.lines.stdout.length;
    client.send('search:ticket');
    await client.waitFor('stderr', '-- 20 shown; search: shows older ones --');
    await client.waitFor('stdout', / tom: ticket 3$/, { from });
    expect(client.lines.stdout.slice(from)).toHaveLength(20);
    expect(client.lines.stdout[from]).toMatch(/ tom \| tom: ticket 22$/);
    client.send('search:');
    await client.waitFor('stderr', '-- 3 found --');
    await client.waitFor('stdout', / tom: ticket 0$/, { from: from + 20 });
    expect(client.lines.stdout.slice(from + 20).map((line) => line.replace(/^.*: /, ''))).toEqual([
      'ticket 2',
      'ticket 1',
      'ticket 0',
    ]);
    client.send('search:');
    await client.waitFor('stderr', /^error: nothing more to show/);
    client.send(`search:${'x'.repeat(201)}`);
    await client.waitFor('stderr', /^error: query\.q: must be at most 200 characters/);
  });
});
