import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, streamPath, type TestUser } from '../../support/api.js';
import { axeViolations } from '../../support/axe.js';
import { launchBrowser, openPage, type WatchedPage } from '../../support/browser.js';
import { focused, tabTo } from '../../support/keyboard.js';
import { spawnServer, tempDir, type ServerProcess } from '../../support/process.js';
import { openSse, type SseReader } from '../../support/sse.js';
import { guard, openConversation, send, signIn } from '../../support/web-page.js';

/** Screenshots of the panel, to look at; outside the repository. */
const shots = process.env.PARLEY_SHOTS ?? '/tmp/parley-web-account';

describe('the account panel of the web page', () => {
  let server: ServerProcess;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  let ada: TestUser;

  /** Another device of ada's, signed in through the API with a User-Agent of its own, and its stream. */
  async function device(userAgent: string): Promise<{ user: TestUser; stream: SseReader }> {
    const res = await api(server.url, 'POST', '/sessions', { json: { username: ada.name, password: ada.password }, headers: { 'user-agent': userAgent } });
    const user = { ...ada, token: res.body.token };
    return { user, stream: await openSse(`${server.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}` }) };
  }

  const devices = () => page.locator('#devices li.device');

  async function expectAccessible(state: string): Promise<void> {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, guard);
      expect(await axeViolations(page), `${state}, ${scheme} scheme`).toEqual([]);
      await page.screenshot({ path: `${shots}/${state}-${scheme}.png` });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [server, browser] = await Promise.all([spawnServer(['--store', 'sqlite', '--data', tempDir('parley-web-account-')]), launchBrowser()]);
    ada = await register(server.url, 'ada');
    watched = await openPage(browser, undefined, { bypassCSP: true });
    page = watched.page;
    await page.goto(server.url);
    await signIn(page, 'ada', ada.password);
    // The session register() opened goes, so that the page's is ada's first device.
    expect((await api(server.url, 'DELETE', '/sessions/current', { token: ada.token })).status).toBe(204);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the sender's own copy with the server's sentAt, from the 202", async () => {
    const bob = await register(server.url, 'bob');
    await api(server.url, 'POST', '/messages', { token: bob.token, json: { to: 'ada', text: 'hello ada' } });
    await page.locator('#conversations li[data-with="bob"]').waitFor(guard);
    await openConversation(page, 'bob');
    const answered = page.waitForResponse((res) => res.url().endsWith('/messages') && res.request().method() === 'POST');
    await send(page, 'my own copy');
    const accepted = await (await answered).json();
    const shown = page.locator(`#messages li.msg[data-id="${accepted.id}"] time`);
    await shown.waitFor(guard);
    expect(await shown.getAttribute('datetime')).toBe(accepted.sentAt);
  });

  it('lists the devices by keyboard, signs one out (its stream ends revoked) and changes the password, signing out the others', async () => {
    const phone = await device('ParleyPhone/2.0 (Linux; Android 14)');
    const tablet = await device('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15');

    await page.locator('#text').focus();
    await tabTo(page, '#account-open', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('#account[open]').waitFor(guard);
    await expect.poll(() => devices().count(), guard).toBe(3);
    expect(await devices().locator('.device-name').allTextContents()).toEqual(['Chrome on Linux', 'ParleyPhone on Android', 'Safari on iOS']);
    expect(await page.locator('#devices li.current .device-name').textContent()).toBe('Chrome on Linux');
    expect(await page.locator('#devices li.current button').count()).toBe(0);
    await expectAccessible('account-devices');

    await tabTo(page, '#devices li[data-id] button[aria-label^="Sign out ParleyPhone"]');
    await page.keyboard.press('Enter');
    await page.locator('#account-status').getByText('ParleyPhone on Android is signed out.').waitFor(guard);
    await phone.stream.ended;
    expect(phone.stream.comments).toContain('end: revoked');
    expect((await api(server.url, 'GET', '/users', { token: phone.user.token })).status).toBe(401);
    expect(await devices().count()).toBe(2);

    // A wrong current password: an alert, nothing changed.
    await tabTo(page, '#current-password');
    await page.keyboard.type('not-the-password');
    await tabTo(page, '#new-password');
    await page.keyboard.type('ada-secret-2');
    await page.keyboard.press('Enter');
    await page.locator('#password-error').getByText('That is not your current password.').waitFor(guard);
    expect(await focused(page, '#current-password')).toBe(true);
    await expectAccessible('account-wrong-password');
    expect((await api(server.url, 'GET', '/users', { token: tablet.user.token })).status).toBe(200);

    await page.locator('#current-password').fill('');
    await page.keyboard.type(ada.password);
    await tabTo(page, '#new-password');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('ada-secret-2');
    await page.keyboard.press('Enter');
    await page.locator('#account-status').getByText('Your password is changed, and your other devices are signed out.').waitFor(guard);
    await tablet.stream.ended;
    expect(tablet.stream.comments).toContain('end: revoked');
    await expect.poll(() => devices().count(), guard).toBe(1);
    await expectAccessible('account-password-changed');
    // On a phone (320 px wide) the dialog fits, nothing cut off or out of reach.
    // (The page's own reflow check counts the controls behind a modal as covered: the dialog's are checked here.)
    await page.setViewportSize({ width: 320, height: 640 });
    const outside = await page.evaluate(() =>
      [...document.querySelectorAll('#account button, #account input, #account .device-name')]
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return box.left < 0 || box.right > document.documentElement.clientWidth || (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth);
        })
        .map((el) => el.id || el.textContent),
    );
    expect(outside).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.screenshot({ path: `${shots}/account-phone.png` });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Escape closes the panel and gives focus back to its button; this page is still signed in and live.
    await page.keyboard.press('Escape');
    await page.locator('#account:not([open])').waitFor({ state: 'attached', ...guard });
    expect(await focused(page, '#account-open')).toBe(true);
    expect(await page.locator('#conn').getAttribute('data-state')).toBe('connected');
    expect((await api(server.url, 'POST', '/sessions', { json: { username: 'ada', password: 'ada-secret-2' } })).status).toBe(200);
    expect(watched.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('shows the sign-in form once another device signs this page out, as after exit', async () => {
    const other = await api(server.url, 'POST', '/sessions', { json: { username: 'ada', password: 'ada-secret-2' } });
    const sessions = (await api(server.url, 'GET', '/sessions', { token: other.body.token })).body.sessions as { id: string; current: boolean; userAgent?: string }[];
    const pageSession = sessions.find((s) => !s.current && s.userAgent?.includes('Chrome'))!;
    expect((await api(server.url, 'DELETE', `/sessions/${pageSession.id}`, { token: other.body.token })).status).toBe(204);
    await page.locator('#sign-in-view:not([hidden])').waitFor(guard);
    await page.locator('#sign-in-error').getByText('Your session has ended. Please sign in again.').waitFor(guard);
  });
});
