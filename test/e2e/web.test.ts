import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, type WatchedPage } from '../support/browser.js';
import { repoRoot, spawnServer, tempDir, type ServerProcess } from '../support/process.js';
import { openSse, type SseReader } from '../support/sse.js';

/** Waits on page state, never on the clock; this is only the guard against a page that never gets there. */
const guard = { timeout: 15_000 };
const shots = join(repoRoot, 'test-output/web');

interface Peer {
  readonly name: string;
  readonly token: string;
}

interface Msgform {
  id: string;
  from: string;
  to: string;
  group?: string;
  kind: string;
  text: string;
}

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

async function join_(base: string, name: string): Promise<Peer> {
  const res = await call(base, 'POST', '/sessions', undefined, { username: name, password: `${name}-secret` });
  expect(res.status).toBe(201);
  return { name, token: String(res.body!.token) };
}

const stream = (base: string, peer: Peer) => openSse(new URL(`/users/${peer.name}/stream`, base).href, { authorization: `Bearer ${peer.token}` });
const received = (reader: SseReader, match: (m: Msgform) => boolean) =>
  reader.until(() => reader.messages<Msgform>().some(match)).then(() => reader.messages<Msgform>().filter(match));

const user = (page: Page, name: string) => page.locator(`#users li[data-name="${name}"]`);
const message = (page: Page, text: string) => page.locator('#messages li.msg', { has: page.locator('p.text', { hasText: text }) });

async function send(page: Page, text: string) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

