import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { expectAccessible } from '../../support/axe.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { setHidden, spy, spyOnNotifications } from '../../support/notifications.js';
import { repoRoot } from '../../support/process.js';
import { composerMode, conversation, guard, message, openConversation, send } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');

/** The desktop notifications a page has shown so far. */
const shown = async (page: Page) => (await spy(page)).shown;

describe('the web page tells the user what they asked for: mentions, levels, quiet time, this device', () => {
  const web = webFixture();
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  /** Alice's laptop (notifications allowed, watched) and her phone: two devices, each a browser of its own. */
  let laptop: WatchedPage;
  let phone: WatchedPage;

  const setLevel = (user: TestUser, name: string, level: string) =>
    web.api('PUT', `/conversations/${name}/notifications`, { token: user.token, json: { level } });
  const levelsOf = async (user: TestUser) => {
    const { body } = await web.api('GET', '/conversations', { token: user.token });
    return Object.fromEntries(
      (body.conversations as { with: string; notifications: string }[]).map((c) => [c.with, c.notifications]),
    );
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [alice, bob, carol] = await web.register('alice', 'bob', 'carol');
    expect(
      (await web.api('POST', '/groups', { token: bob.token, json: { name: 'team', members: ['alice', 'carol'] } }))
        .status,
    ).toBe(201);
    expect((await web.post(bob, 'alice', 'hello alice')).status).toBe(202);
    expect((await web.post(carol, 'team', 'morning all')).status).toBe(202);
    laptop = await web.signedIn(alice, {
      // axe-core is injected into this page; the page itself never needs the bypass.
      bypassCSP: true,
      prepare: async (context) => {
        await context.addInitScript(spyOnNotifications);
        await context.grantPermissions(['notifications'], { origin: web.url });
      },
    });
    phone = await web.signedIn(alice, { viewport: { width: 390, height: 844 } });
  });

  it('highlights a message that calls the reader, chips the names it calls, and marks its conversation until read', async () => {
    const { page } = laptop;
    await openConversation(page, 'bob');
    expect(
      (await web.post(bob, 'team', '@alice can you look at the release? @carol too, and @nobody else')).status,
    ).toBe(202);
    const team = conversation(page, 'team');
    await page.locator('#conversations li[data-with="team"][data-mentioned="true"]').waitFor(guard);
    expect(await team.locator('.mention-badge').textContent()).toBe('@ mentions you');
    await page.getByRole('button', { name: /team.*mentions you.*unread/ }).waitFor(guard);
    // The same on her other device.
    await phone.page.locator('#conversations li[data-with="team"][data-mentioned="true"]').waitFor(guard);

    await openConversation(page, 'team');
    const called = page.locator('#messages li.msg[data-mentioned="true"]');
    await called.waitFor(guard);
    expect(await called.count()).toBe(1);
    expect(await called.locator('.mention-mark').textContent()).toBe('mentions you');
    expect(
      await called.locator('.mention').evaluateAll((chips) => chips.map((c) => [c.textContent, c.className])),
    ).toEqual([
      ['@alice', 'mention reader'],
      ['@carol', 'mention'],
    ]);
    // The whole text is still there, as text, @nobody (no member) plain.
    expect(await called.locator('p.text').textContent()).toBe(
      '@alice can you look at the release? @carol too, and @nobody else',
    );
    expect(await message(page, 'morning all').getAttribute('data-mentioned')).toBeNull();
    // Read now: the list no longer marks it, on either device.
    await page.locator('#conversations li[data-with="team"][data-mentioned="false"]').waitFor(guard);
    await phone.page.locator('#conversations li[data-with="team"][data-mentioned="false"]').waitFor(guard);

    // The owner of the group may call everyone.
    expect((await web.post(bob, 'team', '@everyone standup in five')).status).toBe(202);
    await page.locator('#messages li.msg[data-mentioned="true"]').nth(1).waitFor(guard);
    await expectAccessible(page, 'a mention highlighted', async (scheme) => {
      await page.screenshot({ path: join(shots, `mention-${scheme}.png`) });
    });
  });

  it("sets the open conversation's level from its header; every device of the user follows, and the server has it", async () => {
    const { page } = laptop;
    const control = page.locator('#level-control');
    expect(await control.getAttribute('data-level')).toBe('all');
    await page.locator('#conv-level').click();
    await page.locator('#conv-level-panel').waitFor(guard);
    expect(await page.locator('#conv-level').getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('input[name="conv-level"]:checked').getAttribute('value')).toBe('all');
    await expectAccessible(page, 'the level control open', async (scheme) => {
      await page.screenshot({ path: join(shots, `level-open-${scheme}.png`) });
    });

    await page.locator('label.level-option').filter({ hasText: 'Mentions of me' }).click();
    await page.locator('#level-control[data-level="mentions"]').waitFor(guard);
    await page.locator('#conv-level-panel').waitFor({ state: 'hidden', ...guard });
    expect(await page.locator('#conv-level-text').textContent()).toBe('Mentions');
    await conversation(page, 'team').locator('.conv-level').waitFor(guard);

    // The other device hears it on its stream.
    await phone.page.locator('#conversations li[data-with="team"][data-level="mentions"] .conv-level').waitFor(guard);
    await openConversation(phone.page, 'team');
    await phone.page.locator('#level-control[data-level="mentions"]').waitFor(guard);
    expect(await levelsOf(alice)).toMatchObject({ team: 'mentions', bob: 'all', broad: 'none' });
    const history = await web.api('GET', '/messages?with=team', { token: alice.token });
    expect(history.body.notifications).toBe('mentions');

    // Muted from the phone, by keyboard: the laptop follows.
    await phone.page.locator('#conv-level').focus();
    await phone.page.keyboard.press('Enter');
    await phone.page.locator('input[name="conv-level"][value="mentions"]:focus').waitFor(guard);
    await phone.page.keyboard.press('ArrowDown');
    await phone.page.keyboard.press('Escape');
    await phone.page.locator('#conv-level-panel').waitFor({ state: 'hidden', ...guard });
    expect(await phone.page.evaluate(() => document.activeElement?.id)).toBe('conv-level');
    await page.locator('#level-control[data-level="none"]').waitFor(guard);
    await page.locator('#conversations li[data-with="team"][data-level="none"]').waitFor(guard);
    expect(await levelsOf(alice)).toMatchObject({ team: 'none' });
    // Everyone is muted unless asked for.
    expect(await conversation(page, 'broad').getAttribute('data-level')).toBe('none');
  });

  it("takes the command line's notify: and quiet:, says what they did, and never reads them as messages", async () => {
    const { page } = phone;
    await composerMode(page, 'command');
    await send(page, 'notify:team:mentions');
    await page.locator('#notice').getByText('team: mentions only.').waitFor(guard);
    await laptop.page.locator('#level-control[data-level="mentions"]').waitFor(guard);
    await send(page, 'quiet:off');
    await page.locator('#notice').getByText('No longer quiet.').waitFor(guard);
    await send(page, 'notify:team:none');
    await page.locator('#notice').getByText('team: notifications off.').waitFor(guard);
    await laptop.page.locator('#level-control[data-level="none"]').waitFor(guard);
    // No conversation with a user called "notify" or "quiet" was opened for them.
    expect(
      await page.locator('#conversations li[data-with="notify"], #conversations li[data-with="quiet"]').count(),
    ).toBe(0);
    await composerMode(page, 'message');
  });

  it('shows desktop notifications as the levels say: mentions only, muted, and everything', async () => {
    const { page } = laptop;
    expect((await setLevel(alice, 'team', 'mentions')).status).toBe(200);
    await page.locator('#conversations li[data-with="team"][data-level="mentions"]').waitFor(guard);
    await openConversation(page, 'bob');
    await setHidden(page, true);
    await setHidden(phone.page, true);
    expect((await web.post(carol, 'team', 'no one called')).status).toBe(202);
    expect((await web.post(carol, 'team', '@alice you are called')).status).toBe(202);
    await expect
      .poll(() => shown(page), guard)
      .toEqual([{ title: 'team', body: 'carol mentioned you: @alice you are called' }]);

    expect((await setLevel(alice, 'bob', 'none')).status).toBe(200);
    await page.locator('#conversations li[data-with="bob"][data-level="none"]').waitFor(guard);
    expect((await web.post(bob, 'alice', 'muted, so quiet')).status).toBe(202);
    expect((await setLevel(alice, 'bob', 'all')).status).toBe(200);
    await page.locator('#conversations li[data-with="bob"][data-level="all"]').waitFor(guard);
    expect((await web.post(bob, 'alice', 'heard again')).status).toBe(202);
    await expect.poll(async () => (await shown(page)).length, guard).toBe(2);
    expect((await shown(page))[1]).toEqual({ title: 'bob', body: 'heard again' });
    await setHidden(page, false);
    await setHidden(phone.page, false);
  });

  it('keeps quiet time in every tab and device: set in one, shown in the others, only direct messages notify', async () => {
    const { page, context } = laptop;
    const tab = await context.newPage();
    await tab.goto(web.url);
    await tab.locator('#conn[data-state="connected"]').waitFor(guard);

    await page.locator('#account-open').click();
    await page.locator('#account[open]').waitFor(guard);
    expect(await page.locator('#quiet-state').textContent()).toMatch(/^Off/);
    await page.locator('#quiet-hour').click();
    await page.locator('#quiet-state[data-quiet="true"]').waitFor(guard);
    for (const other of [page, tab, phone.page]) await other.locator('#quiet-badge').waitFor(guard);
    expect(await tab.locator('#quiet-badge').textContent()).toMatch(/^Quiet until \d/);
    const { body } = await web.api('GET', '/account/quiet', { token: alice.token });
    expect(Date.parse(body.until) - Date.now()).toBeGreaterThan(58 * 60_000);
    expect(Date.parse(body.until) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    await page.locator('#account-close').click();

    // Meanwhile a group message that calls her stays quiet; a direct one does not.
    const before = (await shown(page)).length;
    for (const p of [page, tab, phone.page]) await setHidden(p, true);
    expect((await web.post(carol, 'team', '@alice during the quiet')).status).toBe(202);
    expect((await web.post(bob, 'alice', 'direct, during the quiet')).status).toBe(202);
    await message(page, 'direct, during the quiet').waitFor({ state: 'attached', ...guard });
    const during = async () => [...(await shown(page)), ...(await shown(tab))].slice(before);
    await expect.poll(during, guard).toEqual([{ title: 'bob', body: 'direct, during the quiet' }]);
    for (const p of [page, tab, phone.page]) await setHidden(p, false);

    await tab.locator('#account-open').click();
    await tab.locator('#quiet-off').click();
    for (const other of [page, tab, phone.page])
      await other.locator('#quiet-badge').waitFor({ state: 'hidden', ...guard });
    expect((await web.api('GET', '/account/quiet', { token: alice.token })).body.until).toBeNull();
    await tab.close();
  });

  it('turns notifications on this device off and on from a click, and says this browser cannot receive pushes', async () => {
    const { page } = laptop;
    await page.locator('#account-open').click();
    const setting = page.locator('#device-notifications');
    // Allowed before the switch was ever touched: on, and the push this browser cannot take said plainly.
    await page.locator('#device-notifications[data-state="no-push-browser"]').waitFor(guard);
    expect(await page.locator('#device-notify').isChecked()).toBe(true);
    expect(await page.locator('#device-notify-status').textContent()).toBe(
      'This browser cannot receive pushes; notifications show while the page is open.',
    );
    await expectAccessible(page, 'the device setting, no push service', async (scheme) => {
      await setting.screenshot({ path: join(shots, `device-notifications-${scheme}.png`) });
    });

    await page.locator('#device-notify').click();
    await page.locator('#device-notifications[data-state="off"]').waitFor(guard);
    expect(await page.evaluate(() => localStorage.getItem('parley.notifications'))).toBe('off');
    const before = (await shown(page)).length;
    await page.locator('#account-close').click();
    await setHidden(page, true);
    expect((await web.post(bob, 'alice', 'this device is off')).status).toBe(202);
    await message(page, 'this device is off').waitFor({ state: 'attached', ...guard });
    await setHidden(page, false);
    expect(await shown(page)).toHaveLength(before);

    await page.locator('#account-open').click();
    const asked = (await spy(page)).asked;
    await page.locator('#device-notify').click();
    await page.locator('#device-notifications[data-state="no-push-browser"]').waitFor(guard);
    expect((await spy(page)).asked).toBe(asked + 1);
    expect(await page.evaluate(() => localStorage.getItem('parley.notifications'))).toBe('on');
    expect((await web.api('GET', '/push/subscriptions', { token: alice.token })).body.subscriptions).toEqual([]);
    await page.locator('#account-close').click();
  });

  it('raised no Content-Security-Policy violation, script error or failed request', () => {
    expect(policyOrScriptProblems(laptop)).toEqual([]);
    expect(laptop.problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  });
});

/** A push subscription as a browser with a push service makes one, with a real P-256 key and auth secret. */
function fakePushService({ keys, endpoint }: { keys: { p256dh: string; auth: string }; endpoint: string }): void {
  const saved = 'fake-push-subscribed';
  const subscription = (applicationServerKey: ArrayBuffer) => ({
    endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey },
    toJSON: () => ({ endpoint, expirationTime: null, keys }),
    unsubscribe: async () => {
      sessionStorage.removeItem(saved);
      return true;
    },
  });
  const bytes = (key: string) => Uint8Array.from(atob(key), (c) => c.charCodeAt(0)).buffer;
  PushManager.prototype.getSubscription = async function () {
    const key = sessionStorage.getItem(saved);
    return (key === null ? null : subscription(bytes(key))) as unknown as PushSubscription;
  };
  PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
    const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
    sessionStorage.setItem(saved, btoa(String.fromCharCode(...key)));
    return subscription(key.buffer) as unknown as PushSubscription;
  };
}

