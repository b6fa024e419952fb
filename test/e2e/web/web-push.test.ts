import type { BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { guard, openConversation, signIn } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

/** What the server pushes, decrypted (openapi.yaml's PushPayload). */
interface PushPayload {
  id: string;
  from: string;
  kind: 'direct' | 'group' | 'broadcast';
  with: string;
  text?: string;
  mention: boolean;
  sentAt: string;
}

const sentAt = '2026-12-06T14:00:00.000Z';

/** What the tests use of the worker's global scope: TypeScript's DOM library here has no worker types. */
interface WorkerScope {
  registration: { getNotifications(filter?: { tag?: string }): Promise<Notification[]> };
  clients: { openWindow(url: string | URL): Promise<unknown> };
  dispatchEvent(event: Event): boolean;
}
declare const NotificationEvent: new (type: string, init: { notification: Notification }) => Event;

/** The width and height a PNG's header says. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The notifications the worker's registration shows, as the page sees them. */
const notifications = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      data: n.data as unknown,
    }));
  });

/**
 * A click on the worker's notification of `tag`, as the browser reports one: no test can click a real
 * notification, so the event is made in the worker.
 */
const clickNotification = (worker: Worker, tag: string) =>
  worker.evaluate(async (wanted) => {
    const scope = self as unknown as WorkerScope;
    const shown = await scope.registration.getNotifications({ tag: wanted });
    if (shown.length !== 1) throw new Error(`${shown.length} notifications tagged ${wanted}`);
    scope.dispatchEvent(new NotificationEvent('notificationclick', { notification: shown[0]! }));
  }, tag);

