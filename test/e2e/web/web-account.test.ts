import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { streamPath, type TestUser } from '../../support/api.js';
import { expectAccessible } from '../../support/axe.js';
import type { WatchedPage } from '../../support/browser.js';
import { focused, tabTo } from '../../support/keyboard.js';
import { openSse, type SseReader } from '../../support/sse.js';
import { guard, misfits, openConversation, send } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

/** Screenshots of the panel, to look at; outside the repository. */
const shots = process.env.PARLEY_SHOTS ?? '/tmp/parley-web-account';

describe('the account panel of the web page', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let ada: TestUser;

  /** Another device of ada's, signed in through the API with a User-Agent of its own, and its stream. */
  async function device(userAgent: string): Promise<{ user: TestUser; stream: SseReader }> {
    const res = await web.api('POST', '/sessions', {
      json: { username: ada.name, password: ada.password },
      headers: { 'user-agent': userAgent },
    });
    const user = { ...ada, token: res.body.token };
    return { user, stream: await openSse(`${web.url}${streamPath(user)}`, { authorization: `Bearer ${user.token}` }) };
  }

  const devices = () => page.locator('#devices li.device');

  /** No axe-core violation, in either scheme; a screenshot of each. */
  const expectAccessibleShot = (state: string) =>
    expectAccessible(page, state, async (scheme) => {
      await page.screenshot({ path: `${shots}/${state}-${scheme}.png` });
    });

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [ada] = await web.register('ada');
    watched = await web.signedIn(ada, { bypassCSP: true });
    page = watched.page;
    // The session register() opened goes, so that the page's is ada's first device.
    expect((await web.api('DELETE', '/sessions/current', { token: ada.token })).status).toBe(204);
  });

  it("shows the sender's own copy with the server's sentAt, from the 202", async () => {
    const [bob] = await web.register('bob');
    await web.api('POST', '/messages', { token: bob.token, json: { to: 'ada', text: 'hello ada' } });
    await page.locator('#conversations li[data-with="bob"]').waitFor(guard);
    await openConversation(page, 'bob');
    const answered = page.waitForResponse(
      (res) => res.url().endsWith('/messages') && res.request().method() === 'POST',
    );
    await send(page, 'my own copy');
    const accepted = await (await answered).json();
    const shown = page.locator(`#messages li.msg[data-id="${accepted.id}"] time`);
    await shown.waitFor(guard);
    expect(await shown.getAttribute('datetime')).toBe(accepted.sentAt);
  });

  it('lists the devices by keyboard, signs one out (its stream ends revoked) and changes the password, signing out the others', async () => {
    const phone = await device('ParleyPhone/2.0 (Linux; Android 14)');
    const tablet = await device(
      'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15',
    );

    await page.locator('#text').focus();
    await tabTo(page, '#account-open', { back: true });
    await page.keyboard.press('Enter');
    await page.locator('#account[open]').waitFor(guard);
    await expect.poll(() => devices().count(), guard).toBe(3);
    expect(await devices().locator('.device-name').allTextContents()).toEqual([
      'Chrome on Linux',
      'ParleyPhone on Android',
      'Safari on iOS',
    ]);
    expect(await page.locator('#devices li.current .device-name').textContent()).toBe('Chrome on Linux');
    expect(await page.locator('#devices li.current button').count()).toBe(0);
    await expectAccessibleShot('account-devices');

    await tabTo(page, '#devices li[data-id] button[aria-label^="Sign out ParleyPhone"]');
    await page.keyboard.press('Enter');
    await page.locator('#account-status').getByText('ParleyPhone on Android is signed out.').waitFor(guard);
    await phone.stream.ended;
    expect(phone.stream.comments).toContain('end: revoked');
    expect((await web.api('GET', '/users', { token: phone.user.token })).status).toBe(401);
    expect(await devices().count()).toBe(2);

    // A wrong current password: an alert, nothing changed.
    await tabTo(page, '#current-password');
    await page.keyboard.type('not-the-password');
    await tabTo(page, '#new-password');
    await page.keyboard.type('ada-secret-2');
    await page.keyboard.press('Enter');
    await page.locator('#password-error').getByText('That is not your current password.').waitFor(guard);
    expect(await focused(page, '#current-password')).toBe(true);
    await expectAccessibleShot('account-wrong-password');
    expect((await web.api('GET', '/users', { token: tablet.user.token })).status).toBe(200);

    await page.locator('#current-password').fill('');
    await page.keyboard.type(ada.password);
    await tabTo(page, '#new-password');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('ada-secret-2');
    await page.keyboard.press('Enter');
    await page
      .locator('#account-status')
      .getByText('Your password is changed, and your other devices are signed out.')
      .waitFor(guard);
    await tablet.stream.ended;
    expect(tablet.stream.comments).toContain('end: password_changed');
    await expect.poll(() => devices().count(), guard).toBe(1);
    await expectAccessibleShot('account-password-changed');
    // On a phone (320 px wide) the dialog fits, nothing cut off or out of reach.
    // (The page's own reflow check counts the controls behind a modal as covered: the dialog's are checked here.)
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await misfits(page, '#account button, #account input, #account .device-name')).toEqual({
      outside: [],
      scrollsSideways: false,
    });
    await page.screenshot({ path: `${shots}/account-phone.png` });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Escape closes the panel and gives focus back to its button; this page is still signed in and live.
    await page.keyboard.press('Escape');
    await page.locator('#account:not([open])').waitFor({ state: 'attached', ...guard });
    expect(await focused(page, '#account-open')).toBe(true);
    expect(await page.locator('#conn').getAttribute('data-state')).toBe('connected');
    expect((await web.api('POST', '/sessions', { json: { username: 'ada', password: 'ada-secret-2' } })).status).toBe(
      200,
    );
    expect(watched.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('shows the sign-in form once another device signs this page out, as after exit', async () => {
    const other = await web.api('POST', '/sessions', { json: { username: 'ada', password: 'ada-secret-2' } });
    const sessions = (await web.api('GET', '/sessions', { token: other.body.token })).body.sessions as {
      id: string;
      current: boolean;
      userAgent?: string;
    }[];
    const pageSession = sessions.find((s) => !s.current && s.userAgent?.includes('Chrome'))!;
    expect((await web.api('DELETE', `/sessions/${pageSession.id}`, { token: other.body.token })).status).toBe(204);
    await page.locator('#sign-in-view:not([hidden])').waitFor(guard);
    await page.locator('#sign-in-error').getByText('Your session has ended. Please sign in again.').waitFor(guard);
  });
});
