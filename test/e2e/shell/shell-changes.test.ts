import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { startShellClient, type ShellClient } from '../../support/shell-client.js';

let server: ServerProcess;
const clients: ShellClient[] = [];
beforeAll(async () => {
  server = await spawnServer(['--store', 'memory']);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.kill()));
  await server?.stop();
});

async function join(name: string): Promise<ShellClient> {
  const client = startShellClient(['--url', server.url], [name, `${name}-password`]);
  clients.push(client);
  await client.waitFor('stderr', new RegExp(`^-- (registered and )?joined as ${name} --$`));
  return client;
}

describe('the shell client with groups people manage, edits and deletions', () => {
  it('adds, removes and leaves with add_grp, rm_grp and leave, and prints the group, edited and deleted events readably', async () => {
    const carol = await register(server.url, 'carol');
    const alice = await join('alice');
    const bob = await join('bob');

    alice.send('mk_grp:team:bob');
    await alice.waitFor('stdout', '-- group team created: alice, bob --');
    await bob.waitFor('stdout', '-- team: alice created it (members: alice, bob) --');
    alice.send('add_grp:team:carol');
    await alice.waitFor('stdout', '-- group team: alice, bob, carol (owner alice) --');
    await bob.waitFor('stdout', '-- team: alice added carol (members: alice, bob, carol) --');
    alice.send('rm_grp:team:carol');
    await bob.waitFor('stdout', '-- team: alice removed carol (members: alice, bob) --');
    bob.send('add_grp:team:carol');
    await bob.waitFor('stderr', 'error: only the owner of "team" (alice) may add members');

    // Carol, from the REST API, edits and deletes a message to bob.
    const sent = await api(server.url, 'POST', '/messages', {
      token: carol.token,
      json: { to: 'bob', text: 'meet at 9' },
    });
    const original = await bob.waitFor('stdout', /carol: meet at 9$/);
    // The line's reference for this session: the edit and the deletion name it.
    const ref = /^\[\d\d:\d\d\] (#\d+) /.exec(original.line)![1]!;
    await api(server.url, 'PATCH', `/messages/${sent.body.id}`, { token: carol.token, json: { text: 'meet at 10' } });
    const edited = await bob.waitFor('stdout', new RegExp(`carol edited ${ref}: meet at 10$`));
    expect(edited.line).toMatch(/^\[\d\d:\d\d\] /);
    await api(server.url, 'DELETE', `/messages/${sent.body.id}`, { token: carol.token });
    await bob.waitFor('stdout', `-- carol deleted ${ref} --`);

    // The owner leaves: bob owns the group now.
    alice.send('leave:team');
    await bob.waitFor('stdout', '-- team: alice left (members: bob) --');
    await bob.waitFor('stdout', '-- team: bob owns it now (members: bob) --');
    alice.send('team: still here?');
    await alice.waitFor('stderr', 'error: only members of "team" may send to it');
    const everything = [...alice.lines.stdout, ...alice.lines.stderr, ...bob.lines.stdout, ...bob.lines.stderr];
    expect(everything.filter((l) => l.includes('{') || l.includes('cannot read'))).toEqual([]);
  });
});
