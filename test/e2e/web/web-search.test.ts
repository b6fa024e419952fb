import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { expectAccessible } from '../../support/axe.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { repoRoot } from '../../support/process.js';
import { guard } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');

/** The hits shown, top to bottom: where, and the text as shown with each mark in [brackets]. */
const shownHits = (page: Page) =>
  page.locator('#search .search-hit').evaluateAll((items) =>
    items.map((li) => {
      const where = li.querySelector('.hit-where')?.textContent ?? '';
      const text = [...(li.querySelector('.hit-text')?.childNodes ?? [])]
        .map((node) => (node.nodeName === 'MARK' ? `[${node.textContent}]` : node.textContent))
        .join('');
      return `${where}: ${text}`;
    }),
  );

async function search(page: Page, q: string): Promise<void> {
  await page.locator('#search-q').fill(q);
  await page.locator('#search-q').press('Enter');
  await page
    .locator('#search-status')
    .getByText(/message|No messages|Nothing yet/)
    .waitFor(guard);
}

describe('search on the web page', () => {
  const web = webFixture();
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let laptop: WatchedPage;
  let page: Page;
  let oldId: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [alice, bob, carol] = await web.register('alice', 'bob', 'carol');
    expect(
      (await web.api('POST', '/groups', { token: bob.token, json: { name: 'team', members: ['alice', 'carol'] } }))
        .status,
    ).toBe(201);
    // One far back in the conversation with bob: more than a page of history came after it.
    oldId = (await web.post(bob, 'alice', 'The pizza place on Elm Street closes at nine')).body.id;
    for (let i = 0; i < 60; i++) await web.post(i % 2 ? bob : alice, i % 2 ? 'alice' : 'bob', `small talk ${i}`);
    await web.post(carol, 'team', 'Who orders the PIZZA for Friday? Pizza again, or sushi');
    await web.post(bob, 'alice', '<b>pizza</b> & <img src=x onerror=alert(1)> as text');
    await web.api('POST', '/broadcast', {
      token: carol.token,
      json: { text: 'Free pizza in the kitchen, all of you' },
    });
    await web.post(carol, 'bob', 'pizza for bob only');
    laptop = await web.signedIn(alice, { bypassCSP: true });
    page = laptop.page;
  });

  it('finds the messages she may read, newest first, with the words marked, as text', async () => {
    await search(page, 'pizza');
    expect(await shownHits(page)).toEqual([
      'Everyone: Free [pizza] in the kitchen, all of you',
      'bob: <b>[pizza]</b> & <img src=x onerror=alert(1)> as text',
      'team: Who orders the [PIZZA] for Friday? [Pizza] again, or sushi',
      'bob: The [pizza] place on Elm Street closes at nine',
    ]);
    expect(await page.locator('#search-status').textContent()).toBe('4 messages for “pizza”.');
    // Markup in a text stays text: nothing of it became an element.
    expect(await page.locator('#search .hit-text b, #search .hit-text img').count()).toBe(0);
    expect(await page.locator('#search .search-hit').first().locator('.hit-from').textContent()).toBe('carol: ');
    await expectAccessible(page, 'search results', async (scheme) => {
      await page.screenshot({ path: join(shots, `search-${scheme}.png`) });
    });
  });

  it('opens the conversation of a hit and brings its message into view, reading older pages for it', async () => {
    await page.locator(`#search .search-hit[data-id="${oldId}"] button`).click();
    await page.locator('#conv-title').getByText('bob', { exact: true }).waitFor(guard);
    const target = page.locator(`#messages li.msg.search-target[data-id="${oldId}"]`);
    await target.waitFor(guard);
    expect(await target.evaluate((li) => li === document.activeElement)).toBe(true);
    const [box, log] = [await target.boundingBox(), await page.locator('#messages').boundingBox()];
    expect(box!.y).toBeGreaterThanOrEqual(log!.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(log!.y + log!.height);
    await expectAccessible(page, 'a hit opened', async (scheme) => {
      await page.screenshot({ path: join(shots, `search-opened-${scheme}.png`) });
    });
  });

  it('says when nothing matches, refuses a blank search with the reason, and clears with Escape', async () => {
    await search(page, 'lasagne');
    expect(await page.locator('#search-status').textContent()).toBe('No messages hold “lasagne”.');
    expect(await page.locator('#search .search-hit').count()).toBe(0);
    await search(page, '東京 pizza');
    expect(await page.locator('#search-status').textContent()).toBe('No messages hold “東京 pizza”.');
    await page.locator('#search-q').fill('"" ""');
    await page.locator('#search-q').press('Enter');
    await page
      .locator('#search-status[data-tone="error"]')
      .getByText(/query\.q/)
      .waitFor(guard);
    await page.locator('#search-q').press('Escape');
    await page.locator('#search .search-results').waitFor({ state: 'hidden', ...guard });
    expect(await page.locator('#search-q').inputValue()).toBe('');
    expect(policyOrScriptProblems(laptop)).toEqual([]);
  });

  it('fits a phone: the hits in the list, a hit opens its conversation in place of the list', async () => {
    const phone = await web.signedIn(alice, { viewport: { width: 390, height: 844 }, bypassCSP: true });
    await search(phone.page, 'pizza');
    const widths = await phone.page
      .locator('#search .search-hit')
      .evaluateAll((items) => items.map((li) => li.getBoundingClientRect().right));
    for (const right of widths) expect(right).toBeLessThanOrEqual(390);
    await expectAccessible(phone.page, 'search on a phone', async (scheme) => {
      await phone.page.screenshot({ path: join(shots, `search-phone-${scheme}.png`) });
    });
    await phone.page.locator('#search .search-hit').nth(2).locator('button').click();
    await phone.page.locator('#chat-view[data-pane="conversation"]').waitFor(guard);
    await phone.page.locator('#messages li.msg.search-target').waitFor(guard);
    await phone.page.screenshot({ path: join(shots, 'search-phone-opened.png') });
    expect(policyOrScriptProblems(phone)).toEqual([]);
  });
});
