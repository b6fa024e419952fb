import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { looksRight } from '../../support/looks.js';
import { guard, message, openConversation, shownTexts } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

describe('the web page while the server is away: what is written waits, then goes out in order, once each', () => {
  // A durable store (the fixture's), so that the server stopped and started again keeps everything.
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let vic: TestUser;
  let wes: TestUser;

  const waiting = () =>
    page
      .locator('#messages li.outgoing')
      .evaluateAll((items) =>
        items.map((li) => [li.querySelector('p.text')!.textContent, (li as HTMLElement).dataset.state]),
      );
  const sentToWes = async () =>
    ((await web.api('GET', '/messages?with=vic', { token: wes.token })).body.messages as { text: string }[]).map(
      (m) => m.text,
    );

  beforeAll(async () => {
    [vic, wes] = await web.register('vic', 'wes');
    await web.post(wes, 'vic', 'are you there?');
    watched = await web.signedIn(vic, { bypassCSP: true });
    page = watched.page;
    await openConversation(page, 'wes');
  });

  it('keeps what is written while the server is stopped, shows it waiting, and sends it in order once it is back', async () => {
    await web.server.stop();
    await page.locator('#conn:not([data-state="connected"])').waitFor(guard);
    const box = page.locator('#text');
    await box.focus();
    for (const text of ['first, while away', 'second, while away']) {
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    }
    await page.keyboard.type('third, on');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('two lines');
    await page.keyboard.press('Enter');
    expect(await box.inputValue()).toBe('');
    await expect.poll(waiting, guard).toEqual([
      ['first, while away', 'waiting'],
      ['second, while away', 'waiting'],
      ['third, on\ntwo lines', 'waiting'],
    ]);
    expect(await page.locator('#messages li.outgoing .outgoing-state').first().textContent()).toBe(
      'Not sent yet: waiting for the server',
    );
    await looksRight(page, 'outbox-waiting');

    await web.startAgain();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    await message(page, 'third, on\ntwo lines').and(page.locator('.mine')).waitFor(guard);
    expect(await page.locator('#messages li.outgoing').count()).toBe(0);
    expect((await shownTexts(page)).slice(-3)).toEqual([
      'first, while away',
      'second, while away',
      'third, on\ntwo lines',
    ]);
    expect(await sentToWes()).toEqual([
      'are you there?',
      'first, while away',
      'second, while away',
      'third, on\ntwo lines',
    ]);
    await looksRight(page, 'outbox-sent');
  });

  it('sends a message once when the server stored it but its answer was lost: each try carries the same key', async () => {
    const keys: string[] = [];
    let lost = false;
    await page.route('**/messages', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      keys.push(request.headers()['idempotency-key'] ?? '');
      if (lost) return route.continue();
      // The server takes it; the answer never reaches the page.
      lost = true;
      await route.fetch();
      return route.abort('connectionreset');
    });
    await page.locator('#text').fill('stored, answer lost');
    await page.locator('#text').press('Enter');
    await message(page, 'stored, answer lost').and(page.locator('.mine')).waitFor(guard);
    // The stream may show it first (the server has it); the outbox still tries again, and is answered the same.
    await expect.poll(() => keys.length, guard).toBe(2);
    await expect.poll(() => page.locator('#messages li.outgoing').count(), guard).toBe(0);
    await page.unroute('**/messages');
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await sentToWes()).filter((t) => t === 'stored, answer lost')).toHaveLength(1);
    expect(await message(page, 'stored, answer lost').count()).toBe(1);
  });

  it('gives a message the server refuses back to the composer, with the reason', async () => {
    expect((await web.api('PUT', '/account/blocks/vic', { token: wes.token })).status).toBe(204);
    await page.locator('#text').fill('are you still there?');
    await page.locator('#text').press('Enter');
    await page.locator('#notice[data-tone="error"]').getByText('wes is not accepting your messages').waitFor(guard);
    expect(await page.locator('#text').inputValue()).toBe('are you still there?');
    expect(await page.locator('#messages li.outgoing').count()).toBe(0);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
