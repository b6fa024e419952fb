import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { expectAccessible } from '../../support/axe.js';
import type { WatchedPage } from '../../support/browser.js';
import { focused } from '../../support/keyboard.js';
import { conversation, guard, message, openConversation, send } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

/** Screenshots of the new states, for a person to look at. */
const shots = '/tmp/parley-web-changes';

describe('the web page with changes to what was delivered', () => {
  const web = webFixture();
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  /** Alice's page and bob's. */
  let a: WatchedPage;
  let b: WatchedPage;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [alice, bob, carol] = await web.register('alice', 'bob', 'carol');
    a = await web.signedIn(alice, { bypassCSP: true });
    b = await web.signedIn(bob, { bypassCSP: true });
  });

  it('shows a group bob is added to while his page is open, and takes it away when he is removed', async () => {
    await web.api('POST', '/groups', { token: alice.token, json: { name: 'team', members: ['carol'] } });
    await expect(conversation(b.page, 'team').count()).resolves.toBe(0);
    await web.api('POST', '/groups/team/members', { token: alice.token, json: { members: ['bob'] } });
    await conversation(b.page, 'team').waitFor(guard);
    await b.page.locator('#notice').getByText('alice added you to team.').waitFor(guard);
    await b.page.screenshot({ path: `${shots}/1-added-to-group.png` });

    // Alice manages it from her page: the Members panel, by keyboard.
    await a.page.reload();
    await a.page.locator('#conn[data-state="connected"]').waitFor(guard);
    await openConversation(a.page, 'team');
    await a.page.locator('#group-manage').focus();
    await a.page.keyboard.press('Enter');
    await a.page.locator('#group-panel').waitFor({ state: 'visible', ...guard });
    await expect(
      a.page.locator('#group-members li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.name)),
    ).resolves.toEqual(['alice', 'carol', 'bob']);
    await a.page.screenshot({ path: `${shots}/2-members-panel.png` });
    await expectAccessible(a.page, 'the members panel of an owner');

    await a.page.locator('#group-members li[data-name="bob"] button.remove').focus();
    expect(await focused(a.page, '#group-members li[data-name="bob"] button.remove')).toBe(true);
    await a.page.keyboard.press('Enter');
    await conversation(b.page, 'team').waitFor({ state: 'detached', ...guard });
    await a.page.locator('#group-members li[data-name="bob"]').waitFor({ state: 'detached', ...guard });
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });

  it('updates an edited message in place with an edited mark, and shows a deleted one as a tombstone, on the other page', async () => {
    await web.api('POST', '/messages', { token: bob.token, json: { to: 'alice', text: 'hello alice' } });
    await openConversation(a.page, 'bob');
    await openConversation(b.page, 'alice');
    await send(b.page, 'lunch at 12?');
    await message(a.page, 'lunch at 12?').waitFor(guard);

    // Bob edits his message by keyboard: Edit, type, Enter.
    const own = message(b.page, 'lunch at 12?');
    await own.locator('button.edit').focus();
    await b.page.keyboard.press('Enter');
    const editor = b.page.locator('form.msg-edit input');
    await editor.waitFor(guard);
    expect(await focused(b.page, 'form.msg-edit input')).toBe(true);
    await editor.fill('lunch at 1?');
    await b.page.screenshot({ path: `${shots}/3-editing.png` });
    await expectAccessible(b.page, 'editing a message');
    await b.page.keyboard.press('Enter');
    const edited = message(a.page, 'lunch at 1?');
    await edited.waitFor(guard);
    await edited.locator('.edited').waitFor(guard);
    await expect(message(a.page, 'lunch at 12?').count()).resolves.toBe(0);
    await a.page.screenshot({ path: `${shots}/4-edited-on-other-page.png` });
    await expectAccessible(a.page, 'an edited message');

    // And deletes it: Delete, then the confirmation.
    await message(b.page, 'lunch at 1?').locator('button.delete').click();
    await b.page.locator('.msg-confirm button.danger').waitFor(guard);
    await expectAccessible(b.page, 'confirming a deletion');
    await b.page.locator('.msg-confirm button.danger').click();
    await a.page.locator('#messages li.msg.deleted p.tombstone').getByText('This message was deleted.').waitFor(guard);
    await expect(message(a.page, 'lunch at 1?').count()).resolves.toBe(0);
    await a.page.screenshot({ path: `${shots}/5-deleted-on-other-page.png` });
    await expectAccessible(a.page, 'a deleted message');
    await expect(conversation(a.page, 'bob').locator('.conv-last').textContent()).resolves.toBe('Message deleted');
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });

  it('clears an unread badge when another device of the same user reads the conversation', async () => {
    await openConversation(a.page, 'broad');
    await web.api('POST', '/messages', { token: carol.token, json: { to: 'alice', text: 'are you there?' } });
    await conversation(a.page, 'carol').locator('.unread').waitFor(guard);
    const sent = (await web.api('GET', '/messages?with=carol', { token: alice.token })).body.messages.at(-1);
    // Alice's phone (the API here) reads it: the laptop's badge goes without a reload.
    await web.api('PUT', '/conversations/carol/read', { token: alice.token, json: { upTo: sent.id } });
    await conversation(a.page, 'carol')
      .locator('.unread')
      .waitFor({ state: 'detached', ...guard });
    expect(a.problems).toEqual([]);
  });
});
