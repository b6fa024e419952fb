import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { looksRight, viewports } from '../../support/looks.js';
import { guard } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const crowd = 1000;
const nameOf = (i: number) => `p${String(i).padStart(4, '0')}`;

describe('the web page on a phone, and with a thousand people', () => {
  // The fixture's server hashes passwords cheaply (--scrypt-cost 1024): a thousand sign-ups take seconds.
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let quinn: TestUser;

  beforeAll(async () => {
    [quinn] = await web.register('quinn');
    for (let start = 0; start < crowd; start += 50) {
      const batch = Array.from({ length: Math.min(50, crowd - start) }, (_, k) => nameOf(start + k));
      const answers = await Promise.all(
        batch.map((username) =>
          fetch(new URL('/sessions', web.url), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: `${username}-password` }),
          }),
        ),
      );
      expect(answers.map((res) => res.status)).toEqual(batch.map(() => 201));
    }
    watched = await web.signedIn(quinn, { bypassCSP: true, viewport: viewports.phone });
    page = watched.page;
  });

  it('keeps the top bar of a phone to one row, the session buttons folded into a menu', async () => {
    const rows = () =>
      page.evaluate(() => {
        const shown = [...document.querySelectorAll<HTMLElement>('.topbar .brand, #conn, #menu-toggle')].map((el) =>
          el.getBoundingClientRect(),
        );
        const bar = document.querySelector('.topbar')!.getBoundingClientRect();
        return { height: bar.height, tops: new Set(shown.map((r) => Math.round(r.top + r.height / 2))).size };
      });
    const { height, tops } = await rows();
    expect(height).toBeLessThan(60);
    expect(tops).toBeLessThanOrEqual(2); // centred on one line, within a pixel's rounding
    expect(await page.locator('#account-open').isVisible()).toBe(false);
    await page.locator('#menu-toggle').click();
    expect(await page.locator('#menu-toggle').getAttribute('aria-expanded')).toBe('true');
    await page.locator('#account-open').waitFor(guard);
    expect(await focused(page, '#session-menu button')).toBe(true);
    await looksRight(page, 'phone-top-bar-menu', {
      sizes: ['phone'],
      before: async () => {
        if ((await page.locator('#menu-toggle').getAttribute('aria-expanded')) !== 'true')
          await page.locator('#menu-toggle').click();
      },
    });
    await page.setViewportSize(viewports.phone);
    await page.keyboard.press('Escape');
    await page.locator('#account-open').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#menu-toggle')).toBe(true);
    // A panel opened from it gives focus back to its button when it closes; Escape then closes the menu.
    await page.locator('#menu-toggle').click();
    await page.locator('#account-open').click();
    await page.locator('#account').waitFor(guard);
    await page.locator('#account-close').click();
    expect(await focused(page, '#account-open')).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('#menu-toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await focused(page, '#menu-toggle')).toBe(true);
    // On a laptop the buttons stand in the bar and there is no menu.
    await page.setViewportSize(viewports.laptop);
    expect(await page.locator('#menu-toggle').isVisible()).toBe(false);
    expect(await page.locator('#account-open').isVisible()).toBe(true);
    expect((await rows()).height).toBeLessThan(70);
    await page.setViewportSize(viewports.phone);
  });

  it('draws a hundred people at most, and finds anyone of a thousand by name', async () => {
    await page.locator('#users li').first().waitFor(guard);
    expect(await page.locator('#users li').count()).toBe(100);
    expect(await page.locator('#people-shown').textContent()).toBe(
      `Showing 100 of ${crowd + 1}: type a name to find the others.`,
    );
    const filter = page.locator('#people-filter');
    await filter.fill('P0777');
    expect(await page.locator('#users li').evaluateAll((items) => items.map((li) => li.dataset.name))).toEqual([
      'p0777',
    ]);
    expect(await page.locator('#people-shown').textContent()).toBe('1 found.');
    await filter.fill('p07');
    expect(await page.locator('#users li').count()).toBe(100);
    expect(await page.locator('#people-shown').textContent()).toBe('100 found.');
    await looksRight(page, 'people-filter');
    await page.setViewportSize(viewports.phone);
    await filter.fill('nobody-like-this');
    expect(await page.locator('#users li').count()).toBe(0);
    expect(await page.locator('#people-shown').textContent()).toBe('Nobody by that name.');
    // Someone new shows while the filter finds them.
    await filter.fill('late');
    await web.register('latecomer');
    await page.locator('#users li[data-name="latecomer"]').waitFor(guard);
    // Enter opens the one found; Escape empties the filter.
    await filter.fill('p0999');
    await filter.press('Enter');
    await page.locator('#conv-title').getByText('p0999', { exact: true }).waitFor(guard);
    await page.locator('#back').click(guard);
    await filter.focus();
    await page.keyboard.press('Escape');
    expect(await filter.inputValue()).toBe('');
    expect(await page.locator('#users li').count()).toBe(100);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
