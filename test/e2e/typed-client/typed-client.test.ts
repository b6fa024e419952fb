import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changePassword,
  deleteAccount,
  join as joinChat,
  listSessions,
  ParleyError,
  revokeSession,
  streamMessages,
} from '../../../clients/ts/index.js';
import { repoRoot, spawnServer, tempDir, type ServerProcess } from '../../support/process.js';

const run = promisify(execFile);

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(['--store', 'sqlite', '--data', tempDir()]);
});
afterAll(() => server.stop());

describe('the typed client', () => {
  it('runs the example of docs/clients.md as written: log in, send, receive', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'clients/ts/example.ts'), server.url],
      { cwd: repoRoot, timeout: 30_000 },
    );
    expect(stdout).toMatch(/^alice sent message \d+ to bob\nbob received from alice: hello from the typed client\n$/);
  });

  it('yields typed msgforms and resumes from its last id in a new stream', async () => {
    const alice = await joinChat(server.url, 'tcalice', 'tcalice-secret');
    const bob = await joinChat(server.url, 'tcbob', 'tcbob-secret-1');
    const first = streamMessages({ baseUrl: server.url, username: 'tcbob', token: bob.session.token });
    await first.opened;
    for (const text of ['one', 'two']) await alice.client.POST('/messages', { body: { to: 'tcbob', text } });
    expect((await first.next())?.text).toBe('one');
    expect((await first.next())?.text).toBe('two');
    first.close();
    const { data, error } = await alice.client.POST('/messages', { body: { to: 'nobody', text: 'x' } });
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ code: 'not_found', field: 'body.to' });
    await alice.client.POST('/messages', { body: { to: 'tcbob', text: 'three' } });
    const resumed = streamMessages({
      baseUrl: server.url,
      username: 'tcbob',
      token: bob.session.token,
      lastEventId: first.lastEventId!,
    });
    const next = await resumed.next();
    expect(next).toMatchObject({ from: 'tcalice', to: 'tcbob', kind: 'direct', text: 'three' });
    resumed.close();
  });

  it('lists the sessions, signs one out, changes the password and deletes the account', async () => {
    const laptop = await joinChat(server.url, 'tcdana', 'tcdana-secret-1');
    const phone = await joinChat(server.url, 'tcdana', 'tcdana-secret-1');
    const tablet = await joinChat(server.url, 'tcdana', 'tcdana-secret-1');
    const sessions = await listSessions(laptop.client);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const phoneId = (await listSessions(phone.client)).find((s) => s.current)!.id;
    expect(sessions.map((s) => s.id)).toContain(phoneId);
    await revokeSession(laptop.client, phoneId);
    await expect(listSessions(phone.client)).rejects.toMatchObject({ status: 401, problem: { code: 'unauthorized' } });
    await expect(revokeSession(laptop.client, phoneId)).rejects.toBeInstanceOf(ParleyError);

    await expect(changePassword(laptop.client, 'not-the-password', 'tcdana-secret-2')).rejects.toMatchObject({
      status: 401,
      problem: { code: 'bad_credentials' },
    });
    await changePassword(laptop.client, 'tcdana-secret-1', 'tcdana-secret-2');
    await expect(listSessions(tablet.client)).rejects.toMatchObject({ status: 401 });
    expect(await listSessions(laptop.client)).toHaveLength(1);

    await deleteAccount(laptop.client, 'tcdana-secret-2');
    await expect(listSessions(laptop.client)).rejects.toMatchObject({ status: 401 });
    expect((await joinChat(server.url, 'tcdana', 'someone-new-1')).session.created).toBe(true);
  });
});
