import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { looksRight } from '../../support/looks.js';
import { guard, logBox, message, openConversation, send } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

/** The reaction toggles under a message: emoji, count, pressed, and what a screen reader hears. */
const reactionsOf = (item: Locator) =>
  item.locator('.reactions button.reaction').evaluateAll((buttons) =>
    buttons.map((b) => ({
      shown: b.textContent,
      pressed: b.getAttribute('aria-pressed'),
      name: b.getAttribute('aria-label'),
    })),
  );

/** Waits until the message's toggles are `shown` (["👍1"], say): what every device comes to from the stream. */
async function reactionsShown(item: Locator, shown: string[]): Promise<void> {
  await expect.poll(async () => (await reactionsOf(item)).map((r) => r.shown), guard).toEqual(shown);
}

/** Whether a message stands wholly in the log's box. */
const inSight = async (page: Page, id: string) => (await logBox(page, `#messages li.msg[data-id="${id}"]`)).visible;

describe('the web page with replies and reactions', () => {
  const web = webFixture();
  let alice: TestUser;
  let bob: TestUser;
  /** Alice's laptop, her phone (a browser of its own), and bob's page. */
  let a: WatchedPage;
  let a2: WatchedPage;
  let b: WatchedPage;
  const history = async (reader: TestUser, conversation: string) =>
    (await web.api('GET', `/messages?with=${conversation}&limit=200`, { token: reader.token })).body.messages as {
      id: string;
      text?: string;
      replyTo?: object;
      reactions?: object[];
    }[];
  const idOf = async (text: string) => (await history(alice, 'bob')).find((m) => m.text === text)!.id;
  const openReply = async (page: Page, text: string) => {
    await message(page, text).locator('button.reply').click();
    await page.locator('#reply-bar').waitFor(guard);
  };

  beforeAll(async () => {
    [alice, bob] = await web.register('alice', 'bob');
    expect(
      (
        await web.post(
          bob,
          'alice',
          'shall we meet at 9 tomorrow, before the review? I can book the small room on the third floor, the one with the whiteboard that works',
        )
      ).status,
    ).toBe(202);
    a = await web.signedIn(alice, { bypassCSP: true });
    b = await web.signedIn(bob, { bypassCSP: true });
    a2 = await web.signedIn(alice);
    await openConversation(a.page, 'bob');
    await openConversation(b.page, 'alice');
    await openConversation(a2.page, 'bob');
  });

  it('sets a bar above the composer on Reply, which Escape or its × drops, and sends the next message as a reply quoted on both pages', async () => {
    const page = a.page;
    const item = message(
      page,
      'shall we meet at 9 tomorrow, before the review? I can book the small room on the third floor, the one with the whiteboard that works',
    );
    await item.waitFor(guard);
    await item.locator('button.reply').click();
    await page.locator('#reply-bar').waitFor(guard);
    expect(await focused(page, '#text')).toBe(true);
    const bar = await page.locator('#reply-bar-text').textContent();
    expect(bar).toMatch(/^Replying to bob: “shall we meet at 9 tomorrow, before the review\? I can book .*…”$/);
    // The text box says so to a screen reader.
    expect(await page.locator('#text').getAttribute('aria-describedby')).toContain('reply-bar-text');
    await page.keyboard.press('Escape');
    await page.locator('#reply-bar').waitFor({ state: 'hidden', ...guard });
    expect(await page.locator('#text').getAttribute('aria-describedby')).not.toContain('reply-bar-text');

    await item.locator('button.reply').click();
    await page.locator('#reply-cancel').click();
    await page.locator('#reply-bar').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#text')).toBe(true);

    await item.locator('button.reply').click();
    await page.locator('#text').fill('yes, 9 works');
    await looksRight(page, 'replies-reply-bar');
    await page.locator('#text').press('Enter');
    await page.locator('#reply-bar').waitFor({ state: 'hidden', ...guard });

    const originalId = await item.getAttribute('data-id');
    for (const [where, from] of [
      [a.page, 'bob'],
      [b.page, 'you'],
      [a2.page, 'bob'],
    ] as const) {
      const reply = message(where, 'yes, 9 works');
      await reply.waitFor(guard);
      const quote = reply.locator('button.quote');
      expect(await quote.getAttribute('data-of')).toBe(originalId);
      expect(await quote.locator('.quote-from').textContent()).toBe(from);
      expect(await quote.locator('.quote-text').textContent()).toMatch(/^shall we meet at 9 tomorrow, .*…$/);
    }
    const stored = (await history(bob, 'alice')).at(-1)!;
    expect(stored).toMatchObject({ text: 'yes, 9 works', replyTo: { id: originalId, from: 'bob' } });
    // The quote the page drew before the stream said anything is the one the server made.
    expect(await message(page, 'yes, 9 works').locator('.quote-text').textContent()).toBe(
      (stored.replyTo as { text: string }).text,
    );
    await looksRight(b.page, 'replies-quote');
  });

  it('goes to the original on a click of its quote, in sight, focused and lit for a moment', async () => {
    const page = b.page;
    const quote = message(page, 'yes, 9 works').locator('button.quote');
    const originalId = (await quote.getAttribute('data-of'))!;
    await quote.click();
    const original = page.locator(`#messages li.msg[data-id="${originalId}"]`);
    await page.locator(`#messages li.msg.jumped[data-id="${originalId}"]`).waitFor(guard);
    expect(await focused(page, `#messages li.msg[data-id="${originalId}"]`)).toBe(true);
    expect(await inSight(page, originalId)).toBe(true);
    // The light goes by itself.
    await original.and(page.locator('.jumped')).waitFor({ state: 'detached', ...guard });
  });

  it('reads older pages back to an original that is not loaded yet, on Enter on the quote', async () => {
    expect((await web.post(alice, 'bob', 'the original, far back')).status).toBe(202);
    const originalId = await idOf('the original, far back');
    for (let i = 1; i <= 64; i++) expect((await web.post(bob, 'alice', `filler ${i}`)).status).toBe(202);
    const reply = await web.api('POST', '/messages', {
      token: bob.token,
      json: { to: 'alice', text: 'about that, far back', replyTo: originalId },
    });
    expect(reply.status).toBe(202);
    // A fresh visit: the newest page of the conversation only.
    const page = a.page;
    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    await openConversation(page, 'bob');
    await message(page, 'about that, far back').waitFor(guard);
    expect(await page.locator(`#messages li.msg[data-id="${originalId}"]`).count()).toBe(0);
    await message(page, 'about that, far back').locator('button.quote').focus();
    await page.keyboard.press('Enter');
    await page.locator(`#messages li.msg.jumped[data-id="${originalId}"]`).waitFor(guard);
    expect(await focused(page, `#messages li.msg[data-id="${originalId}"]`)).toBe(true);
    expect(await inSight(page, originalId)).toBe(true);
    expect(await page.locator('#messages li.msg').count()).toBeGreaterThan(66);
    await looksRight(page, 'replies-jumped', {
      before: async () => {
        await page.locator(`#messages li.msg[data-id="${originalId}"]`).evaluate((li) => {
          li.scrollIntoView({ block: 'center' });
          li.classList.add('jumped');
        });
      },
    });
  });

  it('says so when the original is not in the reader history: sent in a group before they joined (or older than retention)', async () => {
    const carol = (await web.register('carol'))[0];
    expect(
      (await web.api('POST', '/groups', { token: alice.token, json: { name: 'crew', members: ['bob'] } })).status,
    ).toBe(201);
    expect((await web.post(alice, 'crew', 'before carol came')).status).toBe(202);
    const crew = await web.api('GET', '/messages?with=crew', { token: bob.token });
    const originalId = crew.body.messages.at(-1).id;
    expect(
      (await web.api('POST', '/groups/crew/members', { token: alice.token, json: { members: ['carol'] } })).status,
    ).toBe(200);
    expect(
      (
        await web.api('POST', '/messages', {
          token: bob.token,
          json: { to: 'crew', text: 'agreed, before carol', replyTo: originalId },
        })
      ).status,
    ).toBe(202);
    const c = await web.signedIn(carol);
    await openConversation(c.page, 'crew');
    const quote = message(c.page, 'agreed, before carol').locator('button.quote');
    expect(await quote.locator('.quote-text').textContent()).toBe('before carol came');
    await quote.click();
    await c.page.locator('#notice').getByText('That message is not in your history here any more').waitFor(guard);
    expect(await c.page.locator('#messages li.msg.jumped').count()).toBe(0);
    expect(policyOrScriptProblems(c)).toEqual([]);
  });

  it('says "deleted message" in every quote of an original its sender deletes, on both pages', async () => {
    const page = a.page;
    const original = message(page, 'the original, far back');
    await original.locator('button.delete').click();
    await page.locator('.msg-confirm button.danger').click();
    for (const where of [a.page, b.page]) {
      const quote = message(where, 'about that, far back').locator('button.quote');
      await quote.locator('.quote-text').getByText('deleted message', { exact: true }).waitFor(guard);
      expect(await quote.locator('.quote-from').count()).toBe(0);
      expect(await quote.getAttribute('class')).toContain('deleted');
    }
    await looksRight(b.page, 'replies-quote-deleted', {
      sizes: ['laptop'],
      before: async () => {
        await message(b.page, 'about that, far back').scrollIntoViewIfNeeded();
      },
    });
  });

  it("shows a reaction made on one device on the other user's page and on the user's other device, with counts", async () => {
    expect((await web.post(bob, 'alice', 'reactions go here')).status).toBe(202);
    const on = (w: WatchedPage) => message(w.page, 'reactions go here');
    for (const w of [a, a2, b]) await on(w).waitFor(guard);

    // Alice, on her laptop: React, then 👍 in the picker.
    await on(a).locator('button.react').click();
    await a.page.locator('#reaction-picker').waitFor(guard);
    await a.page.locator('#picker-grid button[data-emoji="👍"]').click();
    await a.page.locator('#reaction-picker').waitFor({ state: 'hidden', ...guard });
    for (const w of [a, a2, b]) await reactionsShown(on(w), ['👍1']);
    expect(await reactionsOf(on(a2))).toEqual([
      { shown: '👍1', pressed: 'true', name: '👍 1, you reacted; press to take back' },
    ]);
    expect(await reactionsOf(on(b))).toEqual([
      { shown: '👍1', pressed: 'false', name: '👍 1; press to react with it too' },
    ]);

    // Bob presses the toggle: two.
    await on(b).locator('button.reaction[data-emoji="👍"]').click();
    for (const w of [a, a2, b]) await reactionsShown(on(w), ['👍2']);
    expect((await reactionsOf(on(b)))[0]).toMatchObject({
      pressed: 'true',
      name: '👍 2, you reacted; press to take back',
    });
    await looksRight(b.page, 'replies-reactions');

    // Alice takes hers back from her phone: one, and not hers on her laptop either.
    await on(a2).locator('button.reaction[data-emoji="👍"]').click();
    for (const w of [a, a2, b]) await reactionsShown(on(w), ['👍1']);
    expect((await reactionsOf(on(a)))[0]).toMatchObject({ pressed: 'false' });
    expect((await history(alice, 'bob')).at(-1)!.reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);

    // What history says is what a page read afresh shows.
    await a2.page.reload();
    await a2.page.locator('#conn[data-state="connected"]').waitFor(guard);
    await openConversation(a2.page, 'bob');
    await reactionsShown(on(a2), ['👍1']);
  });

  it('opens the picker by keyboard: arrows move, Enter picks, Escape closes, and focus goes back to React', async () => {
    const page = a.page;
    const item = message(page, 'reactions go here');
    const react = item.locator('button.react');
    await react.focus();
    await page.keyboard.press('Enter');
    await page.locator('#reaction-picker').waitFor(guard);
    expect(await react.getAttribute('aria-expanded')).toBe('true');
    expect(await focused(page, '#picker-grid button[data-emoji="👍"]')).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(await focused(page, '#picker-grid button[data-emoji="❤️"]')).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await focused(page, '#picker-grid button[data-emoji="😢"]')).toBe(true);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Escape');
    await page.locator('#reaction-picker').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#messages li.msg button.react')).toBe(true);
    expect(await item.locator('button.react').getAttribute('aria-expanded')).toBe('false');

    await page.keyboard.press('Enter');
    await page.locator('#reaction-picker').waitFor(guard);
    await looksRight(page, 'replies-picker', {
      before: async (size) => {
        // The picker stays beside React as the window changes size; on a phone it opens again by touch.
        if (size === 'phone') {
          await item.scrollIntoViewIfNeeded();
          if (await page.locator('#reaction-picker').isHidden()) await item.locator('button.react').click();
        }
      },
    });
    if (await page.locator('#reaction-picker').isHidden()) await item.locator('button.react').click();
    await page.locator('#picker-grid button[data-emoji="👍"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.locator('#reaction-picker').waitFor({ state: 'hidden', ...guard });
    expect(await focused(page, '#messages li.msg button.react')).toBe(true);
    await reactionsShown(item, ['👍1', '❤️1']);

    // Any one emoji, in the field: Tab reaches it from the grid.
    await page.keyboard.press('Enter');
    await page.locator('#reaction-picker').waitFor(guard);
    await page.keyboard.press('Tab');
    expect(await focused(page, '#picker-emoji')).toBe(true);
    await page.keyboard.type('two words');
    await page.keyboard.press('Enter');
    await page.locator('#picker-error').getByText('Type one emoji').waitFor(guard);
    await page.locator('#picker-emoji').fill('🦊');
    await page.keyboard.press('Enter');
    await page.locator('#reaction-picker').waitFor({ state: 'hidden', ...guard });
    await reactionsShown(item, ['👍1', '❤️1', '🦊1']);
    await reactionsShown(message(b.page, 'reactions go here'), ['👍1', '❤️1', '🦊1']);
  });

  it('says in the notice line that a message takes no 21st different emoji', async () => {
    expect((await web.post(bob, 'alice', 'twenty emoji')).status).toBe(202);
    const id = await idOf('twenty emoji');
    const twenty = [...'😀😃😄😁😆😅🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚😋'];
    for (const emoji of twenty)
      expect(
        (await web.api('PUT', `/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token: bob.token })).status,
      ).toBe(204);
    const item = message(a.page, 'twenty emoji');
    await expect.poll(async () => (await reactionsOf(item)).length, guard).toBe(20);
    await item.locator('button.react').click();
    await a.page.locator('#picker-emoji').fill('🦄');
    await a.page.locator('#picker-emoji').press('Enter');
    await a.page
      .locator('#notice[data-tone="error"]')
      .getByText('This message has 20 different emoji already')
      .waitFor(guard);
    expect(await reactionsOf(item)).toHaveLength(20);
    await a.page.locator('#notice-close').click();
  });

  it('shows markup in a quote and an emoji as text, never as markup', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    expect((await web.post(bob, 'alice', markup)).status).toBe(202);
    const page = a.page;
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await message(page, markup).waitFor(guard);
    await openReply(page, markup);
    expect(await page.locator('#reply-bar-text').textContent()).toBe(`Replying to bob: “${markup}”`);
    await send(page, 'that is not a picture');
    const quote = message(b.page, 'that is not a picture').locator('button.quote .quote-text');
    await quote.waitFor(guard);
    expect(await quote.textContent()).toBe(markup);
    expect(await message(page, 'that is not a picture').locator('.quote-text').textContent()).toBe(markup);
    // An emoji the server took is a text node in its toggle too.
    const id = await idOf(markup);
    expect(
      (await web.api('PUT', `/messages/${id}/reactions/${encodeURIComponent('🇳🇴')}`, { token: bob.token })).status,
    ).toBe(204);
    await reactionsShown(message(page, markup), ['🇳🇴1']);
    for (const w of [a, b])
      expect(await w.page.locator('#messages img, #reply-bar img, #reaction-picker img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('raised no Content-Security-Policy violation and no script error', () => {
    for (const w of [a, a2, b]) expect(policyOrScriptProblems(w)).toEqual([]);
  });
});
