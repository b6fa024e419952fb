import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { looksRight } from '../../support/looks.js';
import { guard, message, openConversation } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

describe('the web page composer: lines, the length limit, links, and editing the last message with Up', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let ann: TestUser;
  let bob: TestUser;
  const box = () => page.locator('#text');
  const height = () => box().evaluate((el) => el.getBoundingClientRect().height);

  beforeAll(async () => {
    [ann, bob] = await web.register('ann', 'bob');
    await web.post(bob, 'ann', 'morning ann');
    watched = await web.signedIn(ann, { bypassCSP: true });
    page = watched.page;
    await openConversation(page, 'bob');
  });

  it('sends with Enter and breaks the line with Shift+Enter, the box growing to a few lines and back', async () => {
    const oneLine = await height();
    await box().focus();
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('third line');
    expect(await box().inputValue()).toBe('first line\nsecond line\nthird line');
    expect(await height()).toBeGreaterThan(oneLine * 2);
    await looksRight(page, 'composer-three-lines');
    for (let i = 0; i < 10; i++) await page.keyboard.press('Shift+Enter');
    // A few lines at most: then the box scrolls.
    expect(await height()).toBeLessThan(oneLine * 6);
    await page.keyboard.type('last line');
    await page.keyboard.press('Enter');
    const sent = page.locator('#messages li.msg.mine p.text').filter({ hasText: 'first line' });
    await sent.waitFor(guard);
    expect(await sent.textContent()).toBe(`first line\nsecond line\nthird line${'\n'.repeat(10)}last line`);
    expect(await box().inputValue()).toBe('');
    expect(await height()).toBe(oneLine);
    const history = await web.api('GET', '/messages?with=ann', { token: bob.token });
    expect(history.body.messages.at(-1).text).toBe(`first line\nsecond line\nthird line${'\n'.repeat(10)}last line`);
  });

  it('shows how many characters are left near the limit of 4000, and refuses a longer text without sending it', async () => {
    await box().fill('x'.repeat(3000));
    expect(await page.locator('#text-count').isHidden()).toBe(true);
    await box().fill('x'.repeat(3700));
    await page.locator('#text-count').getByText('300 left', { exact: true }).waitFor(guard);
    await box().fill('x'.repeat(4001));
    await page.locator('#text-count[data-over="true"]').getByText('1 over', { exact: true }).waitFor(guard);
    await box().press('Enter');
    await page.locator('#notice[data-tone="error"]').getByText('1 character over the limit of 4000').waitFor(guard);
    await looksRight(page, 'composer-over-limit');
    expect(await box().inputValue()).toHaveLength(4001);
    await page.locator('#notice-close').click();
    await page.locator('#notice').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#text')).toBe(true);
    await box().press('Backspace');
    await box().press('Enter');
    await page
      .locator('#messages li.msg.mine p.text')
      .filter({ hasText: /^x{4000}$/ })
      .waitFor(guard);
    await page.locator('#text-count').waitFor({ state: 'hidden', ...guard });
  });

  it('makes http and https addresses links, and nothing else in a message markup, mentions included', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await web.post(bob, 'ann', hostile);
    await web.post(bob, 'ann', 'javascript:alert(1)');
    await web.post(bob, 'ann', 'data:text/html,<script>alert(1)</script> and javascript://x%0Aalert(1)');
    await web.post(bob, 'ann', 'see https://example.com/a?b=c&d.');
    const link = message(page, 'see https://example.com/a?b=c&d.');
    await link.waitFor(guard);
    expect(await message(page, hostile).locator('p.text').textContent()).toBe(hostile);
    expect(await message(page, hostile).locator('p.text *').count()).toBe(0);
    expect(await message(page, 'javascript:alert(1)').locator('p.text *').count()).toBe(0);
    expect(
      await message(page, 'data:text/html,<script>alert(1)</script> and javascript://x%0Aalert(1)')
        .locator('p.text *')
        .count(),
    ).toBe(0);
    expect(await page.locator('#messages img, #messages script').count()).toBe(0);
    const anchors = page.locator('#messages a');
    expect(await anchors.count()).toBe(1);
    const anchor = link.locator('a');
    expect(await anchor.getAttribute('href')).toBe('https://example.com/a?b=c&d');
    expect(await anchor.getAttribute('target')).toBe('_blank');
    expect(await anchor.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await anchor.textContent()).toBe('https://example.com/a?b=c&d');
    // The full stop ends the sentence, not the address.
    expect(await link.locator('p.text').evaluate((p) => [...p.childNodes].map((n) => n.nodeName))).toEqual([
      '#text',
      'A',
      '#text',
    ]);

    // In a group, a mention and a link side by side.
    await web.api('POST', '/groups', { token: bob.token, json: { name: 'crew', members: ['ann'] } });
    await web.post(bob, 'crew', '@ann the notes: https://example.com/notes (and @nobody)');
    await openConversation(page, 'crew');
    const both = message(page, '@ann the notes: https://example.com/notes (and @nobody)');
    await both.waitFor(guard);
    expect(await both.locator('.mention').allTextContents()).toEqual(['@ann']);
    expect(await both.locator('a').getAttribute('href')).toBe('https://example.com/notes');
    expect(await both.locator('a').textContent()).toBe('https://example.com/notes');
    await looksRight(page, 'composer-links-and-mentions');
    await openConversation(page, 'bob');
    await looksRight(page, 'composer-hostile-text');
  });

  it('opens the last own message for editing with Up in the empty composer', async () => {
    await box().focus();
    await page.keyboard.type('lunch at 12?');
    await page.keyboard.press('Enter');
    await message(page, 'lunch at 12?').and(page.locator('.mine')).waitFor(guard);
    await page.keyboard.type('x');
    await page.keyboard.press('ArrowUp');
    // Not while something is written.
    expect(await page.locator('form.msg-edit').count()).toBe(0);
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('ArrowUp');
    const editor = message(page, 'lunch at 12?').locator('form.msg-edit input');
    await editor.waitFor(guard);
    expect(await focused(page, 'form.msg-edit input')).toBe(true);
    expect(await editor.inputValue()).toBe('lunch at 12?');
    await looksRight(page, 'composer-up-edits-last');
    await editor.fill('lunch at 1?');
    await page.keyboard.press('Enter');
    await message(page, 'lunch at 1?').locator('.edited').waitFor(guard);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
