import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import type { WatchedPage } from '../../support/browser.js';
import { repoRoot } from '../../support/process.js';
import { setHidden, spy, spyOnNotifications, type NotificationSpy } from '../../support/notifications.js';
import {
  conversation,
  guard,
  inScheme,
  message,
  openConversation,
  person,
  send,
  shownIds,
  shownTexts,
} from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');
const seeded = 120;

/** Where a message sits from the top of the scrolled log, in px. */
const offsetInLog = (page: Page, id: string) =>
  page.locator('#messages').evaluate((log, msgId) => {
    const item = log.querySelector(`li.msg[data-id="${msgId}"]`)!;
    return item.getBoundingClientRect().top - log.getBoundingClientRect().top;
  }, id);

describe('the web page by conversation, on two devices of one user', () => {
  const web = webFixture();
  let alice: TestUser;
  let bob: TestUser;
  let dave: TestUser;
  /** Alice's laptop and her second device (their own browser contexts), and bob's page. */
  let a1: WatchedPage;
  let a2: WatchedPage;
  let b: WatchedPage;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [alice, bob, dave] = await web.register('alice', 'bob', 'dave');
    // A long conversation to scroll through: dave and alice by turns, dave first.
    for (let i = 1; i <= seeded; i++) {
      const [from, to] = i % 2 === 1 ? [dave, alice] : [alice, dave];
      const res = await web.post(from, to.name, `seed ${i}`);
      expect(res.status).toBe(202);
    }
    a1 = await web.signedIn(alice, { prepare: (context) => context.addInitScript(spyOnNotifications) });
    a2 = await web.signedIn(alice);
    b = await web.signedIn(bob);
  });

  it("shows bob's message in its conversation with an unread count on both of alice's pages, most recent first", async () => {
    await person(b.page, 'alice').locator('button.target').click();
    await send(b.page, 'hi alice, from bob');
    await message(b.page, 'hi alice, from bob').waitFor(guard);
    for (const { page } of [a1, a2]) {
      await page.locator('#conversations li[data-with="bob"][data-unread="1"]').waitFor(guard);
      expect(await conversation(page, 'bob').locator('.conv-last').textContent()).toBe('hi alice, from bob');
      expect(
        await page
          .locator('#conversations li')
          .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.with)),
      ).toEqual(['bob', 'dave', 'broad']);
      expect(await conversation(page, 'dave').getAttribute('data-unread')).toBe(String(seeded / 2));
      expect(await conversation(page, 'dave').locator('.conv-last').textContent()).toBe(`You: seed ${seeded}`);
    }
    await a2.page.screenshot({ path: join(shots, 'conversations-laptop-unread.png') });
  });

  it('shows her reply, sent from one page, on the other page from the server, exactly once', async () => {
    await openConversation(a2.page, 'bob');
    await message(a2.page, 'hi alice, from bob').waitFor(guard);
    await openConversation(a1.page, 'bob');
    await a1.page.locator('#conversations li[data-with="bob"][data-unread="0"]').waitFor(guard);

    await send(a1.page, 'hi bob, from alice');
    await message(a1.page, 'hi bob, from alice').and(a1.page.locator('.mine')).waitFor(guard);
    await message(a2.page, 'hi bob, from alice').and(a2.page.locator('.mine')).waitFor(guard);
    await message(b.page, 'hi bob, from alice').waitFor(guard);
    for (const { page } of [a1, a2]) {
      expect(await shownTexts(page)).toEqual(['hi alice, from bob', 'hi bob, from alice']);
    }

    // With another conversation open, the list still follows what she sends elsewhere.
    await openConversation(a2.page, 'broad');
    await send(a1.page, 'a second reply');
    await conversation(a2.page, 'bob')
      .locator('.conv-last')
      .getByText('You: a second reply', { exact: true })
      .waitFor(guard);
    expect(await conversation(a2.page, 'bob').getAttribute('data-unread')).toBe('0');
    await openConversation(a2.page, 'bob');
    await message(a2.page, 'a second reply').waitFor(guard);
    expect(await shownTexts(a2.page)).toEqual(['hi alice, from bob', 'hi bob, from alice', 'a second reply']);
    expect(await shownTexts(a1.page)).toEqual(['hi alice, from bob', 'hi bob, from alice', 'a second reply']);
    const ids = await shownIds(a2.page);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((x, y) => x - y));

    // The read mark is the server's: a third device would see nothing unread with bob.
    const listed = await web.api('GET', '/conversations', { token: alice.token });
    expect(listed.body.conversations.find((c: { with: string }) => c.with === 'bob')).toMatchObject({
      unread: 0,
      last: { text: 'a second reply', from: 'alice' },
    });
  });

  it('keeps every conversation across a reload, even with the local storage cleared', async () => {
    const { page } = a2;
    await page.evaluate(() => window.localStorage.clear());
    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(await page.locator('#me-name').textContent()).toBe('alice');
    await conversation(page, 'bob')
      .locator('.conv-last')
      .getByText('You: a second reply', { exact: true })
      .waitFor(guard);
    expect(await conversation(page, 'dave').getAttribute('data-unread')).toBe(String(seeded / 2));
    expect(await page.locator('#conv-title').textContent()).toBe('No conversation open');
    await openConversation(page, 'bob');
    await message(page, 'a second reply').waitFor(guard);
    expect(await shownTexts(page)).toEqual(['hi alice, from bob', 'hi bob, from alice', 'a second reply']);
    expect(await page.locator('#messages li.msg.mine').count()).toBe(2);

    // Without clearing, the page also opens the conversation that was open.
    await a1.page.reload();
    await message(a1.page, 'a second reply').waitFor(guard);
    expect(await shownTexts(a1.page)).toEqual(['hi alice, from bob', 'hi bob, from alice', 'a second reply']);
  });

  it('loads older messages when scrolled to the top and keeps the reader where they were', async () => {
    const { page } = a1;
    await openConversation(page, 'dave');
    await page.locator('#messages li.msg').nth(49).waitFor(guard);
    expect(await page.locator('#messages li.msg').count()).toBe(50);
    expect(await shownTexts(page)).toEqual(Array.from({ length: 50 }, (_, i) => `seed ${seeded - 49 + i}`));
    await page.locator('#conversations li[data-with="dave"][data-unread="0"]').waitFor(guard);

    for (const expected of [100, seeded]) {
      const [firstId] = await shownIds(page);
      // Scrolling to the top asks for the page before; what was at the top stays where it was.
      const before = await page.locator('#messages').evaluate((log, id) => {
        log.scrollTop = 0;
        const item = log.querySelector(`li.msg[data-id="${id}"]`)!;
        return item.getBoundingClientRect().top - log.getBoundingClientRect().top;
      }, firstId!);
      await page
        .locator('#messages li.msg')
        .nth(expected - 1)
        .waitFor(guard);
      expect(await page.locator('#messages li.msg').count()).toBe(expected);
      expect(Math.abs((await offsetInLog(page, firstId!)) - before)).toBeLessThanOrEqual(1);
    }
    await page.locator('#messages li.history-state[data-state="start"]').waitFor(guard);
    expect(await shownTexts(page)).toEqual(Array.from({ length: seeded }, (_, i) => `seed ${i + 1}`));
    const ids = (await shownIds(page)).map(Number);
    expect(new Set(ids).size).toBe(seeded);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const first = message(page, 'seed 1');
    expect(await first.locator('.from').textContent()).toBe('dave');
    expect(await message(page, 'seed 2').getAttribute('class')).toContain('mine');
  });

  it('shows a desktop notification for a message that arrives while the page is hidden, once allowed with a click', async () => {
    const { page, context } = a1;
    await openConversation(page, 'bob');
    const button = page.locator('#notify');
    await button.waitFor(guard);
    expect((await spy(page)).asked).toBe(0);
    // Stands in for the user answering the browser's prompt with "Allow".
    await context.grantPermissions(['notifications'], { origin: web.url });
    await button.click();
    await button.waitFor({ state: 'hidden', ...guard });
    expect((await spy(page)).asked).toBe(1);

    // Her second device is put away too: one that shows the conversation would mark it read for both.
    await setHidden(page, true);
    await setHidden(a2.page, true);
    const res = await web.api('POST', '/messages', { token: bob.token, json: { to: 'alice', text: 'are you there?' } });
    expect(res.status).toBe(202);
    await page.waitForFunction(
      () => (window as unknown as { notificationSpy: NotificationSpy }).notificationSpy.shown.length > 0,
      undefined,
      guard,
    );
    expect((await spy(page)).shown).toEqual([{ title: 'bob', body: 'are you there?' }]);
    // Open but hidden: not read yet.
    expect(await conversation(page, 'bob').getAttribute('data-unread')).toBe('1');
    expect(await page.title()).toBe('(1) Parley');
    await setHidden(page, false);
    await page.locator('#conversations li[data-with="bob"][data-unread="0"]').waitFor(guard);
    await setHidden(a2.page, false);
    // A message from alice herself never notifies her.
    await send(page, 'yes, here');
    await message(a2.page, 'yes, here').waitFor(guard);
    expect((await spy(page)).shown).toHaveLength(1);
  });

  it('looks right at laptop and phone width, light and dark', async () => {
    const { page } = a1;
    await page.locator('#notice').waitFor({ state: 'hidden', ...guard });
    for (const scheme of ['light', 'dark'] as const) {
      await inScheme(page, scheme);
      await page.setViewportSize({ width: 1280, height: 800 });
      await openConversation(page, 'bob');
      await page.screenshot({ path: join(shots, `conversations-laptop-${scheme}.png`) });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#back').click();
      await conversation(page, 'dave').waitFor(guard);
      expect(await page.locator('#conversation').isHidden()).toBe(true);
      await page.screenshot({ path: join(shots, `conversations-phone-list-${scheme}.png`) });
      await openConversation(page, 'dave');
      expect(await page.locator('#sidebar').isHidden()).toBe(true);
      await page.screenshot({ path: join(shots, `conversations-phone-${scheme}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await inScheme(page, 'light');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('raised no Content-Security-Policy violation, script error or failed request on any page', () => {
    for (const { problems } of [a1, a2, b]) expect(problems).toEqual([]);
  });
});
