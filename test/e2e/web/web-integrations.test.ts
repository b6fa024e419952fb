import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { expectAccessible } from '../../support/axe.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { repoRoot } from '../../support/process.js';
import { guard, message, misfits, openConversation, person } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');

describe('the Integrations panel and the bot mark on the web page', () => {
  // Private addresses allowed, since the bot's webhook below is a receiver on loopback.
  const web = webFixture({ args: ['--webhook-allow-private'] });
  let watched: WatchedPage;
  let page: Page;
  let ada: TestUser;
  let bob: TestUser;
  let bot: { name: string; token: string };
  /** The bot's webhook receiver: answers 204 to every event, and counts them. */
  let receiver: Server;
  let delivered = 0;

  const hooks = () => page.locator('#hooks li.integration');

  async function openPanel(): Promise<void> {
    await page.locator('#integrations-open').click();
    await page.locator('#integrations[open]').waitFor(guard);
  }

  async function closePanel(): Promise<void> {
    await page.keyboard.press('Escape');
    await page.locator('#integrations:not([open])').waitFor({ state: 'attached', ...guard });
    // Back on the button that opened it; on a phone, where that button is folded into the closed menu, on the
    // menu's button.
    expect(await focused(page, '#integrations-open, #session[data-menu="closed"] #menu-toggle')).toBe(true);
  }

  /** No axe-core violation, light and dark, with a screenshot of each. */
  const accessibleShot = (state: string) =>
    expectAccessible(page, state, async (scheme) => {
      await page.screenshot({ path: `${shots}/${state}-${scheme}.png` });
    });

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        delivered += 1;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    [ada, bob] = await web.register('ada', 'bob');
    const group = await web.api('POST', '/groups', { token: ada.token, json: { name: 'ops', members: ['bob'] } });
    expect(group.status).toBe(201);
    const made = await web.api('POST', '/bots', { token: ada.token, json: { name: 'deploybot' } });
    expect(made.status).toBe(201);
    bot = { name: made.body.name, token: made.body.token };
    const { port } = receiver.address() as AddressInfo;
    const hook = await web.api('PUT', '/bots/deploybot/webhook', {
      token: ada.token,
      json: { url: `http://127.0.0.1:${port}/parley` },
    });
    expect(hook.status).toBe(200);
    watched = await web.signedIn(ada, {
      bypassCSP: true,
      prepare: (context) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url }),
    });
    page = watched.page;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('makes a hook for the open group, shows its URL once, and what it posts carries the bot mark and its display name', async () => {
    await openConversation(page, 'ops');
    await openPanel();
    // Focus starts on the form, which names the conversation the hook will post to.
    expect(await focused(page, '#hook-name')).toBe(true);
    expect(await page.locator('#hook-target').textContent()).toContain('ops');
    await page.keyboard.type('alertmanager');
    await page.keyboard.press('Enter');
    await page.locator('#hook-created:not([hidden])').waitFor(guard);
    const url = await page.locator('#hook-url').inputValue();
    expect(url).toMatch(new RegExp(`^${web.url}/hooks/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$`));
    expect(await focused(page, '#hook-copy')).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('#hook-copy-status').getByText('Copied to the clipboard.').waitFor(guard);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

    await hooks().first().waitFor(guard);
    expect(await hooks().count()).toBe(1);
    const listed = (await hooks().first().textContent()) ?? '';
    expect(listed).toContain('alertmanager');
    expect(listed).toContain('To ops');
    expect(listed).toContain('never used');
    // The bot made through the API, with its webhook's state.
    const botItem = page.locator('#bots li[data-name="deploybot"]');
    await botItem.waitFor(guard);
    expect(await botItem.locator('.bot-badge').textContent()).toBe('bot');
    expect(await botItem.textContent()).toContain(`Webhook http://127.0.0.1:`);
    await accessibleShot('integrations-new-hook');

    // The URL is shown once: closed and opened again, the panel has only the list.
    await closePanel();
    await openPanel();
    expect(await page.locator('#hook-created').isHidden()).toBe(true);
    expect(await page.locator('#hook-url').inputValue()).toBe('');
    await closePanel();

    const posted = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'disk full on db1', username: 'Alertmanager' }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toBe('ok');

    const shown = message(page, 'disk full on db1');
    await shown.waitFor(guard);
    expect(await shown.locator('.from-name').textContent()).toBe('Alertmanager');
    expect(await shown.locator('.bot-badge').textContent()).toBe('bot');
    expect(await shown.locator('.via').textContent()).toBe('via you');
    // Posted by the hook, not typed by ada: on the others' side of the log.
    expect(await shown.getAttribute('class')).not.toContain('mine');
    await page.locator('#announcer p').getByText('Alertmanager: disk full on db1', { exact: true }).waitFor(guard);
    // Everyone else in the group sees the same marks, with the account that sent it.
    const history = await web.api('GET', '/messages?with=ops', { token: bob.token });
    expect(history.body.messages.at(-1)).toMatchObject({
      from: 'ada',
      bot: true,
      displayName: 'Alertmanager',
      text: 'disk full on db1',
    });
    await accessibleShot('integrations-hook-message');
  });

  it('lists the hook as used and deletes it, after which its URL is refused', async () => {
    await openPanel();
    await hooks()
      .first()
      .getByText(/last used/)
      .waitFor(guard);
    const url = `${web.url}/hooks/${await hooks().first().getAttribute('data-id')}/`;
    const remove = page.getByRole('button', { name: 'Delete alertmanager, to ops' });
    await remove.click();
    await page.locator('#hooks-empty:not([hidden])').waitFor(guard);
    await page.locator('#integrations-status').getByText('alertmanager, to ops, is deleted.').waitFor(guard);
    expect(await focused(page, '#hook-name')).toBe(true);
    const refused = await fetch(`${url}nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'still there?' }),
    });
    expect(refused.status).toBe(404);
    expect((await refused.json()).code).toBe('no_service');
    await closePanel();
  });

  it("marks the bot in People and on its messages, and shows its webhook's deliveries", async () => {
    await person(page, 'deploybot').locator('.bot-badge').waitFor(guard);
    expect(await person(page, 'ada').locator('.bot-badge').count()).toBe(0);

    expect((await web.post(ada, 'deploybot', 'status?')).status).toBe(202);
    await expect.poll(() => delivered, guard).toBeGreaterThan(0);
    const answer = await web.api('POST', '/messages', {
      token: bot.token,
      json: { to: 'ada', text: 'build 42 is green' },
    });
    expect(answer.status).toBe(202);
    await openConversation(page, 'deploybot');
    const shown = message(page, 'build 42 is green');
    await shown.waitFor(guard);
    // In a direct conversation the sender stays in sight when it is a bot; no display name, so no "via".
    expect(await shown.locator('.from-name').isVisible()).toBe(true);
    expect(await shown.locator('.from-name').textContent()).toBe('deploybot');
    expect(await shown.locator('.bot-badge').textContent()).toBe('bot');
    expect(await shown.locator('.via').count()).toBe(0);

    await openPanel();
    const botItem = page.locator('#bots li[data-name="deploybot"]');
    await botItem.getByText(/last success/).waitFor(guard);
    await accessibleShot('integrations-bot-webhook');

    // On a phone the dialog fits: nothing cut off, nothing out of reach. (The page's own reflow check counts the
    // controls behind a modal as covered: the dialog's are checked here.)
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await misfits(page, '#integrations button, #integrations input, #integrations .integration-name')).toEqual({
      outside: [],
      scrollsSideways: false,
    });
    await page.screenshot({ path: `${shots}/integrations-phone.png` });
    await closePanel();
    await page.screenshot({ path: `${shots}/integrations-phone-message.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