describe('the web page on a device: its service worker, its manifest, and pushed notifications', () => {
  const web = webFixture();
  let alice: TestUser;
  let watched: WatchedPage;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let registrationId: string | undefined;

  /** Delivers a push to the page's worker as a push service would (the CDP stands in for one). */
  const push = (payload: PushPayload) =>
    cdp.send('ServiceWorker.deliverPushMessage', {
      origin: web.url,
      registrationId: registrationId!,
      data: JSON.stringify(payload),
    });

  beforeAll(async () => {
    let bob: TestUser;
    [alice, bob] = await web.register('alice', 'bob');
    expect(
      (await web.api('POST', '/groups', { token: alice.token, json: { name: 'team', members: ['bob'] } })).status,
    ).toBe(201);
    expect((await web.post(bob, 'alice', 'hello alice')).status).toBe(202);
    watched = await web.page({
      prepare: (context) => context.grantPermissions(['notifications'], { origin: web.url }),
    });
    ({ context, page } = watched);
    cdp = await context.newCDPSession(page);
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      for (const r of registrations)
        if (!r.isDeleted && r.scopeURL === `${web.url}/`) registrationId = r.registrationId;
    });
    await cdp.send('ServiceWorker.enable');
  });

  it('serves the service worker at the root as JavaScript, under the page policy', async () => {
    const res = await fetch(new URL('/sw.js', web.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain("addEventListener('push'");
  });

  it('serves a web app manifest with the name, the start, the colours and the icons, linked from the page', async () => {
    const res = await fetch(new URL('/manifest.webmanifest', web.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as Record<string, any>;
    expect(manifest).toMatchObject({
      name: 'Parley',
      short_name: 'Parley',
      start_url: '/',
      display: 'standalone',
      theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
      background_color: '#f4f5f7',
    });
    const sizes = manifest.icons.map((icon: { sizes: string }) => icon.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512', 'any']));
    for (const icon of manifest.icons as { src: string; sizes: string; type: string }[]) {
      const file = await fetch(new URL(icon.src, res.url));
      expect(file.status, icon.src).toBe(200);
      expect(file.headers.get('content-type')).toContain(icon.type);
      if (icon.type === 'image/png') {
        const { width, height } = pngSize(Buffer.from(await file.arrayBuffer()));
        expect(`${width}x${height}`).toBe(icon.sizes);
      }
    }

    await page.goto(web.url);
    expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe('manifest.webmanifest');
    // The browser reads it as a manifest, under the page's policy.
    const { url, errors, data } = await cdp.send('Page.getAppManifest');
    expect(url).toBe(`${web.url}/manifest.webmanifest`);
    expect(errors).toEqual([]);
    expect(JSON.parse(data ?? '{}')).toMatchObject({ name: 'Parley', display: 'standalone' });
  });

  it('registers the service worker at scope / on load, signed in or not, and it becomes active', async () => {
    await page.locator('#sign-in-form').waitFor(guard);
    const registration = await page.evaluate(async () => {
      const ready = await navigator.serviceWorker.ready;
      return { scope: ready.scope, script: ready.active?.scriptURL, state: ready.active?.state };
    });
    expect(registration).toEqual({ scope: `${web.url}/`, script: `${web.url}/sw.js`, state: 'activated' });
    await expect.poll(() => registrationId, guard).toBeDefined();
    expect(context.serviceWorkers().map((w) => w.url())).toEqual([`${web.url}/sw.js`]);
  });

  it('shows a pushed message as a notification: who, where, what, and that it mentions the reader', async () => {
    await push({
      id: '42',
      from: 'bob',
      kind: 'group',
      with: 'team',
      text: '@alice the build is green',
      mention: true,
      sentAt,
    });
    await expect
      .poll(() => notifications(page), guard)
      .toEqual([
        {
          title: 'bob mentioned you in team',
          body: '@alice the build is green',
          tag: 'conv:team',
          data: { with: 'team', id: '42' },
        },
      ]);
    // A server that sends no text (--push-content none) still says who wrote where.
    await push({ id: '43', from: 'bob', kind: 'direct', with: 'bob', mention: false, sentAt });
    await push({ id: '44', from: 'bob', kind: 'broadcast', with: 'broad', text: 'lunch', mention: false, sentAt });
    await expect.poll(async () => (await notifications(page)).length, guard).toBe(3);
    expect(await notifications(page)).toEqual(
      expect.arrayContaining([
        { title: 'bob', body: 'New message', tag: 'conv:bob', data: { with: 'bob', id: '43' } },
        { title: 'bob in Everyone', body: 'lunch', tag: 'conv:broad', data: { with: 'broad', id: '44' } },
      ]),
    );
  });

  it('opens the conversation of a clicked notification in the page that is open', async () => {
    await signIn(page, alice.name, alice.password);
    await openConversation(page, 'bob');
    const [worker] = context.serviceWorkers();
    await clickNotification(worker!, 'conv:team');
    await page.locator('#conv-title').getByText('team', { exact: true }).waitFor(guard);
    await page.locator('#conversations li[data-with="team"] button[aria-current="true"]').waitFor(guard);
    // Clicked, it is gone.
    expect((await notifications(page)).map((n) => n.tag)).not.toContain('conv:team');
  });

  it('opens a new page on the conversation of a clicked notification when no page is open', async () => {
    await push({ id: '45', from: 'bob', kind: 'direct', with: 'bob', text: 'are you there?', mention: false, sentAt });
    await expect
      .poll(async () => (await notifications(page)).find((n) => n.tag === 'conv:bob')?.body, guard)
      .toBe('are you there?');
    const [worker] = context.serviceWorkers();
    // Chromium lets a worker open a window only while it handles a click the browser itself reported; a click
    // made in the worker is refused. The worker's call is watched instead, and what it asked for is opened as
    // the browser would have.
    await worker!.evaluate(() => {
      const clients = (self as unknown as WorkerScope).clients;
      const opened: string[] = [];
      Object.assign(self, { opened });
      clients.openWindow = async (url: string | URL) => {
        opened.push(String(url));
        return null;
      };
    });
    await page.close();
    await clickNotification(worker!, 'conv:bob');
    const opened = await worker!.evaluate(() => (self as unknown as { opened: string[] }).opened);
    expect(opened).toEqual(['/#with=bob']);

    const fresh = await context.newPage();
    await fresh.goto(new URL(opened[0]!, web.url).href);
    await fresh.locator('#conv-title').getByText('bob', { exact: true }).waitFor(guard);
    await fresh.locator('#conversations li[data-with="bob"] button[aria-current="true"]').waitFor(guard);
    // The address has done its work: a reload opens the conversation last open, not the link again.
    await expect.poll(() => fresh.evaluate(() => window.location.hash), guard).toBe('');
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
