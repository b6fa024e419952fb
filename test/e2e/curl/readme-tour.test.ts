import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { repoRoot, spawnServer, tempDir, type ServerProcess } from '../../support/process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

const run = promisify(execFile);
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const tour = /<!-- tour:start -->\n```sh\n([\s\S]*?)```\n<!-- tour:end -->/.exec(readme)![1]!;

describe.each(['sqlite', 'redis'])('the README curl tour, on %s', (store) => {
  let server: ServerProcess;
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    if (store === 'redis') redis = await startRedisServer();
    server = await spawnServer(['--store', store, '--data', tempDir(), ...(redis ? ['--redis-url', redis.url] : [])]);
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });

  const cwd = tempDir('parley-tour-');
  /** Pastes the tour into bash in `cwd`, as into an interactive shell; what it printed, and bob's stream file. */
  async function paste(): Promise<{ stdout: string; lines: string[]; events: EventSourceMessage[] }> {
    expect(tour).toMatch(/^P=http:\/\/127\.0\.0\.1:8080$/m);
    const script = tour.replace(/^P=.*$/m, `P=${server.url}`);
    // No -e, as pasted: `curl -m 2` on a stream ends with a timeout status by design.
    const { stdout } = await run('bash', ['-c', script], { cwd, timeout: 60_000 });
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    parser.feed(readFileSync(join(cwd, 'bob.events'), 'utf8'));
    return { stdout, lines: stdout.split('\n'), events };
  }

  /** What every paste shows: the sends accepted, the signed-out session and the passwords changed, the history. */
  function checkEveryPaste({ stdout, lines, events }: Awaited<ReturnType<typeof paste>>): void {
    expect(stdout).not.toContain('urn:parley:problem');
    expect(stdout).toContain('"to":"bob","recipients":1');
    // bob's first stream delivered what waited for him.
    expect(stdout).toContain('"text":"hi bob, this waited for you"');
    // alice's sessions, one current; one signed out, then the password changed and changed back: 204 each.
    const sessions = JSON.parse(lines.find((l) => l.startsWith('{"sessions":'))!).sessions;
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(sessions.length).toBeGreaterThan(1);
    expect(stdout).toMatch(/\n204\n204\n204\n/);
    // alice's history with bob: her last two messages to him; her conversations, the broadcasts most recent.
    const history = JSON.parse(lines.find((l) => l.startsWith('{"messages":'))!);
    expect(history.messages.map((m: { text: string }) => m.text)).toEqual([
      'hi bob, this waited for you',
      'hello again',
    ]);
    const conversations = JSON.parse(lines.find((l) => l.startsWith('{"conversations":'))!).conversations;
    // The team's last message is the hook's, after the one taken back.
    expect(conversations.map((c: { with: string }) => c.with)).toEqual(['team', 'broad', 'bob']);
    expect(conversations[0].last).toMatchObject({ from: 'alice', bot: true, displayName: 'CI' });
    expect(JSON.stringify(conversations)).not.toContain('lunch');
    expect(lines.find((l) => l.includes('"text":"lunch at 1"'))).toMatch(/"editedAt":"/);
    // alice blocked carol: carol's direct message was refused; the block lifted.
    expect(stdout).toMatch(/\n204\n403\n204\n/);
    // The hook answered as Slack does, and its message carries the bot mark and the payload's name.
    expect(stdout).toMatch(/\nok\n/);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({
      from: 'alice',
      bot: true,
      displayName: 'CI',
      group: 'team',
    });
    const texts = events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data).text);
    expect(texts).toEqual([
      'hello everyone',
      'standup in five minutes',
      'hello again',
      'hello once more',
      'and to the team',
      'lunch at 12',
      'Deploy of api finished: build 42 (https://ci.example.com/42)',
    ]);
    const ids = events.map((e) => BigInt(e.id!));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(JSON.parse(events.find((e) => e.event === 'edited')!.data)).toMatchObject({ text: 'lunch at 1' });
  }

  it('works pasted in order into bash against a fresh server', async () => {
    const first = await paste();
    checkEveryPaste(first);
    const { stdout, lines, events } = first;
    expect(JSON.parse(lines[0]!)).toMatchObject({ username: 'alice', created: true });
    expect(JSON.parse(lines.find((l) => l.startsWith('{"messages":'))!).more).toBe(false);
    // get_users before bob's stream: both offline; while bob's background stream runs: bob online.
    expect(stdout).toContain('x alice\nx bob\n');
    expect(stdout).toContain('x alice\no bob\n');
    expect(stdout).toContain('{"name":"team","members":["alice","bob"],"owner":"alice","createdBy":"alice"}');
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .filter((l) => /^[ox] /.test(l))
        .slice(-3),
    ).toEqual(['x alice', 'x bob', 'x carol']);
    // The owner added carol; carol sees the group.
    expect(stdout).toContain('{"name":"team","members":["alice","bob","carol"],"owner":"alice","createdBy":"alice"}');
    // The changes, in order with the messages, each with its id in the same sequence.
    expect(events.map((e) => e.event)).toEqual([
      'message',
      'group',
      'message',
      'message',
      'message',
      'message',
      'group',
      'message',
      'edited',
      'deleted',
      'message',
    ]);
  });

  it('works pasted a second time: the names log in, the group is found as it was, nothing fails', async () => {
    const second = await paste();
    checkEveryPaste(second);
    const { stdout, lines, events } = second;
    expect(JSON.parse(lines[0]!)).toMatchObject({ username: 'alice', created: false });
    // The first paste's messages are older: the history pages back to them.
    expect(JSON.parse(lines.find((l) => l.startsWith('{"messages":'))!).more).toBe(true);
    expect(stdout).toContain('x alice\no bob\nx carol\n');
    // PUT found the team with carol in it, and adding her again changed nothing: no group event this time.
    expect(stdout).toContain('{"name":"team","members":["alice","bob","carol"],"owner":"alice","createdBy":"alice"}');
    expect(events.map((e) => e.event)).not.toContain('group');
  });
});
