import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { looksRight } from '../../support/looks.js';
import { guard, signIn } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

interface SessionEntry {
  id: string;
  current: boolean;
  userAgent?: string;
}

describe('the web page as one device per browser, and the other devices of the account', () => {
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let rae: TestUser;
  let tablet: string;

  /** Another device of rae's, signed in through the API with a User-Agent of its own: its token. */
  async function device(userAgent: string): Promise<string> {
    const res = await web.api('POST', '/sessions', {
      json: { username: rae.name, password: rae.password },
      headers: { 'user-agent': userAgent },
    });
    return res.body.token as string;
  }

  /** Rae's sessions, as the device with `token` sees them. */
  const sessions = async (token: string): Promise<SessionEntry[]> =>
    (await web.api('GET', '/sessions', { token })).body.sessions;
  const browserSessions = async () =>
    (await sessions(tablet)).filter((s) => s.userAgent?.includes('Chrome')).map((s) => s.id);
  const remembered = () => page.evaluate(() => window.localStorage.getItem('parley.session.rae'));

  beforeAll(async () => {
    [rae] = await web.register('rae');
    // The session register() opened goes: the devices are the browser's and those made here.
    expect((await web.api('DELETE', '/sessions/current', { token: rae.token })).status).toBe(204);
    tablet = await device('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/128.0');
    watched = await web.signedIn(rae, { bypassCSP: true });
    page = watched.page;
  });

  it('signs the old session out when the same browser signs in again, so that the browser is listed once', async () => {
    await expect.poll(remembered, guard).not.toBeNull();
    const first = await browserSessions();
    expect(first).toEqual([await remembered()]);
    // The cookie is lost (cleared, expired) but the browser is the same: its next sign-in replaces the session.
    await page.context().clearCookies();
    await page.reload();
    await page.locator('#sign-in-form').waitFor(guard);
    await signIn(page, rae.name, rae.password);
    await expect.poll(browserSessions, guard).toHaveLength(1);
    const [now] = await browserSessions();
    expect(now).not.toBe(first[0]);
    expect(await remembered()).toBe(now);

    await page.locator('#account-open').click();
    await page.locator('#devices li.device.current').waitFor(guard);
    expect(await page.locator('#devices .device-name').allTextContents()).toEqual([
      'Firefox on Android',
      'Chrome on Linux',
    ]);
    await looksRight(page, 'account-one-device-per-browser');
  });

  it('signs out all the other devices at once, and focus moves on to the password form', async () => {
    const phone = await device(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1',
    );
    await page.locator('#account-close').click();
    await page.locator('#account-open').click();
    await page.locator('#devices li.device').nth(2).waitFor(guard);
    await page.locator('#sign-out-others').click();
    await page.locator('#account-status').getByText('2 other devices are signed out.').waitFor(guard);
    expect(await page.locator('#devices li.device').count()).toBe(1);
    expect(await page.locator('#devices li.device.current').count()).toBe(1);
    expect(await page.locator('#sign-out-others').isHidden()).toBe(true);
    expect(await focused(page, '#current-password')).toBe(true);
    for (const token of [tablet, phone]) expect((await web.api('GET', '/sessions', { token })).status).toBe(401);
    await looksRight(page, 'account-others-signed-out');
  });

  it('deletes the account with its password, and the sign-in form says so', async () => {
    await page.locator('#delete-password').fill('not the password');
    await page.locator('#delete-account').click();
    await page.locator('#delete-account-error').getByText('That is not your password.').waitFor(guard);
    expect(await focused(page, '#delete-password')).toBe(true);
    await looksRight(page, 'account-delete-wrong-password');
    await page.locator('#delete-password').fill(rae.password);
    await page.locator('#delete-account').click();
    await page.locator('#sign-in-form').waitFor(guard);
    expect(await page.locator('#sign-in-error').textContent()).toBe('The account rae is deleted.');
    expect(await page.locator('#account').isHidden()).toBe(true);
    expect(await remembered()).toBeNull();
    await looksRight(page, 'account-deleted');
    // The name is free again: whoever takes it starts a new account.
    const again = await web.api('POST', '/sessions', { json: { username: 'rae', password: 'a new password' } });
    expect(again.status).toBe(201);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
