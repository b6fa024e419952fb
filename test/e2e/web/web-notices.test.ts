import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { looksRight } from '../../support/looks.js';
import { guard, message, openConversation, signIn } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

/** Where the notice stands against the log, and whether the newest message is in sight. */
const layout = (page: Page) =>
  page.evaluate(() => {
    const log = document.getElementById('messages')!.getBoundingClientRect();
    const bar = document.getElementById('notice-bar')!.getBoundingClientRect();
    const items = document.querySelectorAll('#messages li.msg');
    const newest = items[items.length - 1]!.getBoundingClientRect();
    return { noticeBelowLog: bar.top >= log.bottom - 0.5, newestInSight: newest.bottom <= log.bottom + 0.5 };
  });

describe('the web page notices: each goes by itself or when dismissed, and covers nothing', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let oli: TestUser;
  let pat: TestUser;

  beforeAll(async () => {
    [oli, pat] = await web.register('oli', 'pat');
    for (let i = 1; i <= 30; i++) expect((await web.post(pat, 'oli', `line ${i} of a long morning`)).status).toBe(202);
    // The page's clock, moved on by the tests: no waiting out a notice's seconds.
    watched = await web.page({ bypassCSP: true, prepare: (context) => context.clock.install() });
    page = watched.page;
  });

  it('says Welcome back, and the notice goes by itself a few seconds later', async () => {
    await page.goto(web.url);
    await signIn(page, oli.name, oli.password);
    expect(await page.locator('#notice').textContent()).toBe('Welcome back, oli.');
    await looksRight(page, 'notice-welcome-back');
    await page.clock.runFor(5000);
    await page.locator('#notice-bar').waitFor({ state: 'hidden', ...guard });
    expect(await page.locator('#notice').isHidden()).toBe(true);
  });

  it('keeps an error until it is dismissed with its close button, then focus goes back to the composer', async () => {
    await openConversation(page, 'pat');
    await message(page, 'line 30 of a long morning').waitFor(guard);
    await page.locator('#group-create').click();
    const error = page.locator('#notice[data-tone="error"]').getByText('Name the group first.');
    await error.waitFor(guard);
    await page.clock.runFor(60_000);
    expect(await error.isVisible()).toBe(true);
    await looksRight(page, 'notice-error-stays');
    await page.locator('#notice-close').click();
    await page.locator('#notice-bar').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#text')).toBe(true);
  });

  it('takes room of its own under the log, the newest message staying in sight above it', async () => {
    // Opened at the unread line: the reader goes down to the end.
    await page.locator('#messages li.msg').last().scrollIntoViewIfNeeded();
    await expect.poll(() => layout(page), guard).toMatchObject({ newestInSight: true });
    await page.locator('#group-create').click();
    await page.locator('#notice[data-tone="error"]').waitFor(guard);
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      if (viewport.width === 390) await page.locator('#chat-view[data-pane="conversation"]').waitFor(guard);
      await expect.poll(() => layout(page), guard).toEqual({ noticeBelowLog: true, newestInSight: true });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    // A message that arrives while it shows is in sight too.
    expect((await web.post(pat, 'oli', 'and the last line')).status).toBe(202);
    await message(page, 'and the last line').waitFor(guard);
    await expect.poll(() => layout(page), guard).toEqual({ noticeBelowLog: true, newestInSight: true });
    await looksRight(page, 'notice-under-the-log');
    // Escape on it puts it away too.
    await page.locator('#notice-close').focus();
    await page.keyboard.press('Escape');
    await page.locator('#notice-bar').waitFor({ state: 'hidden', ...guard });
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
