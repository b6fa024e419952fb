import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBot,
  createHook,
  createParleyClient,
  deleteBot,
  deleteBotWebhook,
  deleteHook,
  getBot,
  join as joinChat,
  listBots,
  listHooks,
  postToHook,
  rotateBotToken,
  setBotWebhook,
  streamMessages,
} from '../../../clients/ts/index.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';

let server: ServerProcess;
/** A bot's webhook receiver on loopback: answers 204 to each post and keeps what came. */
let receiver: Server;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  // The receiver is on loopback, a private address.
  server = await spawnServer(['--webhook-allow-private']);
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await server.stop();
});

describe('the typed client for bots and hooks', () => {
  it('makes, lists, shows, rotates and deletes a bot, and sets and deletes its webhook', async () => {
    const ada = await joinChat(server.url, 'ada', 'ada-secret-1');
    const made = await createBot(ada.client, 'Deploybot');
    expect(made).toMatchObject({ name: 'deploybot', owner: 'ada' });
    expect((await listBots(ada.client)).map((b) => b.name)).toEqual(['deploybot']);

    // The bot's token acts as the bot; what it sends carries the bot mark.
    const inbox = streamMessages({ baseUrl: server.url, username: 'ada', token: ada.session.token });
    await inbox.opened;
    const asBot = createParleyClient(server.url, made.token);
    expect((await asBot.POST('/messages', { body: { to: 'ada', text: 'build 42 is green' } })).response.status).toBe(
      202,
    );
    expect(await inbox.next()).toMatchObject({ from: 'deploybot', bot: true, text: 'build 42 is green' });
    inbox.close();

    const { port } = receiver.address() as AddressInfo;
    const hookUrl = `http://127.0.0.1:${port}/parley`;
    const set = await setBotWebhook(ada.client, 'deploybot', hookUrl);
    expect(set.secret).toMatch(/^whsec_/);
    await ada.client.POST('/messages', { body: { to: 'deploybot', text: 'status?' } });
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'message', data: { from: 'ada', text: 'status?' } });
    await expect
      .poll(async () => (await getBot(ada.client, 'deploybot')).webhook?.lastSuccessAt, { timeout: 10_000 })
      .toBeDefined();
    expect((await getBot(ada.client, 'deploybot')).webhook).toMatchObject({ url: hookUrl, waiting: 0, failures: 0 });
    await deleteBotWebhook(ada.client, 'deploybot');
    expect((await getBot(ada.client, 'deploybot')).webhook).toBeUndefined();

    const token = await rotateBotToken(ada.client, 'deploybot');
    expect((await asBot.GET('/users')).response.status).toBe(401);
    const rotated = createParleyClient(server.url, token);
    expect((await rotated.GET('/users')).response.status).toBe(200);

    await deleteBot(ada.client, 'deploybot');
    expect(await listBots(ada.client)).toEqual([]);
    await expect(getBot(ada.client, 'deploybot')).rejects.toMatchObject({
      status: 404,
      problem: { code: 'not_found' },
    });
    expect((await rotated.GET('/users')).response.status).toBe(401);
  });

  it('makes a hook for a group, posts a Slack payload through it, lists it as used and deletes it', async () => {
    const bea = await joinChat(server.url, 'bea', 'bea-secret-1');
    const cy = await joinChat(server.url, 'cy', 'cy-secret-12');
    await bea.client.POST('/groups', { body: { name: 'ops', members: ['cy'] } });
    const hook = await createHook(bea.client, 'ops', 'alertmanager');
    expect(hook).toMatchObject({ to: 'ops', name: 'alertmanager', failures: 0 });
    expect(hook.url).toMatch(new RegExp(`^${server.url}/hooks/${hook.id}/`));

    const inbox = streamMessages({ baseUrl: server.url, username: 'cy', token: cy.session.token });
    await inbox.opened;
    await postToHook(hook.url, { text: 'disk full on db1', username: 'Alertmanager' });
    expect(await inbox.next()).toMatchObject({
      from: 'bea',
      bot: true,
      displayName: 'Alertmanager',
      group: 'ops',
      text: 'disk full on db1',
    });
    inbox.close();

    const [listed] = await listHooks(bea.client);
    expect(listed).toMatchObject({ id: hook.id, to: 'ops', name: 'alertmanager' });
    expect(listed!.lastUsedAt).toBeDefined();
    expect(listed).not.toHaveProperty('url');

    await expect(postToHook(hook.url, { username: 'nothing to say' })).rejects.toMatchObject({
      status: 400,
      problem: { code: 'no_text' },
    });
    await deleteHook(bea.client, hook.id);
    expect(await listHooks(bea.client)).toEqual([]);
    await expect(postToHook(hook.url, { text: 'still there?' })).rejects.toMatchObject({
      status: 404,
      problem: { code: 'no_service' },
    });
    await expect(deleteHook(bea.client, hook.id)).rejects.toMatchObject({ status: 404 });
  });
});
