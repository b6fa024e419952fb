import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { joinedShellClient, type ShellClient } from '../../support/shell-client.js';
import { openSse } from '../../support/sse.js';

let server: ServerProcess;
const clients: ShellClient[] = [];
beforeAll(async () => {
  server = await spawnServer(['--store', 'memory']);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.kill()));
  await server?.stop();
});

const join = (name: string): Promise<ShellClient> =>
  joinedShellClient(server.url, { name, password: `${name}-password` }, clients);

/** The id of the message `text` of a conversation, as `reader` (a session of its own) reads it in history. */
async function idOf(reader: TestUser, conversation: string, text: string): Promise<string> {
  const history = await api(server.url, 'GET', `/messages?with=${conversation}`, { token: reader.token });
  return history.body.messages.find((m: { text?: string }) => m.text === text).id;
}

describe('the shell client with replies and reactions', () => {
  it('replies with >#n and reacts with +#n and -#n (the references it shows), and prints a reply with its quote and a reaction as a line', async () => {
    const carol = await register(server.url, 'carol');
    const dave = await register(server.url, 'dave');
    const alice = await join('alice');
    const bob = await join('bob');
    const bobElsewhere = await register(server.url, 'bob');

    // A long question from carol (REST), answered from the shell: the reply quotes its start on one line.
    const question = `shall we meet\nat 9 tomorrow, ${'before the review '.repeat(8)}?`;
    const asked = await api(server.url, 'POST', '/messages', {
      token: carol.token,
      json: { to: 'alice', text: question },
    });
    const asking = await alice.waitFor('stdout', /#(\d+) carol: shall we meet$/);
    const askedRef = /#(\d+) carol/.exec(asking.line)![1];
    const carols = await openSse(server.url + streamPath(carol), { authorization: `Bearer ${carol.token}` });
    alice.send(`>#${askedRef} carol: yes, at 10`);
    const quote = `${question.replace(/\s+/g, ' ').slice(0, 120)}…`;
    await carols.until((events) => events.some((e) => e.event === 'message'));
    expect(carols.messages()).toEqual([
      expect.objectContaining({ text: 'yes, at 10', replyTo: { id: asked.body.id, from: 'carol', text: quote } }),
    ]);
    carols.close();

    // In a group: a reply shows what it answers; a reaction, and taking it back, are short lines.
    alice.send('mk_grp:team:bob:dave');
    await bob.waitFor('stdout', '-- team: alice created it (members: alice, bob, dave) --');
    bob.send('team: lunch?');
    const sentByBob = await bob.waitFor('stderr', /^-- sent #\d+ --$/);
    const bobsRef = /#(\d+)/.exec(sentByBob.line)![1];
    const seen = await alice.waitFor('stdout', /#\d+ bob @team: lunch\?$/);
    const alicesRef = /#(\d+) bob/.exec(seen.line)![1];
    const lunch = await idOf(bobElsewhere, 'team', 'lunch?');
    alice.send(`>#${alicesRef} team: sure, 12:30`);
    const reply = await bob.waitFor('stdout', /alice @team ↪ bob "lunch\?": sure, 12:30$/);
    expect(reply.line).toMatch(/^\[\d\d:\d\d\] #\d+ alice @team/);
    // The server's own forms take the message's id; the references are this client's.
    bob.send(`+#${bobsRef} 👍`);
    await alice.waitFor('stdout', `-- bob reacted 👍 to #${alicesRef} --`);
    bob.send(`-${lunch} 👍`);
    await alice.waitFor('stdout', `-- bob took back 👍 on #${alicesRef} --`);
    bob.send(`+#${bobsRef} ok`);
    await bob.waitFor('stderr', 'error: command.emoji: must be one emoji');

    // The original taken back: dave, away until now, reads the reply with its quote marked deleted.
    await api(server.url, 'DELETE', `/messages/${lunch}`, { token: bobElsewhere.token });
    await alice.waitFor('stdout', `-- bob deleted #${alicesRef} --`);
    const daves = await join(dave.name);
    await daves.waitFor('stdout', /^-- #\d+ from bob was deleted --$/);
    await daves.waitFor('stdout', /alice @team ↪ bob \(deleted\): sure, 12:30$/);
    const everything = [alice, bob, daves].flatMap((c) => [...c.lines.stdout, ...c.lines.stderr]);
    expect(everything.filter((l) => l.includes('{') || l.includes('cannot read'))).toEqual([]);
  });
});
