import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { streamPath, type TestUser } from '../../support/api.js';
import { setHidden, spy, spyOnNotifications } from '../../support/notifications.js';
import { conversation, guard, message, person, send } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const tabs = 10;

/**
 * Ten tabs of one signed-in browser. Over HTTP/1.1 a browser keeps at most six connections to a host, so ten
 * streams of their own would leave tabs seven and up waiting for ever. The server allows the user one stream
 * (--max-streams-per-user 1): a second would be refused with 429, and the tab that opened it would not show
 * "connected".
 */
describe.each([
  { way: 'a SharedWorker', user: 'tara', withoutSharedWorker: false },
  { way: 'the tab holding the leader lock (no SharedWorker)', user: 'uma', withoutSharedWorker: true },
])('ten tabs of one browser share one stream, held by $way', ({ user: name, withoutSharedWorker }) => {
  const web = webFixture({ args: ['--max-streams-per-user', '1'] });
  let context: BrowserContext;
  let pages: Page[] = [];
  let user: TestUser;
  let bob: TestUser;
  const problems: string[][] = [];
  const dm = (text: string) => web.post(bob, name, text);
  /** Every tab shows the message exactly once. */
  async function shownOnceInEvery(text: string): Promise<void> {
    for (const page of pages) {
      await message(page, text).waitFor(guard);
      expect(await message(page, text).count()).toBe(1);
    }
  }

  beforeAll(async () => {
    [user, bob] = await web.register(name, 'bob');
    const first = await web.signedIn(user, {
      prepare: async (context) => {
        if (withoutSharedWorker) {
          await context.addInitScript(() => {
            delete (window as { SharedWorker?: unknown }).SharedWorker;
          });
        }
        await context.addInitScript(spyOnNotifications);
        await context.grantPermissions(['notifications'], { origin: web.url });
      },
    });
    context = first.context;
    problems.push(first.problems);
    pages = [first.page];
  });

  it('shows the chat view, connected, in all ten tabs', async () => {
    for (let i = 1; i < tabs; i++) {
      const page = await context.newPage();
      const seen: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') seen.push(m.text());
      });
      problems.push(seen);
      await page.goto(web.url, guard);
      await page.locator('#conn[data-state="connected"]').waitFor(guard);
      expect(await page.locator('#me-name').textContent()).toBe(name);
      pages.push(page);
    }
    expect(pages).toHaveLength(tabs);
  });

  it('holds one stream for the user on the server: another is refused, and no tab was', async () => {
    const users = await web.api('GET', '/users', { token: bob.token });
    expect(users.body.users).toContainEqual({ name, online: true });
    const another = await fetch(new URL(streamPath(user), web.url), {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(another.status).toBe(429);
    await another.body?.cancel();
    await web.server.waitForLog((e) => JSON.stringify(e).includes('too_many_streams'));
    expect(web.server.logs.filter((e) => JSON.stringify(e).includes('too_many_streams'))).toHaveLength(1);
    for (const page of pages) expect(await page.locator('#conn').getAttribute('data-state')).toBe('connected');
  });

  it('shows a direct message sent from outside exactly once in each tab, and every tab can send', async () => {
    for (const page of pages) await person(page, 'bob').locator('button.target').click();
    expect((await dm('one for every tab')).status).toBe(202);
    await shownOnceInEvery('one for every tab');
    await send(pages[4]!, 'sent from tab five');
    await shownOnceInEvery('sent from tab five');
  });

  it('keeps read state and unread counts the same in every tab', async () => {
    const [carol] = await web.register('carol');
    expect(
      (await web.api('POST', '/messages', { token: carol.token, json: { to: name, text: 'unread until read' } }))
        .status,
    ).toBe(202);
    for (const page of pages)
      await page.locator('#conversations li[data-with="carol"][data-unread="1"]').waitFor(guard);
    await conversation(pages[2]!, 'carol').locator('button').click();
    for (const page of pages)
      await page.locator('#conversations li[data-with="carol"][data-unread="0"]').waitFor(guard);
    for (const page of pages) expect(await page.title()).toBe('Parley');
    await conversation(pages[2]!, 'bob').locator('button').click();
    await pages[2]!.locator('#conv-title').getByText('bob', { exact: true }).waitFor(guard);
  });

  it('shows one desktop notification per browser, not one per tab', async () => {
    for (const page of pages) await setHidden(page, true);
    expect((await dm('notify me once')).status).toBe(202);
    for (const page of pages) await message(page, 'notify me once').waitFor(guard);
    // Every tab has the message; the one notification was made when it came, in the tab that got it first.
    const shown = (await Promise.all(pages.map(async (page) => (await spy(page)).shown))).flat();
    expect(shown).toEqual([{ title: 'bob', body: 'notify me once' }]);
    for (const page of pages) await setHidden(page, false);
  });

  it('goes on in the other nine after the tab that started the stream is closed, nothing lost or twice', async () => {
    const [first] = pages.splice(0, 1);
    await first!.close();
    expect((await dm('after the first tab closed')).status).toBe(202);
    await shownOnceInEvery('after the first tab closed');
    for (const page of pages) await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect((await dm('and one more')).status).toBe(202);
    await shownOnceInEvery('and one more');
    await shownOnceInEvery('one for every tab');
    const users = await web.api('GET', '/users', { token: bob.token });
    expect(users.body.users).toContainEqual({ name, online: true });
  });

  it('raised no script error in any tab', () => {
    for (const seen of problems) expect(seen.filter((p) => /pageerror|uncaught/i.test(p))).toEqual([]);
  });
});
