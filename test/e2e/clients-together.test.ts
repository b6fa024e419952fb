import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, type WatchedPage } from '../support/browser.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { startShellClient, type ShellClient } from '../support/shell-client.js';
import { composerMode, guard, message, openConversation, send, signIn } from '../support/web-page.js';

let server: ServerProcess;
let browser: Browser;
let web: WatchedPage;
const shells: ShellClient[] = [];

beforeAll(async () => {
  server = await spawnServer(['--store', 'sqlite']);
  browser = await launchBrowser();
  web = await openPage(browser);
});
afterAll(async () => {
  await Promise.all(shells.map((s) => s.kill()));
  await browser?.close();
  await server?.stop();
});

async function shell(name: string): Promise<ShellClient> {
  const client = startShellClient(['--url', server.url], [name, `${name}-password`]);
  shells.push(client);
  await client.waitFor('stderr', new RegExp(`^-- (registered and )?joined as ${name} --$`));
  return client;
}

describe('the clients together', () => {
  it('lets two shell users and a web user exchange direct, group and broadcast messages', async () => {
    const { page } = web;
    await page.goto(server.url);
    await signIn(page, 'wendy', 'wendy-password');

    const sam = await shell('sam');
    const tess = await shell('tess');
    await page.locator('#users li[data-name="tess"][data-online="true"]').waitFor(guard);

    sam.send('get_users');
    await sam.waitFor('stdout', /^o wendy$/);
    expect(sam.lines.stdout.slice(-3)).toEqual(['o sam', 'o tess', 'o wendy']);

    // shell -> web, web -> shell
    sam.send('wendy: hello from the terminal');
    await page.locator('#conversations li[data-with="sam"][data-unread="1"]').waitFor(guard);
    await openConversation(page, 'sam');
    await message(page, 'hello from the terminal').waitFor(guard);
    await send(page, 'hello from the browser');
    await sam.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ wendy: hello from the browser$/);

    // a group made in a shell, spoken to from the web page
    tess.send('mk_grp:trio:sam:wendy');
    await tess.waitFor('stdout', /^-- group trio created: tess, sam, wendy --$/);
    await composerMode(page, 'command');
    await send(page, 'trio: hello trio');
    await message(page, 'hello trio').waitFor(guard);
    await sam.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ wendy @trio: hello trio$/);
    await tess.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ wendy @trio: hello trio$/);

    // a broadcast from a shell reaches the other shell and the page
    tess.send('broad: hello everyone');
    await sam.waitFor('stdout', /^\[\d\d:\d\d\] #\d+ tess \(broadcast\): hello everyone$/);
    await page.locator('#conversations li[data-with="broad"][data-unread="1"]').waitFor(guard);
    await openConversation(page, 'broad');
    await message(page, 'hello everyone').waitFor(guard);

    // exit turns the shell user offline for everyone
    sam.send('exit');
    expect(await sam.exited).toBe(0);
    await page.locator('#users li[data-name="sam"][data-online="false"]').waitFor(guard);
    tess.send('get_users');
    await tess.waitFor('stdout', /^x sam$/);
    expect(web.problems).toEqual([]);
  });
});
