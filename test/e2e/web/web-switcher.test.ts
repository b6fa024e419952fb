import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { looksRight } from '../../support/looks.js';
import { guard } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

describe('the quick switcher of the web page: Ctrl+K, a name, Enter', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let sam: TestUser;
  let tom: TestUser;

  const options = () =>
    page.locator('#switcher-list li.switcher-option').evaluateAll((items) => items.map((li) => li.dataset.with));
  const picked = () => page.locator('#switcher-list [aria-selected="true"]').getAttribute('data-with');
  const title = (name: string) => page.locator('#conv-title').getByText(name, { exact: true });

  beforeAll(async () => {
    [sam, tom] = await web.register('sam', 'tom', 'tina', 'una');
    await web.api('POST', '/groups', { token: tom.token, json: { name: 'team-tea', members: ['sam'] } });
    await web.post(tom, 'sam', 'tea at four?');
    watched = await web.signedIn(sam, { bypassCSP: true });
    page = watched.page;
  });

  it('opens with Ctrl+K, finds by name, moves the pick with the arrows, and Enter opens the pick', async () => {
    await page.locator('#conversations li[data-with="team-tea"]').waitFor(guard);
    await page.locator('#text').focus();
    await page.keyboard.press('Control+k');
    await page.locator('#switcher[open]').waitFor(guard);
    expect(await focused(page, '#switcher-input')).toBe(true);
    // The conversations first, most recent first, then the people not written with yet.
    const all = await options();
    expect(all[0]).toBe('tom');
    expect(all.slice(1, 3).sort()).toEqual(['broad', 'team-tea']);
    expect(all.slice(3)).toEqual(['tina', 'una']);
    await page.keyboard.type('t');
    expect(await options()).toEqual(['tom', 'team-tea', 'tina']);
    expect(await picked()).toBe('tom');
    await page.keyboard.press('ArrowDown');
    expect(await picked()).toBe('team-tea');
    expect(await page.locator('#switcher-input').getAttribute('aria-activedescendant')).toBe('switcher-option-1');
    await looksRight(page, 'switcher-open');
    await page.keyboard.type('i');
    expect(await options()).toEqual(['tina']);
    await page.keyboard.press('Enter');
    await title('tina').waitFor(guard);
    expect(await page.locator('#switcher').isHidden()).toBe(true);
    expect(await focused(page, '#text')).toBe(true);
  });

  it('closes with Escape, and focus goes back where it was', async () => {
    await page.locator('#people-filter').focus();
    await page.keyboard.press('Control+k');
    await page.locator('#switcher[open]').waitFor(guard);
    await page.keyboard.press('Escape');
    await page.locator('#switcher').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#people-filter')).toBe(true);
    await expect(page.locator('#conv-title').textContent()).resolves.toBe('tina');
  });

  it('opens from the Go to button as well, and a click on an entry opens it', async () => {
    await page.locator('#open-switcher').click();
    await page.locator('#switcher[open]').waitFor(guard);
    await page.locator('#switcher-list li[data-with="broad"]').click();
    await title('Everyone').waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
  });

  it('says so when nothing has that name, and Enter then does nothing', async () => {
    await page.keyboard.press('Control+k');
    await page.keyboard.type('zzz');
    await page.locator('#switcher-list .switcher-none').getByText('Nothing by that name.').waitFor(guard);
    await page.keyboard.press('Enter');
    expect(await page.locator('#switcher[open]').count()).toBe(1);
    await looksRight(page, 'switcher-nothing-found');
    await page.keyboard.press('Escape');
    await page.locator('#switcher').waitFor({ state: 'hidden', ...guard });
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
