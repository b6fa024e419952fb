import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminAudit,
  adminListUsers,
  createInvite,
  deleteInvite,
  join as joinChat,
  listBlocks,
  listInvites,
  setBlocked,
  setSuspended,
  streamMessages,
  type Change,
} from '../../../clients/ts/index.js';
import { refusal } from '../../support/parley-error.js';
import { runParley, spawnServer, tempDir, type ServerProcess } from '../../support/process.js';

let server: ServerProcess;
const data = tempDir();

beforeAll(async () => {
  server = await spawnServer(['--store', 'sqlite', '--data', data, '--registration', 'invite']);
  const made = await runParley(['create-user', 'ada', '--data', data], { input: 'ada-secret-1\n' });
  expect(made.code, made.stderr).toBe(0);
  const granted = await runParley(['grant-admin', 'ada', '--data', data]);
  expect(granted.code, granted.stderr).toBe(0);
});
afterAll(async () => {
  await server.stop();
});

describe('the typed client for invites, blocks and admins', () => {
  it('signs up with an invite, blocks and unblocks with a change on the stream, and an admin suspends and restores', async () => {
    const ada = await joinChat(server.url, 'ada', 'ada-secret-1');
    expect((await refusal(joinChat(server.url, 'bob', 'bob-secret-1'))).problem?.code).toBe('invite_invalid');
    const invite = await createInvite(ada.client, { uses: 2, note: 'friends' });
    expect(invite.url).toBe(`${server.url}/#invite=${invite.code}`);
    const bob = await joinChat(server.url, 'bob', 'bob-secret-1', invite.code);
    const mallory = await joinChat(server.url, 'mallory', 'mallory-secret-1', invite.code);
    expect((await refusal(joinChat(server.url, 'eve', 'eve-secret-1', invite.code))).problem?.code).toBe('invite_used');
    expect((await listInvites(ada.client)).map((i) => [i.note, i.used])).toEqual([['friends', 2]]);

    // Blocks: a change on the blocker's stream, and the blocked user's direct messages refused.
    const changes: Change[] = [];
    const stream = streamMessages({
      baseUrl: server.url,
      username: 'bob',
      token: bob.session.token,
      onChange: (c) => changes.push(c),
    });
    try {
      await stream.opened;
      await setBlocked(bob.client, 'mallory');
      expect(await listBlocks(bob.client)).toEqual(['mallory']);
      const dm = await mallory.client.POST('/messages', { body: { to: 'bob', text: 'psst' } });
      expect(dm.response.status).toBe(403);
      expect((dm.error as { code: string }).code).toBe('not_accepted');
      await setBlocked(bob.client, 'mallory', false);
      expect(await listBlocks(bob.client)).toEqual([]);
      await expect
        .poll(() => changes.filter((c) => c.type === 'blocks').map((c) => c.data))
        .toEqual([
          { user: 'mallory', blocked: true },
          { user: 'mallory', blocked: false },
        ]);
    } finally {
      stream.close();
    }

    // The admin calls; everyone else is refused with not_admin.
    expect((await refusal(adminListUsers(bob.client))).problem?.code).toBe('not_admin');
    const users = await adminListUsers(ada.client);
    expect(users.map((u) => [u.name, u.role, u.suspended])).toEqual([
      ['ada', 'admin', false],
      ['bob', 'user', false],
      ['mallory', 'user', false],
    ]);
    await setSuspended(ada.client, 'mallory');
    expect((await refusal(joinChat(server.url, 'mallory', 'mallory-secret-1'))).problem?.code).toBe(
      'account_suspended',
    );
    await setSuspended(ada.client, 'mallory', false);
    await joinChat(server.url, 'mallory', 'mallory-secret-1');
    await deleteInvite(ada.client, invite.code);
    expect(await listInvites(ada.client)).toEqual([]);
    const actions = (await adminAudit(ada.client)).map((e) => `${e.actor} ${e.action} ${e.target}`);
    expect(actions).toEqual(
      expect.arrayContaining(['ada suspend mallory', 'ada restore mallory', 'operator grant_admin ada']),
    );
  });
});
