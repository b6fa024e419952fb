// Takes the screenshot of the web page shown on the front page: a server of its own on the memory store, a few
// people with direct conversations, a group and a broadcast, bob online on a stream, and the page signed in as
// alice in the system's Chromium (as the browser tests run it), 1280x800, the group open.
//
//   npx tsx scripts/screenshot.ts                 writes docs/images/page.png
//   npx tsx scripts/screenshot.ts out.png         writes out.png
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { api, type TestUser } from '../test/support/api.js';
import { launchBrowser, openPage } from '../test/support/browser.js';
import { repoRoot, spawnServer } from '../test/support/process.js';
import { openConversation, signIn } from '../test/support/web-page.js';

const out = resolve(process.argv[2] ?? resolve(repoRoot, 'docs/images/page.png'));
const server = await spawnServer(['--store', 'memory']);
const browser = await launchBrowser();
const bobOnline = new AbortController();
try {
  const join = async (name: string): Promise<TestUser> => {
    const password = `${name}-secret-1`;
    const res = await api(server.url, 'POST', '/sessions', { json: { username: name, password } });
    return { name, password, token: res.body.token };
  };
  const [alice, bob, carol] = [await join('alice'), await join('bob'), await join('carol')];
  await join('dave');
  const say = async (from: TestUser, to: string, text: string) => {
    const res = await api(server.url, 'POST', '/messages', { token: from.token, json: { to, text } });
    if (res.status !== 202) throw new Error(`${from.name} -> ${to}: ${res.status} ${res.text}`);
  };
  await api(server.url, 'POST', '/groups', { token: alice.token, json: { name: 'team', members: ['bob', 'carol'] } });
  await say(carol, 'alice', 'Are the release notes ready for review?');
  await say(alice, 'carol', 'Almost: the figures go in this afternoon.');
  await say(alice, 'team', 'Standup in five minutes.');
  await say(bob, 'team', "On my way. I'll bring the bench numbers.");
  await say(carol, 'team', 'The failover test passed ten times out of ten overnight.');
  await say(alice, 'team', 'Great news. Anything lost?');
  await say(carol, 'team', 'Nothing: every 202 reached its stream, in order.');
  await api(server.url, 'POST', '/broadcast', {
    token: bob.token,
    json: { text: 'The server restarts at 18:00 for an upgrade.' },
  });
  await say(bob, 'alice', 'Lunch at one?');
  await fetch(`${server.url}/users/bob/stream`, {
    headers: { authorization: `Bearer ${bob.token}` },
    signal: bobOnline.signal,
  });

  const { page } = await openPage(browser);
  await page.goto(server.url);
  await signIn(page, alice.name, alice.password);
  await openConversation(page, 'team');
  // The greeting goes by itself after a few seconds; the front page shows the page as it stays.
  await page.locator('#notice-bar').waitFor({ state: 'hidden', timeout: 15_000 });
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  bobOnline.abort();
  await browser.close();
  await server.stop();
}