describe('the web page', () => {
  const dataDir = tempDir('parley-web-');
  // A durable store, so that accounts, sessions and queues outlive the restart below.
  const storeArgs = ['--store', 'sqlite', '--data', dataDir];
  let server: ServerProcess;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  let bob: Peer;
  let carol: Peer;
  let bobStream: SseReader;
  /** The id of the last message the page received on its stream. */
  let lastIncomingId: string;
  const me = 'webuser';

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [server, browser] = await Promise.all([spawnServer(storeArgs), launchBrowser()]);
    watched = await openPage(browser);
    page = watched.page;
  });

  afterAll(async () => {
    bobStream?.close();
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served with a Content-Security-Policy that lets it run only its own scripts and styles', async () => {
    const res = await page.goto(server.url);
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    await page.locator('#sign-in-form').waitFor(guard);
  });

  it('registers a new user from the sign-in form and lists the users', async () => {
    await page.locator('#username').fill(me);
    await page.locator('#password').fill('correct horse');
    await page.locator('#sign-in-submit').click();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(await page.locator('#me-name').textContent()).toBe(me);
    await user(page, me).waitFor(guard);
    expect(await page.locator('#sign-in-view').isHidden()).toBe(true);
    await page.locator('#messages-empty').waitFor(guard);
    await page.screenshot({ path: join(shots, 'laptop-empty.png') });
  });

  it('shows another user as they register and then as online when they open their stream', async () => {
    bob = await join_(server.url, 'bob');
    await page.locator('#users li[data-name="bob"][data-online="false"]').waitFor(guard);
    bobStream = await stream(server.url, bob);
    await page.locator('#users li[data-name="bob"][data-online="true"]').waitFor(guard);
  });

  it('shows a direct message from another user with its sender, kind and time', async () => {
    const res = await call(server.url, 'POST', '/messages', bob.token, { to: me, text: 'hello from bob' });
    expect(res.status).toBe(202);
    const shown = message(page, 'hello from bob');
    await shown.waitFor(guard);
    expect(await shown.getAttribute('data-kind')).toBe('direct');
    expect(await shown.getAttribute('data-id')).toBe(res.body!.id);
    expect(await shown.locator('.from').textContent()).toBe('bob');
    expect(await shown.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('sends a direct message written in the command syntax, shows it, and the recipient receives it', async () => {
    await send(page, 'bob: hi bob, by command');
    await message(page, 'hi bob, by command').and(page.locator('.mine')).waitFor(guard);
    const got = await received(bobStream, (m) => m.text === 'hi bob, by command');
    expect(got).toMatchObject([{ from: me, to: 'bob', kind: 'direct' }]);
  });

  it('sends a direct message to a user picked in the list', async () => {
    await user(page, 'bob').locator('button.target').click();
    expect(await page.locator('#to').inputValue()).toBe('bob');
    await send(page, 'hi bob, by picking you');
    await message(page, 'hi bob, by picking you').waitFor(guard);
    const got = await received(bobStream, (m) => m.text === 'hi bob, by picking you');
    expect(got).toMatchObject([{ from: me, to: 'bob', kind: 'direct' }]);
  });

  it('broadcasts with the broadcast choice and with broad:', async () => {
    await page.locator('#pick-broadcast').click();
    await send(page, 'to everyone, by button');
    await page.locator('#to').selectOption('');
    await send(page, 'broad: to everyone, by command');
    await message(page, 'to everyone, by command').waitFor(guard);
    expect(await message(page, 'to everyone, by button').getAttribute('data-kind')).toBe('broadcast');
    const got = await received(bobStream, (m) => m.text === 'to everyone, by command');
    expect(got).toMatchObject([{ from: me, kind: 'broadcast' }]);
    expect(bobStream.messages<Msgform>().filter((m) => m.text === 'to everyone, by button')).toMatchObject([{ from: me, kind: 'broadcast' }]);
  });

  it('creates a group from the ticked users and sends to it', async () => {
    carol = await join_(server.url, 'carol');
    await user(page, 'carol').waitFor(guard);
    await user(page, 'bob').locator('input.tick').check();
    await user(page, 'carol').locator('input.tick').check();
    await page.locator('#group-name').fill('crew');
    await page.locator('#group-create').click();
    await page.locator('#groups li[data-name="crew"]').waitFor(guard);
    expect(await page.locator('#to').inputValue()).toBe('crew');
    const groups = await call(server.url, 'GET', '/groups', carol.token);
    expect(groups.body!.groups).toMatchObject([{ name: 'crew', members: expect.arrayContaining(['bob', 'carol', me]), createdBy: me }]);

    await send(page, 'hello crew');
    await message(page, 'hello crew').waitFor(guard);
    const got = await received(bobStream, (m) => m.text === 'hello crew');
    expect(got).toMatchObject([{ from: me, to: 'bob', group: 'crew', kind: 'group' }]);
  });

  it('creates a group and sends to it with the command syntax', async () => {
    await page.locator('#to').selectOption('');
    await send(page, 'mk_grp:duo:bob');
    await page.locator('#groups li[data-name="duo"]').waitFor(guard);
    await send(page, 'duo: hello duo');
    await message(page, 'hello duo').waitFor(guard);
    expect(await message(page, 'hello duo').getAttribute('data-kind')).toBe('group');
    const got = await received(bobStream, (m) => m.text === 'hello duo');
    expect(got).toMatchObject([{ from: me, group: 'duo', kind: 'group' }]);
  });

  it('shows group messages from others with the group name', async () => {
    const res = await call(server.url, 'POST', '/messages', carol.token, { to: 'crew', text: 'carol to the crew' });
    expect(res.status).toBe(202);
    const shown = message(page, 'carol to the crew');
    await shown.waitFor(guard);
    expect(await shown.getAttribute('data-kind')).toBe('group');
    expect(await shown.locator('.to').textContent()).toBe('crew');
    expect(await shown.locator('.from').textContent()).toBe('carol');
  });

  it('shows a hostile text as plain text that runs nothing', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>bold?</b>';
    await call(server.url, 'POST', '/messages', bob.token, { to: me, text: hostile });
    const shown = message(page, '<img src=x');
    await shown.waitFor(guard);
    expect(await shown.locator('p.text').textContent()).toBe(hostile);
    expect(await page.locator('#messages img, #messages script, #messages b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('shows the server error detail when a send is refused', async () => {
    await page.locator('#to').selectOption('');
    await send(page, 'nobody-here: hello?');
    await page.locator('#notice[data-tone="error"]', { hasText: 'nobody-here' }).waitFor(guard);
    expect(await page.locator('#text').inputValue()).toBe('nobody-here: hello?');
    await page.locator('#text').fill('');
  });

  it('looks clean on a laptop and on a phone', async () => {
    await page.locator('#notice').waitFor({ state: 'hidden', ...guard });
    await page.screenshot({ path: join(shots, 'laptop-chat.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(shots, 'laptop-chat-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#sidebar-toggle').waitFor(guard);
    expect(await page.locator('#sidebar').isHidden()).toBe(true);
    await page.screenshot({ path: join(shots, 'phone-chat.png') });
    await page.locator('#sidebar-toggle').click();
    await user(page, 'bob').waitFor(guard);
    await page.screenshot({ path: join(shots, 'phone-people.png') });
    await user(page, 'carol').locator('button.target').click();
    await page.locator('#sidebar').waitFor({ state: 'hidden', ...guard });
    expect(await page.locator('#to').inputValue()).toBe('carol');
    // Nothing may stick out sideways on a narrow screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('keeps the session and the conversation across a reload', async () => {
    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(await page.locator('#me-name').textContent()).toBe(me);
    await message(page, 'hello from bob').waitFor(guard);
    expect(await message(page, 'hello from bob').count()).toBe(1);
  });

  it('reconnects after a server restart and shows a message sent during the gap exactly once', async () => {
    const port = server.port;
    bobStream.close();
    expect(await server.stop()).toBe(0);
    await page.locator('#conn[data-state="reconnecting"]').waitFor(guard);
    await page.screenshot({ path: join(shots, 'laptop-reconnecting.png') });
    server = await spawnServer([...storeArgs, '--port', String(port)]);

    const gap = await call(server.url, 'POST', '/messages', bob.token, { to: me, text: 'sent while you were away' });
    expect(gap.status).toBe(202);
    await message(page, 'sent while you were away').waitFor(guard);
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    // Messages come in order: once a later one is shown, a repeat of the earlier one would have been too.
    const after = await call(server.url, 'POST', '/messages', bob.token, { to: me, text: 'and one after' });
    lastIncomingId = String(after.body!.id);
    await message(page, 'and one after').waitFor(guard);
    expect(await message(page, 'sent while you were away').count()).toBe(1);
    expect(await page.locator(`#messages li[data-id="${String(gap.body!.id)}"]`).count()).toBe(1);

    bobStream = await stream(server.url, bob);
    await send(page, 'bob: back again');
    const got = await received(bobStream, (m) => m.text === 'back again');
    expect(got).toHaveLength(1);
  });

  it('opens a new stream from the last message it saw when the server answers the stream with an error status', async () => {
    const streams: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/stream')) streams.push(req.url());
    });
    // The first reconnection meets an error status, as from a server that is still shutting down, and so
    // the EventSource gives up (readyState CLOSED): the page must open a new one itself.
    await page.route(`**/users/${me}/stream*`, (route) => route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'urn:parley:problem:unavailable', title: 'Service unavailable', status: 503, detail: 'shutting down', code: 'unavailable' }),
    }), { times: 1 });
    const port = server.port;
    bobStream.close();
    expect(await server.stop()).toBe(0);
    await page.locator('#conn[data-state="reconnecting"]').waitFor(guard);
    server = await spawnServer([...storeArgs, '--port', String(port)]);

    const gap = await call(server.url, 'POST', '/messages', bob.token, { to: me, text: 'sent while the stream was refused' });
    expect(gap.status).toBe(202);
    await message(page, 'sent while the stream was refused').waitFor(guard);
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(streams.at(-1)).toBe(`${server.url}/users/${me}/stream?presence=true&lastEventId=${lastIncomingId}`);
    const marker = await call(server.url, 'POST', '/messages', bob.token, { to: me, text: 'one more after' });
    await message(page, 'one more after').waitFor(guard);
    lastIncomingId = String(marker.body!.id);
    expect(await message(page, 'sent while the stream was refused').count()).toBe(1);
    expect(await message(page, 'sent while you were away').count()).toBe(1);
    bobStream = await stream(server.url, bob);
  });

  it('signs out with exit and shows the server error detail for a wrong password', async () => {
    await page.locator('#to').selectOption('');
    await send(page, 'exit');
    await page.locator('#sign-in-form').waitFor(guard);
    expect(await page.locator('#session').isHidden()).toBe(true);
    expect((await page.context().cookies()).filter((c) => c.name === 'parley_session')).toEqual([]);

    await page.locator('#username').fill(me);
    await page.locator('#password').fill('wrong horse');
    await page.locator('#sign-in-submit').click();
    const error = page.locator('#sign-in-error');
    await error.waitFor(guard);
    expect(await error.textContent()).toContain('wrong password');
    await page.screenshot({ path: join(shots, 'laptop-sign-in-error.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, 'phone-sign-in-error.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.locator('#password').fill('correct horse');
    await page.locator('#sign-in-submit').click();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    await page.locator('#sign-out').click();
    await page.locator('#sign-in-form').waitFor(guard);
    expect((await page.context().cookies()).filter((c) => c.name === 'parley_session')).toEqual([]);
  });

  it('asks to sign in again when the session is ended elsewhere', async () => {
    await page.locator('#username').fill(me);
    await page.locator('#password').fill('correct horse');
    await page.locator('#sign-in-submit').click();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'parley_session');
    expect((await call(server.url, 'DELETE', '/sessions/current', cookie!.value)).status).toBe(204);
    await page.locator('#sign-in-error', { hasText: 'session has ended' }).waitFor(guard);
    expect(await page.locator('#chat-view').isHidden()).toBe(true);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(watched.problems.filter((p) => /content.security.policy|refused to (load|execute|apply)|pageerror/i.test(p))).toEqual([]);
  });
});
