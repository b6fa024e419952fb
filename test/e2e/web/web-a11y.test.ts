import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { expectAccessible as expectNoViolations } from '../../support/axe.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { repoRoot } from '../../support/process.js';
import {
  composerMode,
  conversation,
  guard,
  message,
  openConversation,
  person,
  send,
  signIn,
} from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');
/** More than one page of history (50), so that there is an older page to load. */
const seeded = 60;

const announced = (page: Page) => page.locator('#announcer p').allTextContents();

describe('the web page for everyone: axe-core in every state, light and dark, and screen readers', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let ada: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  /** Every state checked, with its scheme. */
  const checked: string[] = [];

  /** No axe-core violation in the page as it is, in the light scheme and in the dark one. */
  const expectAccessible = (state: string) =>
    expectNoViolations(page, state, (scheme) => void checked.push(`${state} (${scheme})`));

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [ada, bob, carol, dave] = await web.register('ada', 'bob', 'carol', 'dave');
    for (let i = 1; i <= seeded; i++) {
      const [from, to] = i % 2 === 1 ? [dave, ada] : [ada, dave];
      expect((await web.post(from, to.name, `seed ${i}`)).status).toBe(202);
    }
    watched = await web.page({ bypassCSP: true });
    page = watched.page;
  });

  it('passes on the sign-in form, empty and with an error', async () => {
    await page.goto(web.url);
    await page.locator('#sign-in-form').waitFor(guard);
    await expectAccessible('sign-in');
    await page.locator('#sign-in-submit').click();
    await page.locator('#sign-in-error').getByText('Enter a username and a password.').waitFor(guard);
    await expectAccessible('sign-in with an error');
  });

  it('passes on the chat view with nothing open, and with a direct, a group and a broadcast conversation', async () => {
    await signIn(page, ada.name, ada.password);
    await expectAccessible('chat, no conversation open');

    expect((await web.post(bob, ada.name, 'hello ada')).status).toBe(202);
    expect(
      (await web.api('POST', '/groups', { token: carol.token, json: { name: 'crew', members: ['ada', 'bob'] } }))
        .status,
    ).toBe(201);
    expect((await web.post(carol, 'crew', 'crew, assemble')).status).toBe(202);
    expect((await web.api('POST', '/broadcast', { token: carol.token, json: { text: 'hello everyone' } })).status).toBe(
      202,
    );
    await page.locator('#conversations li[data-with="broad"][data-unread="1"]').waitFor(guard);
    await page.locator('#conversations li[data-with="crew"][data-unread="1"]').waitFor(guard);
    // Unread counts are read out as words, not told by a coloured number alone.
    await page.getByRole('button', { name: /crew.*1 unread/ }).waitFor(guard);

    await openConversation(page, 'bob');
    await send(page, 'hello bob');
    await message(page, 'hello bob').and(page.locator('.mine')).waitFor(guard);
    await expectAccessible('direct conversation, with unread counts in the list');

    await openConversation(page, 'crew');
    await send(page, 'here');
    await message(page, 'here').waitFor(guard);
    await expectAccessible('group conversation');

    await openConversation(page, 'broad');
    await send(page, 'hi all');
    await message(page, 'hi all').waitFor(guard);
    await expectAccessible('broadcast conversation');

    await composerMode(page, 'command');
    await send(page, 'get_users');
    await page
      .locator('#notice')
      .getByText(/people, \d online/)
      .waitFor(guard);
    await expectAccessible('command line, with a notice');
    await composerMode(page, 'message');
  });

  it('announces a new message once, and nothing of the log around it', async () => {
    await openConversation(page, 'bob');
    expect((await web.post(bob, ada.name, 'are you there?')).status).toBe(202);
    await message(page, 'are you there?').waitFor(guard);
    await page.locator('#announcer p').getByText('bob: are you there?', { exact: true }).waitFor(guard);
    const lines = await announced(page);
    expect(lines.filter((l) => l.includes('are you there?'))).toEqual(['bob: are you there?']);
    // Nothing already in the log is said again.
    expect(lines.filter((l) => l.includes('hello ada') || l.includes('hello bob'))).toEqual([]);
    // The log is no live region: only the announcer speaks.
    expect(await page.locator('#messages').getAttribute('aria-live')).toBeNull();
    expect(await page.locator('#messages').getAttribute('role')).toBeNull();
  });

  it('passes with older history loaded, and announces the page read as one line', async () => {
    await openConversation(page, 'dave');
    await page.locator('#messages li.msg').nth(49).waitFor(guard);
    const older = page.locator('#messages button.older');
    await older.waitFor(guard);
    await expectAccessible('conversation with older messages to load');
    const count = (await announced(page)).length;
    // As a keyboard or screen-reader user does: a mouse click first scrolls the button into view, and scrolling to
    // the top reads older messages by itself, which takes the button away before the click lands.
    await older.focus();
    await page.keyboard.press('Enter');
    await page.locator('#messages li.history-state[data-state="start"]').waitFor(guard);
    expect(await page.locator('#messages li.msg').count()).toBe(seeded);
    const lines = await announced(page);
    expect(lines.at(-1)).toBe(`Loaded ${seeded - 50} older messages.`);
    expect(lines.length === count + 1 || lines.length === 5).toBe(true);
    expect(lines.filter((l) => l.includes('seed'))).toEqual([]);
    await expectAccessible('conversation with older history loaded');
  });

  it('passes on the group form, with people ticked, a name and an error', async () => {
    await person(page, 'bob').locator('input.tick').check();
    await person(page, 'carol').locator('input.tick').check();
    await page.locator('#group-create').click();
    await page.locator('#notice[data-tone="error"]').getByText('Name the group first.').waitFor(guard);
    await page.locator('#group-name').fill('trio');
    await expectAccessible('group form, with an error');
    await page.locator('#group-create').click();
    await conversation(page, 'trio').waitFor(guard);
    await expectAccessible('new group conversation');
  });

  it('passes on a phone with the list open and with the conversation open', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#conv-title').getByText('trio', { exact: true }).waitFor(guard);
    expect(await page.locator('#sidebar').isHidden()).toBe(true);
    await expectAccessible('phone, conversation');
    await page.locator('#back').click();
    await page.locator('#conversation').waitFor({ state: 'hidden', ...guard });
    await expectAccessible('phone, list of conversations');
    await page.keyboard.press('Escape');
    await page.locator('#conv-title').getByText('trio', { exact: true }).waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('passes while the connection is lost, and says so to screen readers', async () => {
    expect(await web.server.stop()).toBe(0);
    await page.locator('#conn[data-state="reconnecting"]').waitFor(guard);
    await page.getByRole('status').getByText('reconnecting…').waitFor(guard);
    expect(await page.getByRole('status').filter({ hasText: 'reconnecting' }).textContent()).toBe(
      'Connection: reconnecting…',
    );
    await expectAccessible('connection lost, reconnecting');
    await web.startAgain();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
  });

  it('turns transitions off for people who ask for reduced motion', async () => {
    const duration = () => page.locator('#send').evaluate((b) => getComputedStyle(b).transitionDuration);
    expect(await duration()).not.toBe('0s');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await duration()).toBe('0s');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('checked every state in both schemes', () => {
    expect(checked).toHaveLength(28);
    console.info(`axe-core: 0 violations in ${checked.length / 2} states x 2 schemes:\n  ${checked.join('\n  ')}`);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
