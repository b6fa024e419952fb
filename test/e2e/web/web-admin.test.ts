import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../support/api.js';
import { expectAccessible } from '../../support/axe.js';
import { policyOrScriptProblems } from '../../support/browser.js';
import { repoRoot, runParley } from '../../support/process.js';
import { guard, message, openConversation, person, send, signIn } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const shots = join(repoRoot, 'test-output/web');

describe('invites, blocks and the Admin panel on the web page', () => {
  const web = webFixture({ args: ['--registration', 'invite', '--message-rate', '0'] });
  let ada: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let carl: TestUser;

  /** No axe-core violation, light and dark, with a screenshot of each. */
  const accessibleShot = (page: Page, state: string) =>
    expectAccessible(page, state, async (scheme) => {
      await page.screenshot({ path: `${shots}/${state}-${scheme}.png` });
    });

  /** `parley <args>` against the fixture's server; fails the test unless it succeeds. */
  async function operator(args: string[], input?: string): Promise<void> {
    const done = await runParley([...args, '--data', web.dataDir], input === undefined ? {} : { input });
    expect(done.code, done.stderr).toBe(0);
  }

  async function invite(json: object = {}): Promise<{ code: string; url: string }> {
    const res = await web.api('POST', '/invites', { token: ada.token, json });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** Signs up through the API with an invite of ada's. */
  async function invited(name: string): Promise<TestUser> {
    const password = `${name}-password`;
    const res = await web.api('POST', '/sessions', {
      json: { username: name, password, invite: (await invite()).code },
    });
    expect(res.status).toBe(201);
    return { name, password, token: res.body.token };
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    // Sign-up is by invite: the first account and its admin role come from the operator.
    await operator(['create-user', 'ada'], 'ada-password\n');
    await operator(['grant-admin', 'ada']);
    const session = await web.api('POST', '/sessions', { json: { username: 'ada', password: 'ada-password' } });
    expect(session.status).toBe(200);
    ada = { name: 'ada', password: 'ada-password', token: session.body.token };
    bob = await invited('bob');
    mallory = await invited('mallory');
    carl = await invited('carl');
  });

  it('signs up through an invite link, the code filled in, and asks for a code when a sign-up has none', async () => {
    const { code, url } = await invite({ note: 'for dora' });
    expect(url).toBe(`${web.url}/#invite=${code}`);
    const watched = await web.page({ bypassCSP: true });
    const { page } = watched;
    await page.goto(url);
    await page.locator('#invite-field:not([hidden])').waitFor(guard);
    expect(await page.locator('#invite').inputValue()).toBe(code);
    await page.locator('#username').fill('dora');
    await page.locator('#password').fill('dora-password');
    await accessibleShot(page, 'sign-up-invite');
    await page.locator('#sign-in-submit').click();
    await page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(await page.locator('#notice').textContent()).toBe('Welcome, dora: your account is ready.');
    // The link has done its work: the address no longer carries it.
    expect(new URL(page.url()).hash).toBe('');

    // Without a link, a new name is refused until a code is given; the field appears for it.
    const plain = await web.page({ bypassCSP: true });
    await plain.page.goto(web.url);
    expect(await plain.page.locator('#invite-field').isHidden()).toBe(true);
    await plain.page.locator('#username').fill('erin');
    await plain.page.locator('#password').fill('erin-password');
    await plain.page.locator('#sign-in-submit').click();
    await plain.page.locator('#sign-in-error').getByText('Sign-up on this server is by invite').waitFor(guard);
    expect(await plain.page.locator('#invite-field').isVisible()).toBe(true);
    await accessibleShot(plain.page, 'sign-up-invite-needed');
    await plain.page.locator('#invite').fill(code);
    await plain.page.locator('#sign-in-submit').click();
    await plain.page.locator('#sign-in-error').getByText('That invite has been used as many times').waitFor(guard);
    await plain.page.locator('#invite').fill((await invite()).code);
    await plain.page.locator('#sign-in-submit').click();
    await plain.page.locator('#conn[data-state="connected"]').waitFor(guard);
    expect(policyOrScriptProblems(watched)).toEqual([]);
    expect(policyOrScriptProblems(plain)).toEqual([]);
  });

  it('shows the Admin button to admins alone, with the users, a new invite and its link, and the audit list', async () => {
    const others = await web.signedIn(bob);
    // Bob's page has asked and been refused: no button.
    await others.page.locator('#session[data-role="member"]').waitFor({ state: 'attached', ...guard });
    expect(await others.page.locator('#admin-open').isHidden()).toBe(true);

    const watched = await web.signedIn(ada, {
      bypassCSP: true,
      prepare: (context) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url }),
    });
    const { page } = watched;
    // The list says who is online when it is read: bob's page must have its stream open by then.
    await page.locator('#users li[data-name="bob"][data-online="true"]').waitFor(guard);
    await page.locator('#session[data-role="admin"] #admin-open').click();
    await page.locator('#admin[open]').waitFor(guard);
    const adaRow = page.locator('#admin-users li[data-name="ada"]');
    await adaRow.waitFor(guard);
    expect(await adaRow.locator('.role-badge').textContent()).toBe('admin');
    // Nobody suspends an admin from here.
    expect(await adaRow.locator('button').count()).toBe(0);
    expect(await page.locator('#admin-users li[data-name="bob"]').textContent()).toMatch(
      /^bobonline · 2 sessions · last active /,
    );

    await page.locator('#invite-uses').fill('3');
    await page.locator('#invite-note').fill('the design team');
    await page.locator('#invite-create').click();
    await page.locator('#invite-created:not([hidden])').waitFor(guard);
    const link = await page.locator('#invite-url').inputValue();
    expect(link).toMatch(new RegExp(`^${web.url}/#invite=[A-Za-z0-9_-]+$`));
    await page.locator('#invite-copy').click();
    await page.locator('#invite-copy-status').getByText('Copied to the clipboard.').waitFor(guard);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    const listed = page.locator('#invites li').filter({ hasText: 'the design team' });
    await listed.waitFor(guard);
    expect(await listed.textContent()).toContain('0 of 3 used');
    await page.locator('#audit li').filter({ hasText: 'ada create invite' }).first().waitFor(guard);
    expect(await page.locator('#audit li').filter({ hasText: 'operator grant admin ada' }).count()).toBe(1);
    await page.locator('#admin').evaluate((dialog) => dialog.scrollTo(0, 0));
    await accessibleShot(page, 'admin-panel');

    await listed.getByRole('button', { name: 'Delete the design team' }).click();
    await page.locator('#admin-status').getByText('the design team is deleted.').waitFor(guard);
    expect(await page.locator('#invites li').filter({ hasText: 'the design team' }).count()).toBe(0);
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });

  it('suspends a user from the panel: their page signs out, signing in says why, and Restore lets them back', async () => {
    const carlPage = (await web.signedIn(carl)).page;
    const { page } = await web.signedIn(ada);
    await page.locator('#admin-open:not([hidden])').waitFor(guard);
    await page.locator('#admin-open').click();
    const row = page.locator('#admin-users li[data-name="carl"]');
    await row.getByRole('button', { name: 'Suspend carl' }).click();
    await page.locator('#admin-status').getByText('carl is suspended').waitFor(guard);
    await row.locator('.state-badge').getByText('suspended').waitFor(guard);
    // The focus stays on the row, now to restore.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Restore carl');

    await carlPage.locator('#sign-in-view:not([hidden])').waitFor(guard);
    await carlPage.locator('#username').fill('carl');
    await carlPage.locator('#password').fill(carl.password);
    await carlPage.locator('#sign-in-submit').click();
    await carlPage.locator('#sign-in-error').getByText('This account is suspended').waitFor(guard);

    await row.getByRole('button', { name: 'Restore carl' }).click();
    await page.locator('#admin-status').getByText('carl is restored').waitFor(guard);
    await signIn(carlPage, 'carl', carl.password);
  });

  it("hides a blocked user's group messages behind a placeholder that shows them, and says a refused message was not accepted", async () => {
    const made = await web.api('POST', '/groups', {
      token: ada.token,
      json: { name: 'team', members: ['bob', 'mallory'] },
    });
    expect(made.status).toBe(201);
    const watched = await web.signedIn(bob, { bypassCSP: true });
    const { page } = watched;
    const row = person(page, 'mallory');
    await row.getByRole('button', { name: 'Block mallory' }).click();
    await row.locator('.blocked-mark').waitFor(guard);
    expect(await row.getByRole('button', { name: 'Unblock mallory' }).count()).toBe(1);
    const listed = await web.api('GET', '/account/blocks', { token: bob.token });
    expect(listed.body.blocked).toEqual(['mallory']);

    expect((await web.post(mallory, 'team', 'you cannot see this')).status).toBe(202);
    expect((await web.post(ada, 'team', 'but you can see this')).status).toBe(202);
    await openConversation(page, 'team');
    await message(page, 'but you can see this').waitFor(guard);
    const hidden = page.locator('#messages li.msg.blocked');
    await hidden.waitFor(guard);
    expect(await hidden.textContent()).toBe('Message from a blocked user — Show');
    expect(await page.locator('#messages').textContent()).not.toContain('you cannot see this');
    await accessibleShot(page, 'blocked-placeholder');
    await hidden.getByRole('button', { name: 'Show the message from a blocked user' }).click();
    await message(page, 'you cannot see this').waitFor(guard);
    expect(await message(page, 'you cannot see this').getAttribute('data-from')).toBe('mallory');

    // Mallory's direct message to bob is refused; her page says so.
    const malloryPage = (await web.signedIn(mallory)).page;
    await person(malloryPage, 'bob').locator('button.target').click();
    await send(malloryPage, 'hello?');
    await malloryPage.locator('#notice').getByText('bob is not accepting your messages').waitFor(guard);

    // Unblocked on another device: the stream tells this page, and the list shows it.
    expect((await web.api('DELETE', '/account/blocks/mallory', { token: bob.token })).status).toBe(204);
    await row.getByRole('button', { name: 'Block mallory' }).waitFor(guard);
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
