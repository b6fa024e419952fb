import { describe, expect, it } from 'vitest';
import { guard, message, openConversation } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

/** Records every text the page's notice area shows, however briefly. */
function recordNotices(): void {
  const seen: string[] = [];
  (window as unknown as { noticesSeen: string[] }).noticesSeen = seen;
  new MutationObserver(() => {
    const text = document.getElementById('notice')?.textContent?.trim();
    if (text && seen.at(-1) !== text) seen.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

describe('the web page resuming where it was', () => {
  const web = webFixture();

  it('warns of no loss after a reload when the newest message is one the user sent', async () => {
    const [alice, bob] = await web.register('alice', 'bob');
    expect((await web.post(bob, 'alice', 'hi alice')).status).toBe(202);
    const { page } = await web.signedIn(alice, { prepare: (context) => context.addInitScript(recordNotices) });
    // Her own message is now the newest of everything she has, and the page resumes from it after a reload.
    expect((await web.post(alice, 'bob', 'hi bob, mine is the newest')).status).toBe(202);
    expect(
      (await web.api('PATCH', '/messages/' + (await lastSent()), { token: alice.token, json: { text: 'edited' } }))
        .status,
    ).toBe(200);
    await page.reload();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect((await web.post(bob, 'alice', 'after the reload')).status).toBe(202);
    await openConversation(page, 'bob');
    await message(page, 'after the reload').waitFor(guard);
    const notices = await page.evaluate(() => (window as unknown as { noticesSeen: string[] }).noticesSeen);
    expect(notices.filter((n) => /went back|no longer kept/.test(n))).toEqual([]);

    async function lastSent(): Promise<string> {
      const history = await web.api('GET', '/messages?with=bob', { token: alice.token });
      return history.body.messages.at(-1).id as string;
    }
  });
});
