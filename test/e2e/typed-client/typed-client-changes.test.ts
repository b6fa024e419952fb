import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join as joinChat, streamMessages, type Change } from '../../../clients/ts/index.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';
import { Watched } from '../../support/watched.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(['--store', 'memory']);
});
afterAll(() => server.stop());

describe('the typed client with changes to what was delivered', () => {
  it('makes group changes, edits and deletions through typed calls, and passes their events in order', async () => {
    const alice = await joinChat(server.url, 'tcann', 'tcann-secret');
    const bob = await joinChat(server.url, 'tcben', 'tcben-secret');
    await joinChat(server.url, 'tccat', 'tccat-secret');
    const changes: Change[] = [];
    const watched = new Watched();
    const stream = streamMessages({
      baseUrl: server.url,
      username: 'tcben',
      token: bob.session.token,
      onChange: (change) => {
        changes.push(change);
        watched.changed();
      },
    });
    await stream.opened;
    expect((await alice.client.POST('/groups', { body: { name: 'tcteam', members: ['tcben'] } })).response.status).toBe(
      201,
    );
    const added = await alice.client.POST('/groups/{name}/members', {
      params: { path: { name: 'tcteam' } },
      body: { members: ['tccat'] },
    });
    expect(added.data).toEqual({
      name: 'tcteam',
      members: ['tcann', 'tcben', 'tccat'],
      owner: 'tcann',
      createdBy: 'tcann',
    });
    const shown = await bob.client.GET('/groups/{name}', { params: { path: { name: 'tcteam' } } });
    expect(shown.data?.owner).toBe('tcann');
    const sent = await alice.client.POST('/messages', { body: { to: 'tcben', text: 'typo hre' } });
    const id = sent.data!.id;
    const edited = await alice.client.PATCH('/messages/{id}', {
      params: { path: { id } },
      body: { text: 'typo here' },
    });
    expect(edited.data).toMatchObject({ id, text: 'typo here', editedAt: expect.any(String) });
    const refused = await bob.client.DELETE('/messages/{id}', { params: { path: { id } } });
    expect(refused.error).toMatchObject({ code: 'forbidden', field: 'path.id' });
    expect((await alice.client.DELETE('/messages/{id}', { params: { path: { id } } })).response.status).toBe(204);
    await bob.client.PUT('/conversations/{with}/read', { params: { path: { with: 'tcann' } }, body: { upTo: id } });

    await watched.until(
      () => (changes.length >= 5 ? true : undefined),
      10_000,
      () => `only ${changes.length} changes`,
    );
    expect(changes.map((c) => c.type)).toEqual(['group', 'group', 'edited', 'deleted', 'read']);
    expect(changes[1]).toMatchObject({ type: 'group', data: { change: 'added', users: ['tccat'] } });
    expect(changes[3]).toMatchObject({ type: 'deleted', data: { of: id } });
    expect(changes[4]).toMatchObject({ type: 'read', data: { with: 'tcann', upTo: id } });
    expect((await stream.next())?.text).toBe('typo hre');
    expect(stream.lastEventId).toBe(changes[4]!.id);
    stream.close();
  });
});
