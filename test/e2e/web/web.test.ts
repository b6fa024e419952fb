import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamPath, type TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { repoRoot } from '../../support/process.js';
import { openSse, type SseReader } from '../../support/sse.js';
import {
  composerMode,
  conversation,
  guard,
  inScheme,
  message,
  openConversation,
  person,
  send,
  shownTexts,
  signIn,
} from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');

interface Msgform {
  id: string;
  from: string;
  to: string;
  group?: string;
  kind: string;
  text: string;
}

const stream = (base: string, user: TestUser) =>
  openSse(new URL(streamPath(user), base).href, { authorization: `Bearer ${user.token}` });
const received = (reader: SseReader, match: (m: Msgform) => boolean) =>
  reader.until(() => reader.messages<Msgform>().some(match)).then(() => reader.messages<Msgform>().filter(match));

describe('the web page', () => {
  // A durable store (the fixture's), so that accounts, sessions and history outlive the restarts below.
  const web = webFixture();
  let watched: WatchedPage;
  let page: Page;
  let bob: TestUser;
  let carol: TestUser;
  let bobStream: SseReader;
  /** The id of the last message the page received on its stream. */
  let lastIncomingId: string;
  const me = 'webuser';

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    watched = await web.page();
    page = watched.page;
  });

  afterAll(() => {
    bobStream?.close();
  });

  it('is served with a Content-Security-Policy that lets it run only its own scripts and styles', async () => {
    const res = await page.goto(web.url);
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    await page.locator('#sign-in-form').waitFor(guard);
  });

  it('registers a new user from the sign-in form, lists the users and Everyone, and opens no conversation', async () => {
    await signIn(page, me, 'correct horse');
    expect(await page.locator('#me-name').textContent()).toBe(me);
    await person(page, me).waitFor(guard);
    await conversation(page, 'broad').waitFor(guard);
    expect(await conversation(page, 'broad').locator('.conv-name').textContent()).toBe('Everyone');
    expect(await page.locator('#sign-in-view').isHidden()).toBe(true);
    await page.locator('#messages-empty').waitFor(guard);
    expect(await page.locator('#conv-title').textContent()).toBe('No conversation open');
    await page.screenshot({ path: join(shots, 'laptop-empty.png') });
  });

  it('shows another user as they register and then as online when they open their stream', async () => {
    [bob] = await web.register('bob');
    await page.locator('#users li[data-name="bob"][data-online="false"]').waitFor(guard);
    bobStream = await stream(web.url, bob);
    await page.locator('#users li[data-name="bob"][data-online="true"]').waitFor(guard);
  });

  it('puts a direct message from another user in their conversation with an unread count, shown with its sender and time', async () => {
    const res = await web.post(bob, me, 'hello from bob');
    expect(res.status).toBe(202);
    await page.locator('#conversations li[data-with="bob"][data-unread="1"]').waitFor(guard);
    expect(await conversation(page, 'bob').locator('.conv-last').textContent()).toBe('hello from bob');
    expect(await page.title()).toBe('(1) Parley');
    await openConversation(page, 'bob');
    const shown = message(page, 'hello from bob');
    await shown.waitFor(guard);
    expect(await shown.getAttribute('data-kind')).toBe('direct');
    expect(await shown.getAttribute('data-id')).toBe(res.body.id);
    expect(await shown.locator('.from').textContent()).toBe('bob');
    expect(await shown.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.locator('#conv-sub').textContent()).toBe('online');
    // Opening it marks it read, on the server too.
    await page.locator('#conversations li[data-with="bob"][data-unread="0"]').waitFor(guard);
    expect(await page.title()).toBe('Parley');
  });

  it('sends a direct message written in the command syntax, shows it once in its conversation, and the recipient receives it', async () => {
    await composerMode(page, 'command');
    await send(page, 'bob: hi bob, by command');
    await message(page, 'hi bob, by command').and(page.locator('.mine')).waitFor(guard);
    const got = await received(bobStream, (m) => m.text === 'hi bob, by command');
    expect(got).toMatchObject([{ from: me, to: 'bob', kind: 'direct' }]);
    expect(await message(page, 'hi bob, by command').count()).toBe(1);
    expect(await conversation(page, 'bob').locator('.conv-last').textContent()).toBe('You: hi bob, by command');
  });

  it('opens the conversation with a person picked in the list and sends to them', async () => {
    await composerMode(page, 'message');
    await openConversation(page, 'broad');
    await person(page, 'bob').locator('button.target').click();
    await page.locator('#conv-title').getByText('bob', { exact: true }).waitFor(guard);
    await send(page, 'hi bob, by picking you');
    await message(page, 'hi bob, by picking you').waitFor(guard);
    const got = await received(bobStream, (m) => m.text === 'hi bob, by picking you');
    expect(got).toMatchObject([{ from: me, to: 'bob', kind: 'direct' }]);
    expect(await shownTexts(page)).toEqual(['hello from bob', 'hi bob, by command', 'hi bob, by picking you']);
  });

  it('broadcasts in the Everyone conversation and with broad:', async () => {
    await openConversation(page, 'broad');
    await send(page, 'to everyone, by the conversation');
    await message(page, 'to everyone, by the conversation').waitFor(guard);
    await composerMode(page, 'command');
    await send(page, 'broad: to everyone, by command');
    await message(page, 'to everyone, by command').waitFor(guard);
    expect(await message(page, 'to everyone, by the conversation').getAttribute('data-kind')).toBe('broadcast');
    const got = await received(bobStream, (m) => m.text === 'to everyone, by command');
    expect(got).toMatchObject([{ from: me, kind: 'broadcast' }]);
    expect(bobStream.messages<Msgform>().filter((m) => m.text === 'to everyone, by the conversation')).toMatchObject([
      { from: me, kind: 'broadcast' },
    ]);
    await composerMode(page, 'message');
  });

  it('creates a group from the ticked users, opens its conversation and sends to it', async () => {
    [carol] = await web.register('carol');
    await person(page, 'carol').waitFor(guard);
    await person(page, 'bob').locator('input.tick').check();
    await person(page, 'carol').locator('input.tick').check();
    await page.locator('#group-name').fill('crew');
    await page.locator('#group-create').click();
    await conversation(page, 'crew').waitFor(guard);
    await page.locator('#conv-title').getByText('crew', { exact: true }).waitFor(guard);
    const groups = await web.api('GET', '/groups', { token: carol.token });
    expect(groups.body.groups).toMatchObject([
      { name: 'crew', members: expect.arrayContaining(['bob', 'carol', me]), createdBy: me },
    ]);

    await send(page, 'hello crew');
    await message(page, 'hello crew').waitFor(guard);
    const got = await received(bobStream, (m) => m.text === 'hello crew');
    expect(got).toMatchObject([{ from: me, to: 'bob', group: 'crew', kind: 'group' }]);
  });

  it('creates a group and sends to it with the command syntax', async () => {
    await composerMode(page, 'command');
    await send(page, 'mk_grp:duo:bob');
    await conversation(page, 'duo').waitFor(guard);
    await send(page, 'duo: hello duo');
    await message(page, 'hello duo').waitFor(guard);
    expect(await message(page, 'hello duo').getAttribute('data-kind')).toBe('group');
    const got = await received(bobStream, (m) => m.text === 'hello duo');
    expect(got).toMatchObject([{ from: me, group: 'duo', kind: 'group' }]);
    await composerMode(page, 'message');
  });

  it('counts group messages from others as unread in the group and shows them with their sender', async () => {
    const res = await web.post(carol, 'crew', 'carol to the crew');
    expect(res.status).toBe(202);
    await page.locator('#conversations li[data-with="crew"][data-unread="1"]').waitFor(guard);
    expect(await conversation(page, 'crew').locator('.conv-last').textContent()).toBe('carol: carol to the crew');
    // The list is most recent first.
    expect(await page.locator('#conversations li').first().getAttribute('data-with')).toBe('crew');
    await openConversation(page, 'crew');
    const shown = message(page, 'carol to the crew');
    await shown.waitFor(guard);
    expect(await shown.getAttribute('data-kind')).toBe('group');
    expect(await shown.locator('.from').textContent()).toBe('carol');
    expect(await shownTexts(page)).toEqual(['hello crew', 'carol to the crew']);
    await page.screenshot({ path: join(shots, 'laptop-group.png') });
  });

  it('shows a hostile text as plain text that runs nothing, in the list and in the conversation', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>bold?</b>';
    await web.post(bob, me, hostile);
    await page.locator('#conversations li[data-with="bob"][data-unread="1"]').waitFor(guard);
    expect(await conversation(page, 'bob').locator('.conv-last').textContent()).toBe(hostile);
    await openConversation(page, 'bob');
    const shown = message(page, hostile);
    await shown.waitFor(guard);
    expect(await shown.locator('p.text').textContent()).toBe(hostile);
    expect(await page.locator('#chat-view img, #chat-view script, #chat-view b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('shows the server error detail when a send is refused', async () => {
    await composerMode(page, 'command');
    await send(page, 'nobody-here: hello?');
    await page.locator('#notice[data-tone="error"]', { hasText: 'nobody-here' }).waitFor(guard);
    expect(await page.locator('#text').inputValue()).toBe('nobody-here: hello?');
    await page.locator('#text').fill('');
    await composerMode(page, 'message');
  });

  it('looks clean on a laptop and on a phone: the list, then the conversation with a back button', async () => {
    await page.locator('#notice').waitFor({ state: 'hidden', ...guard });
    await page.screenshot({ path: join(shots, 'laptop-chat.png') });
    await inScheme(page, 'dark');
    await page.screenshot({ path: join(shots, 'laptop-chat-dark.png') });
    await inScheme(page, 'light');
    await page.setViewportSize({ width: 390, height: 844 });
    // The open conversation fills the screen; the back button leads to the list.
    expect(await page.locator('#sidebar').isHidden()).toBe(true);
    await page.locator('#back').waitFor(guard);
    await page.screenshot({ path: join(shots, 'phone-chat.png') });
    await page.locator('#back').click();
    await conversation(page, 'bob').waitFor(guard);
    expect(await page.locator('#conversation').isHidden()).toBe(true);
    await page.screenshot({ path: join(shots, 'phone-list.png') });
    await person(page, 'carol').locator('button.target').click();
    await page.locator('#conv-title').getByText('carol', { exact: true }).waitFor(guard);
    expect(await page.locator('#sidebar').isHidden()).toBe(true);
    // Nothing may stick out sideways on a narrow screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openConversation(page, 'bob');
  });

  it('keeps the session and the open conversation across a reload, reading it from the server', async () => {
    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(await page.locator('#me-name').textContent()).toBe(me);
    await message(page, 'hello from bob').waitFor(guard);
    expect(await message(page, 'hello from bob').count()).toBe(1);
    expect(await page.evaluate(() => Object.keys(window.localStorage).sort())).toEqual([
      'parley.mode',
      `parley.open.${me}`,
      `parley.session.${me}`,
    ]);
  });

  it('reconnects after a server restart and shows a message sent during the gap exactly once', async () => {
    bobStream.close();
    expect(await web.server.stop()).toBe(0);
    await page.locator('#conn[data-state="reconnecting"]').waitFor(guard);
    await page.screenshot({ path: join(shots, 'laptop-reconnecting.png') });
    await web.startAgain();

    const gap = await web.post(bob, me, 'sent while you were away');
    expect(gap.status).toBe(202);
    await message(page, 'sent while you were away').waitFor(guard);
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    // Messages come in order: once a later one is shown, a repeat of the earlier one would have been too.
    const after = await web.post(bob, me, 'and one after');
    lastIncomingId = String(after.body.id);
    await message(page, 'and one after').waitFor(guard);
    expect(await message(page, 'sent while you were away').count()).toBe(1);
    expect(await page.locator(`#messages li[data-id="${String(gap.body.id)}"]`).count()).toBe(1);

    bobStream = await stream(web.url, bob);
    await send(page, 'back again');
    const got = await received(bobStream, (m) => m.text === 'back again');
    expect(got).toHaveLength(1);
    await message(page, 'back again').waitFor(guard);
    expect(await message(page, 'back again').count()).toBe(1);
  });

  it('opens a new stream from the last message it saw when the server answers the stream with an error status', async () => {
    // A shared worker's requests are out of the test's reach: from here on the page runs as in a browser
    // without SharedWorker, where the tab holding the leader lock holds the stream itself.
    await page.context().addInitScript(() => {
      delete (window as { SharedWorker?: unknown }).SharedWorker;
    });
    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    const before = await web.post(bob, me, 'before the refusal');
    await message(page, 'before the refusal').waitFor(guard);
    lastIncomingId = String(before.body.id);
    const streams: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/stream')) streams.push(req.url());
    });
    // The first reconnection meets an error status, as from a server that is still shutting down, and so
    // the EventSource gives up (readyState CLOSED): the page must open a new one itself.
    await page.route(
      `**/users/${me}/stream*`,
      (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'urn:parley:problem:unavailable',
            title: 'Service unavailable',
            status: 503,
            detail: 'shutting down',
            code: 'unavailable',
          }),
        }),
      { times: 1 },
    );
    bobStream.close();
    expect(await web.server.stop()).toBe(0);
    await page.locator('#conn[data-state="reconnecting"]').waitFor(guard);
    await web.startAgain();

    const gap = await web.post(bob, me, 'sent while the stream was refused');
    expect(gap.status).toBe(202);
    await message(page, 'sent while the stream was refused').waitFor(guard);
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    const reopened = new URL(streams.at(-1)!);
    expect(`${reopened.origin}${reopened.pathname}`).toBe(`${web.url}/users/${me}/stream`);
    const { lastEventId, ...rest } = Object.fromEntries(reopened.searchParams);
    expect(rest).toEqual({ presence: 'true', sent: 'true' });
    // From the last event it saw: the message, or the read mark the page made of it right after, which travels
    // in the same resumable sequence.
    expect(BigInt(lastEventId!) >= BigInt(lastIncomingId)).toBe(true);
    const marker = await web.post(bob, me, 'one more after');
    await message(page, 'one more after').waitFor(guard);
    lastIncomingId = String(marker.body.id);
    expect(await message(page, 'sent while the stream was refused').count()).toBe(1);
    expect(await message(page, 'sent while you were away').count()).toBe(1);
    bobStream = await stream(web.url, bob);
  });

  it('signs out with exit and shows the server error detail for a wrong password', async () => {
    await composerMode(page, 'command');
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

    await signIn(page, me, 'correct horse');
    await page.locator('#sign-out').click();
    await page.locator('#sign-in-form').waitFor(guard);
    expect((await page.context().cookies()).filter((c) => c.name === 'parley_session')).toEqual([]);
  });

  it('asks to sign in again when the session is ended elsewhere', async () => {
    await signIn(page, me, 'correct horse');
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'parley_session');
    expect((await web.api('DELETE', '/sessions/current', { token: cookie!.value })).status).toBe(204);
    await page.locator('#sign-in-error', { hasText: 'session has ended' }).waitFor(guard);
    expect(await page.locator('#chat-view').isHidden()).toBe(true);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