describe("the web page hands this device's push subscription to the server, and takes it back", () => {
  // The stand-in push service listens on loopback: allowed as a destination for this test only.
  const web = webFixture({ args: ['--push-allow-private'] });
  let dave: TestUser;
  let watched: WatchedPage;

  const subscriptions = async () =>
    (await web.api('GET', '/push/subscriptions', { token: dave.token })).body.subscriptions as {
      id: string;
      endpoint: string;
    }[];

  beforeAll(async () => {
    [dave] = await web.register('dave');
    const { createECDH, randomBytes } = await import('node:crypto');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const keys = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
    watched = await web.signedIn(dave, {
      prepare: async (context) => {
        // Headless Chromium has no push service: this one makes subscriptions as a real one would.
        await context.addInitScript(fakePushService, { keys, endpoint: 'http://127.0.0.1:9/push/dave-laptop' });
        await context.grantPermissions(['notifications'], { origin: web.url });
      },
    });
  });

  it('subscribes this device once notifications are allowed, and hands the same subscription over again on every load', async () => {
    const { page } = watched;
    await page.locator('#account-open').click();
    await page.locator('#device-notifications[data-state="push"]').waitFor(guard);
    expect(await page.locator('#device-notify-status').textContent()).toBe(
      'On: new messages reach this device even while Parley is closed.',
    );
    const [first, ...others] = await subscriptions();
    expect(others).toEqual([]);
    expect(first!.endpoint).toBe('http://127.0.0.1:9/push/dave-laptop');

    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    await page.locator('#device-notifications[data-state="push"]').waitFor({ state: 'attached', ...guard });
    expect((await subscriptions()).map((s) => s.id)).toEqual([first!.id]);
  });

  it('ends the subscription when turned off, and makes one again when turned on', async () => {
    const { page } = watched;
    await page.locator('#account-open').click();
    await page.locator('#device-notify').click();
    await page.locator('#device-notifications[data-state="off"]').waitFor(guard);
    await expect.poll(subscriptions, guard).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem('fake-push-subscribed'))).toBeNull();
    await page.locator('#device-notify').click();
    await page.locator('#device-notifications[data-state="push"]').waitFor(guard);
    expect(await subscriptions()).toHaveLength(1);
    await page.locator('#account-close').click();
  });

  it('leaves the device unsubscribed on sign-out, on the server and in the browser', async () => {
    const { page } = watched;
    await page.locator('#sign-out').click();
    await page.locator('#sign-in-form').waitFor(guard);
    await expect.poll(subscriptions, guard).toEqual([]);
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('fake-push-subscribed')), guard).toBeNull();
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
