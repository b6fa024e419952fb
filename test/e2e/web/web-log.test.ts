import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { looksRight } from '../../support/looks.js';
import { conversation, guard, logBox, message, openConversation } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const day = 24 * 3600 * 1000;
const unreadCount = 40;

describe('the web page log: where it opens, new messages, days, runs of one sender, and the actions of a message', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let lee: TestUser;
  let max: TestUser;
  let nia: TestUser;

  beforeAll(async () => {
    [lee, max, nia] = await web.register('lee', 'max', 'nia');
    for (const text of ['two days ago, first', 'two days ago, second', 'yesterday, late', 'earlier today'])
      expect((await web.post(max, 'lee', text)).status).toBe(202);
    // The server stamps messages with its clock: the store is put back in time while the server is stopped.
    await web.server.stop();
    const db = new Database(join(web.dataDir, 'parley.db'));
    db.prepare("UPDATE messages SET sent_at = sent_at - ? WHERE text LIKE 'two days ago%'").run(2 * day);
    db.prepare("UPDATE messages SET sent_at = sent_at - ? WHERE text = 'yesterday, late'").run(day);
    db.close();
    await web.startAgain();
    watched = await web.signedIn(lee, { bypassCSP: true });
    page = watched.page;
  });

  it('heads each day of the log: a date, then Yesterday, then Today', async () => {
    await openConversation(page, 'max');
    await message(page, 'earlier today').waitFor(guard);
    const labels = await page.locator('#messages li.day h3').allTextContents();
    expect(labels).toHaveLength(3);
    expect(labels.slice(1)).toEqual(['Yesterday', 'Today']);
    const twoDaysAgo = await page.evaluate((ms) => new Date(Date.now() - ms).getDate(), 2 * day);
    expect(labels[0]).toContain(String(twoDaysAgo));
    // Each heading comes before the first message of its day (the unread line may stand between them).
    expect(
      await page.locator('#messages li.day').evaluateAll((days) =>
        days.map((day) => {
          let next = day.nextElementSibling;
          while (next && !next.matches('li.msg')) next = next.nextElementSibling;
          return next?.querySelector('p.text')?.textContent;
        }),
      ),
    ).toEqual(['two days ago, first', 'yesterday, late', 'earlier today']);
    await looksRight(page, 'log-days');
  });

  it('opens a conversation with unread messages at the line where they begin, from the read mark the server keeps', async () => {
    await openConversation(page, 'broad');
    for (let i = 1; i <= unreadCount; i++) expect((await web.post(max, 'lee', `unread ${i}`)).status).toBe(202);
    await page.locator(`#conversations li[data-with="max"][data-unread="${unreadCount}"]`).waitFor(guard);
    // Read again from the server's list (readUpTo), as a new visit would.
    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    await page.locator(`#conversations li[data-with="max"][data-unread="${unreadCount}"]`).waitFor(guard);
    await openConversation(page, 'max');
    const divider = page.locator('#unread-divider');
    await divider.waitFor(guard);
    expect(await page.locator('#unread-divider + li.msg p.text').textContent()).toBe('unread 1');
    expect(await page.locator('#messages li.unread-divider').count()).toBe(1);
    const where = await logBox(page, '#unread-divider');
    expect(where).toEqual({ atEnd: false, visible: true });
    // Opening it read it all, on the server too.
    await page.locator('#conversations li[data-with="max"][data-unread="0"]').waitFor(guard);
    await looksRight(page, 'log-unread-divider', {
      before: async () => {
        await page.locator('#unread-divider').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      },
    });
  });

  it('shows New messages while the reader is scrolled up and one arrives, and a click goes down to it', async () => {
    await page.locator('#unread-divider').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    expect((await logBox(page)).atEnd).toBe(false);
    expect(await page.locator('#jump-new').isHidden()).toBe(true);
    expect((await web.post(max, 'lee', 'while you were up there')).status).toBe(202);
    await page.locator('#jump-new').waitFor(guard);
    // The log stayed where the reader was.
    expect((await logBox(page, '#unread-divider')).visible).toBe(true);
    await looksRight(page, 'log-new-messages-button', {
      before: async () => {
        await page.locator('#unread-divider').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await page.locator('#jump-new').waitFor(guard);
      },
    });
    await page.locator('#unread-divider').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.locator('#jump-new').click();
    await page.locator('#jump-new').waitFor({ state: 'hidden', ...guard });
    expect((await logBox(page)).atEnd).toBe(true);
    expect(await focused(page, '#messages li.msg:last-of-type')).toBe(true);
    expect(await page.locator('#messages li.msg:focus p.text').textContent()).toBe('while you were up there');
    // At the end, the next one simply shows.
    expect((await web.post(max, 'lee', 'and one more')).status).toBe(202);
    await message(page, 'and one more').waitFor(guard);
    expect(await page.locator('#jump-new').isHidden()).toBe(true);
    await expect.poll(async () => (await logBox(page)).atEnd, guard).toBe(true);
  });

  it('names the sender once for a run of their messages sent close together; screen readers hear it on each', async () => {
    expect(
      (await web.api('POST', '/groups', { token: max.token, json: { name: 'trio', members: ['lee', 'nia'] } })).status,
    ).toBe(201);
    for (const [from, text] of [
      [max, 'run one'],
      [max, 'run two'],
      [nia, 'nia in between'],
      [max, 'run three'],
      [max, 'run four'],
    ] as const)
      expect((await web.post(from, 'trio', text)).status).toBe(202);
    await conversation(page, 'trio').waitFor(guard);
    await openConversation(page, 'trio');
    await message(page, 'run four').waitFor(guard);
    const runs = await page
      .locator('#messages li.msg')
      .evaluateAll((items) =>
        items.map((li) => [
          li.querySelector('p.text')!.textContent,
          li.classList.contains('grouped'),
          li.querySelector('.from')!.getBoundingClientRect().width > 1,
          li.querySelector('.from')!.textContent,
        ]),
      );
    expect(runs).toEqual([
      ['run one', false, true, 'max'],
      ['run two', true, false, 'max'],
      ['nia in between', false, true, 'nia'],
      ['run three', false, true, 'max'],
      ['run four', true, false, 'max'],
    ]);
    await looksRight(page, 'log-runs');
  });

  it("shows a message's actions on hover or focus only, and the log is one tab stop: arrows move, Tab reaches the actions", async () => {
    const actions = (text: string) => message(page, text).locator('.msg-actions');
    const opacity = (text: string) => actions(text).evaluate((el) => getComputedStyle(el).opacity);
    await page.mouse.move(0, 0);
    expect(await opacity('run two')).toBe('0');
    await message(page, 'run two').hover();
    await expect.poll(() => opacity('run two'), guard).toBe('1');
    await page.mouse.move(0, 0);

    // One message is reachable with Tab, with its own actions; no other control of the log is.
    const tabStops = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('#messages li.msg, #messages li.msg button, #messages li.msg a')]
          .filter((el) => el.tabIndex >= 0)
          .map((el) => (el.matches('li') ? 'message' : el.className)),
      );
    expect(await tabStops()).toEqual(['message', 'reply', 'react']);

    // Back from the composer's first control, the log's stop is the newest message's last action.
    await page.locator('#notice-bar').waitFor({ state: 'hidden', ...guard });
    await page.locator('#mode-message').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page, '#messages li.msg:last-of-type button.react')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page, '#messages li.msg:last-of-type button.reply')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page, '#messages li.msg:last-of-type')).toBe(true);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('#messages li.msg:focus p.text').textContent()).toBe('run two');
    await page.keyboard.press('Tab');
    expect(await focused(page, '#messages li.msg button.reply')).toBe(true);
    expect(await page.locator('#messages li.msg:focus-within p.text').textContent()).toBe('run two');
    await expect.poll(() => opacity('run two'), guard).toBe('1');
    expect(await tabStops()).toEqual(['message', 'reply', 'react']);
    await looksRight(page, 'log-actions-on-focus', {
      before: async () => {
        await message(page, 'run two').locator('button.reply').focus();
      },
    });
    // Tab goes on out of the log; Shift+Tab comes back to the same message.
    await message(page, 'run two').locator('button.react').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#messages') === null)).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(
      await page.locator('#messages :focus').evaluate((el) => el.closest('li')!.querySelector('p.text')!.textContent),
    ).toBe('run two');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('End');
    expect(await page.locator('#messages li.msg:focus p.text').textContent()).toBe('run four');
    await page.keyboard.press('Home');
    expect(await page.locator('#messages li.msg:focus p.text').textContent()).toBe('run one');
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
