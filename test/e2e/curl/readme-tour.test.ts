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

  it('works pasted in order into bash against a fresh server', async () => {
    expect(tour).toMatch(/^P=http:\/\/127\.0\.0\.1:8080$/m);
    const script = tour.replace(/^P=.*$/m, `P=${server.url}`);
    const cwd = tempDir('parley-tour-');
    // As pasted into an interactive shell: no -e, since `curl -m 2` on a stream ends with a timeout status by design.
    const { stdout } = await run('bash', ['-c', script], { cwd, timeout: 60_000 });

    const lines = stdout.split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ username: 'alice', created: true });
    expect(stdout).toContain('"to":"bob","recipients":1');
    // get_users before bob's stream: both offline; while bob's background stream runs: bob online.
    expect(stdout).toContain('x alice\nx bob\n');
    expect(stdout).toContain('x alice\no bob\n');
    // bob's first stream delivered what waited for him.
    expect(stdout).toContain('"text":"hi bob, this waited for you"');
    expect(stdout).toContain('{"name":"team","members":["alice","bob"],"createdBy":"alice"}');
    expect(stdout).toContain('{"name":"crew","members":["alice","bob"],"createdBy":"alice"}');
    expect(stdout).toMatch(/\n204\n/);
    // alice's two sessions, hers current; one signed out, then the password changed: 204 each.
    const sessions = JSON.parse(lines.find((l) => l.startsWith('{"sessions":'))!).sessions;
    expect(sessions.map((s: { current: boolean }) => s.current).sort()).toEqual([false, true]);
    expect(stdout).toMatch(/\n204\n204\n/);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .filter((l) => /^[ox] /.test(l))
        .slice(-3),
    ).toEqual(['x alice', 'x bob', 'x carol']);
    // alice's history with bob: her last two messages to him; her conversations, the broadcasts most recent.
    const history = JSON.parse(lines.find((l) => l.startsWith('{"messages":'))!);
    expect(history.messages.map((m: { text: string }) => m.text)).toEqual([
      'hi bob, this waited for you',
      'hello again',
    ]);
    expect(history.more).toBe(false);
    const conversations = JSON.parse(lines.find((l) => l.startsWith('{"conversations":'))!).conversations;
    // The team's last message is the hook's, after the one taken back.
    expect(conversations.map((c: { with: string }) => c.with)).toEqual(['team', 'crew', 'broad', 'bob']);
    expect(conversations[0].last).toMatchObject({ from: 'alice', bot: true, displayName: 'CI' });
    expect(JSON.stringify(conversations)).not.toContain('lunch');
    // The owner added carol; carol sees the group; the edit answered with the new text.
    expect(stdout).toContain('{"name":"team","members":["alice","bob","carol"],"owner":"alice","createdBy":"alice"}');
    expect(lines.find((l) => l.includes('"text":"lunch at 1"'))).toMatch(/"editedAt":"/);

    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    parser.feed(readFileSync(join(cwd, 'bob.events'), 'utf8'));
    const texts = events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data).text);
    expect(texts).toEqual([
      'hello everyone',
      'standup in five minutes',
      'hello again',
      'hello once more',
      'and to the crew',
      'lunch at 12',
      'Deploy of api finished: build 42 (https://ci.example.com/42)',
    ]);
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
    // The changes, in order with the messages, each with its id in the same sequence.
    const kinds = events.map((e) => e.event);
    expect(kinds).toEqual([
      'message',
      'group',
      'message',
      'message',
      'message',
      'group',
      'message',
      'group',
      'message',
      'edited',
      'deleted',
      'message',
    ]);
    const ids = events.map((e) => BigInt(e.id!));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(JSON.parse(events.find((e) => e.event === 'edited')!.data)).toMatchObject({ text: 'lunch at 1' });
  });
});
