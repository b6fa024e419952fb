import { describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { joinedShellClient, stoppedAfterEach } from '../../support/shell-client.js';

const { servers, clients } = stoppedAfterEach();

async function server(): Promise<ServerProcess> {
  const started = await spawnServer(['--store', 'memory', '--message-rate', '0']);
  servers.push(started);
  return started;
}

const join = (url: string, user: TestUser) => joinedShellClient(url, user, clients);

/** The reference a message line gives its message: `#3` of `[14:02] #3 carol: hi`. */
const refOf = (line: string) => /^\[\d\d:\d\d\] (#\d+) /.exec(line)![1]!;

describe('the shell client and message references', () => {
  it('gives each message it shows a short reference, #1 on, and names it when the message is edited or deleted', async () => {
    const { url } = await server();
    const [bob, carol] = [await register(url, 'bob'), await register(url, 'carol')];
    const client = await join(url, bob);
    const send = async (text: string) =>
      (await api(url, 'POST', '/messages', { token: carol.token, json: { to: 'bob', text } })).body.id as string;

    const first = await send('meet at 9');
    await send('bring the slides');
    const shown = [
      await client.waitFor('stdout', /carol: meet at 9$/),
      await client.waitFor('stdout', /carol: bring the slides$/),
    ];
    expect(shown.map((s) => refOf(s.line))).toEqual(['#1', '#2']);

    await api(url, 'PATCH', `/messages/${first}`, { token: carol.token, json: { text: 'meet at 10\nin room 4' } });
    const edited = await client.waitFor('stdout', /carol edited #1: meet at 10$/);
    expect(edited.line).toMatch(/^\[\d\d:\d\d\] carol edited #1: meet at 10$/);
    // The new text's further lines are indented under the first, on the line right after it (which may reach the
    // test a moment after the first: the client's output comes in whatever pieces the pipe gives).
    const further = await client.waitFor('stdout', /in room 4$/, { from: edited.index + 1 });
    expect(further).toEqual({
      line: `${' '.repeat(edited.line.indexOf('meet'))}in room 4`,
      index: edited.index + 1,
    });
    await api(url, 'DELETE', `/messages/${first}`, { token: carol.token });
    await client.waitFor('stdout', '-- carol deleted #1 --');
    // References are for this session: the next message takes the next number.
    await send('sorry, wrong day');
    expect(refOf((await client.waitFor('stdout', /carol: sorry, wrong day$/)).line)).toBe('#3');
  });

  it('edits and deletes your own messages by the reference it gives them when sent, and no one else’s', async () => {
    const { url } = await server();
    const [alice, bob] = [await register(url, 'alice'), await register(url, 'bob')];
    const writer = await join(url, alice);
    const reader = await join(url, bob);

    writer.send('bob: helo');
    await writer.waitFor('stderr', '-- sent #1 --');
    const received = await reader.waitFor('stdout', /alice: helo$/);
    const theirs = refOf(received.line);
    writer.send('edit:#1: hello, and welcome');
    await reader.waitFor('stdout', new RegExp(`alice edited ${theirs}: hello, and welcome$`));
    // The writer's own devices hear of the edit too, under the writer's reference.
    await writer.waitFor('stdout', /alice edited #1: hello, and welcome$/);
    writer.send('delete:#1');
    await reader.waitFor('stdout', `-- alice deleted ${theirs} --`);

    await api(url, 'POST', '/messages', { token: bob.token, json: { to: 'alice', text: 'not yours to edit' } });
    const mine = await writer.waitFor('stdout', /bob: not yours to edit$/);
    writer.send(`edit:${refOf(mine.line)}:changed`);
    await writer.waitFor('stderr', 'error: only its sender may edit or delete a message');
    writer.send('delete:#99');
    await writer.waitFor(
      'stderr',
      'error: no message is #99 here: a reference is the #<n> shown beside a message, or after sending one',
    );
    writer.send('edit:#1');
    await writer.waitFor('stderr', 'error: edit needs a message and the new text: edit:#<n>:<text>');
    expect(reader.lines.stdout.filter((line) => line.includes('changed'))).toEqual([]);
  });
});
