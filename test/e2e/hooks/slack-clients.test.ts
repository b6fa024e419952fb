import { IncomingWebhook, type IncomingWebhookHTTPError } from '@slack/webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { runToEnd, spawnServer, type ServerProcess } from '../../support/process.js';
import { messageCount, openSse, type SseReader } from '../../support/sse.js';

/** Other people's Slack clients, unchanged, against a hook of the server as a process: each post arrives as a message. */
describe('Slack clients posting to a hook', () => {
  let server: ServerProcess;
  let owner: TestUser;
  let reader: TestUser;
  let hookUrl: string;
  let stream: SseReader;

  beforeAll(async () => {
    server = await spawnServer(['--store', 'memory']);
    owner = await register(server.url, 'deployer');
    reader = await register(server.url, 'oncall');
    const hook = await api(server.url, 'POST', '/hooks', { token: owner.token, json: { to: 'oncall', name: 'ci' } });
    expect(hook.status).toBe(201);
    hookUrl = hook.body.url;
    stream = await openSse(server.url + streamPath(reader), { authorization: `Bearer ${reader.token}` });
  });
  afterAll(async () => {
    stream?.close();
    await server?.stop();
  });

  /** The next message on the reader's stream. */
  async function nextMessage(): Promise<Record<string, unknown>> {
    const seen = stream.messages().length;
    await stream.until(messageCount(seen + 1));
    return stream.messages()[seen]!;
  }

  it('@slack/webhook sends text, with the username of its defaults', async () => {
    const webhook = new IncomingWebhook(hookUrl, { username: 'Deploys' });
    const arriving = nextMessage();
    expect(await webhook.send('Deploy of *api* finished: <https://ci.example.com/42|build 42>')).toEqual({
      text: 'ok',
    });
    expect(await arriving).toMatchObject({
      from: 'deployer',
      to: 'oncall',
      bot: true,
      displayName: 'Deploys',
      text: 'Deploy of *api* finished: build 42 (https://ci.example.com/42)',
    });
  });

  it('@slack/webhook sends attachments', async () => {
    const webhook = new IncomingWebhook(hookUrl);
    const arriving = nextMessage();
    await webhook.send({
      username: 'Uptime',
      attachments: [
        {
          color: 'danger',
          fallback: 'api.example.com is down',
          title: 'api.example.com is down',
          title_link: 'https://status.example.com/api',
          text: 'HTTP 502 from 3 of 3 probes',
          fields: [{ title: 'Since', value: '10:42 UTC', short: true }],
          footer: 'uptime-probe',
        },
      ],
    });
    expect(await arriving).toMatchObject({
      displayName: 'Uptime',
      bot: true,
      text: [
        'api.example.com is down (https://status.example.com/api)',
        'HTTP 502 from 3 of 3 probes',
        'Since: 10:42 UTC',
        'uptime-probe',
      ].join('\n'),
    });
  });

  it('@slack/webhook sends blocks', async () => {
    const webhook = new IncomingWebhook(hookUrl);
    const arriving = nextMessage();
    await webhook.send({
      text: 'Release v1.4.0 is out',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Release v1.4.0' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Notes: <https://example.com/releases/v1.4.0|v1.4.0> for <!channel>' },
        },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'tagged by <@U0123|maria>' }] },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: 'https://example.com' }],
        },
      ],
    });
    expect(await arriving).toMatchObject({
      bot: true,
      text: 'Release v1.4.0\nNotes: v1.4.0 (https://example.com/releases/v1.4.0) for @channel\n———\ntagged by @maria',
    });
  });

  it('@slack/webhook gets a wrong secret refused as an HTTP error carrying the problem, and nothing is delivered', async () => {
    const webhook = new IncomingWebhook(hookUrl.replace(/[^/]+$/, 'wrong-secret'));
    const error = (await webhook.send('nobody sees this').catch((e: unknown) => e)) as IncomingWebhookHTTPError;
    expect(error).toMatchObject({ code: 'slack_webhook_http_error', statusCode: 403 });
    expect(JSON.parse(error.body)).toMatchObject({ code: 'invalid_token' });
    // The next message to arrive is the next good post: the refused one was never delivered.
    const arriving = nextMessage();
    await new IncomingWebhook(hookUrl).send('after the refusal');
    expect((await arriving).text).toBe('after the refusal');
  });

  it('curl sends a form with payload= through --data-urlencode', async () => {
    const arriving = nextMessage();
    const payload = JSON.stringify({ text: 'Backup of db1 done: 4.2 GB & 3 min <https://backup.example.com|log>' });
    const { code, stdout, stderr } = await runToEnd('curl', [
      '-sS',
      '--fail-with-body',
      '--data-urlencode',
      `payload=${payload}`,
      hookUrl,
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('ok');
    expect(await arriving).toMatchObject({
      from: 'deployer',
      to: 'oncall',
      bot: true,
      text: 'Backup of db1 done: 4.2 GB & 3 min log (https://backup.example.com)',
    });
  });
});
