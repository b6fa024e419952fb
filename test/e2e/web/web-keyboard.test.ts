import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused, reflowProblems, tabTo } from '../../support/keyboard.js';
import { repoRoot } from '../../support/process.js';
import { conversation, guard, inEachScheme, message } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');
const seeded = 60;

describe('the web page without a mouse, and at 320 px and 200 % zoom', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let bob: TestUser;
  let carol: TestUser;
  const me = 'kim';
  const password = 'kim-keyboard-1';
  const type = async (text: string) => page.keyboard.type(text);

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [bob, carol] = await web.register('bob', 'carol');
    watched = await web.page();
    page = watched.page;
  });

  it('signs in with the keyboard alone, and lands in the composer', async () => {
    await page.goto(web.url);
    await page.locator('#sign-in-form').waitFor(guard);
    expect(await focused(page, '#username')).toBe(true);
    await type(me);
    await page.keyboard.press('Tab');
    await type(password);
    await page.keyboard.press('Enter');
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
  });

  it('picks a person, sends a direct message, and replies to one', async () => {
    await tabTo(page, '#users li[data-name="bob"] button.target', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('#conv-title').getByText('bob', { exact: true }).waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
    await type('hello bob, from the keyboard');
    await page.keyboard.press('Enter');
    await message(page, 'hello bob, from the keyboard').and(page.locator('.mine')).waitFor(guard);

    expect((await web.post(bob, me, 'reply to this, kim')).status).toBe(202);
    await message(page, 'reply to this, kim').waitFor(guard);
    await tabTo(page, '#messages li.msg:not(.mine) button.reply', { back: true });
    await inEachScheme(page, async (scheme) => {
      await page.screenshot({ path: join(shots, `keyboard-reply-focus-${scheme}.png`) });
    });
    await page.keyboard.press('Enter');
    expect(await focused(page, '#text')).toBe(true);
    await type('replied by keyboard');
    await page.keyboard.press('Enter');
    await message(page, 'replied by keyboard').waitFor(guard);
    const history = await web.api('GET', '/messages?with=kim', { token: bob.token });
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'hello bob, from the keyboard',
      'reply to this, kim',
      'replied by keyboard',
    ]);
  });

  it('broadcasts from the Everyone conversation', async () => {
    await tabTo(page, '#conversations li[data-with="broad"] button', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('#conv-title').getByText('Everyone', { exact: true }).waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
    await type('hello everyone, by keyboard');
    await page.keyboard.press('Enter');
    await message(page, 'hello everyone, by keyboard').waitFor(guard);
    const got = await web.api('GET', '/messages?with=broad', { token: carol.token });
    expect(got.body.messages.map((m: { text: string }) => m.text)).toContain('hello everyone, by keyboard');
  });

  it('ticks people, names a group, creates it and writes to it', async () => {
    await tabTo(page, '#users li[data-name="bob"] input.tick', { back: true });
    await page.keyboard.press('Space');
    await tabTo(page, '#users li[data-name="carol"] input.tick');
    await page.keyboard.press('Space');
    await tabTo(page, '#group-name');
    await type('keys');
    await page.keyboard.press('Enter');
    await page.locator('#conv-title').getByText('keys', { exact: true }).waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
    await type('hello keys');
    await page.keyboard.press('Enter');
    await message(page, 'hello keys').waitFor(guard);
    const groups = await web.api('GET', '/groups', { token: carol.token });
    expect(groups.body.groups).toMatchObject([{ name: 'keys', members: expect.arrayContaining(['bob', 'carol', me]) }]);
  });

  it('loads older messages with a button, and focus goes to the oldest once there are no more', async () => {
    for (let i = 1; i <= seeded; i++) expect((await web.post(carol, me, `old ${i}`)).status).toBe(202);
    await conversation(page, 'carol').locator('.conv-last').getByText(`old ${seeded}`, { exact: true }).waitFor(guard);
    await tabTo(page, '#conversations li[data-with="carol"] button', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('#messages li.history-state[data-state="more"]').waitFor(guard);
    expect(await page.locator('#messages li.msg').count()).toBe(50);
    // Forward from the composer, round through the top bar and the list: the log and then its button come
    // right after the list. (Backward, past the Reply buttons, focus scrolls the log up, which reads the older
    // page by itself.)
    await tabTo(page, '#messages button.older');
    await page.keyboard.press('Enter');
    await page.locator('#messages li.history-state[data-state="start"]').waitFor(guard);
    expect(await page.locator('#messages li.msg').count()).toBe(seeded);
    // The oldest message (under the heading of its day and the unread line, which are no messages).
    expect(await focused(page, '#messages li.msg:not(li.msg ~ li.msg)')).toBe(true);
    expect(await page.locator('#announcer p').last().textContent()).toBe(`Loaded ${seeded - 50} older messages.`);
  });

  it('on a phone, goes back to the list and returns to the conversation with Escape', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await tabTo(page, '#back', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('#conversation').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#conversations li[data-with="carol"] button')).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('#conversation').waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('reflows at 320 px and at 200 % zoom: nothing scrolls sideways, nothing is cut off or covered', async () => {
    // 200 % zoom on a 1280 x 800 laptop is a 640 x 400 viewport in CSS pixels.
    for (const viewport of [
      { width: 320, height: 640 },
      { width: 640, height: 400 },
    ]) {
      await page.setViewportSize(viewport);
      const at = `${viewport.width} x ${viewport.height}`;
      expect(await reflowProblems(page), `${at}, conversation`).toEqual([]);
      if (viewport.width === 320) await page.screenshot({ path: join(shots, 'reflow-320-conversation.png') });
      await tabTo(page, '#back', { back: true });
      await page.keyboard.press('Enter');
      await page.locator('#conversation').waitFor({ state: 'hidden', ...guard });
      expect(await reflowProblems(page), `${at}, list`).toEqual([]);
      await page.locator('#group-form').scrollIntoViewIfNeeded();
      expect(await reflowProblems(page), `${at}, list scrolled to the group form`).toEqual([]);
      if (viewport.width === 320) await page.screenshot({ path: join(shots, 'reflow-320-list.png') });
      await page.keyboard.press('Escape');
      await page.locator('#conversation').waitFor(guard);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out from the keyboard, and focus is back on the username', async () => {
    await tabTo(page, '#sign-out', { back: true, max: 200 });
    await page.keyboard.press('Enter');
    await page.locator('#sign-in-form').waitFor(guard);
    expect(await focused(page, '#username')).toBe(true);
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await reflowProblems(page), '320 px, sign-in').toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
