import { expect } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import { draft, group, rowsOf, textOf, user } from './factories.js';

/**
 * For a durable backend: writes one of everything, closes the store, opens another with `open` on the same data and
 * checks that it holds all of it and continues the ids.
 */
export async function expectKeptAcrossReopen(open: () => Promise<Store>): Promise<void> {
  const store = await open();
  await store.insertUser(user('alice'));
  const bot = { name: 'helper', passwordHash: '', owner: 'alice', createdAt: 1 };
  await store.insertUser(bot);
  await store.insertGroup(group('team', ['alice', 'bob']));
  const session = {
    tokenHash: 'a'.repeat(64),
    username: 'alice',
    createdAt: 3,
    expiresAt: 4,
    lastUsedAt: 3,
    userAgent: 'curl/8.11.1',
  };
  await store.insertSession(session);
  await store.setAdmin('alice', true);
  await store.setSuspended('helper', true);
  const blockEvent = { type: 'blocks' as const, json: '{"user":"bob"}', at: 2, recipients: ['alice'] };
  const blocked = await store.setBlock({ blocker: 'alice', blocked: 'bob' }, true, blockEvent);
  const levelEvent = { type: 'notifications' as const, json: '{"conversation":"team"}', at: 3, recipients: ['alice'] };
  const level = await store.setNotifyLevel('alice', 'team', 'mentions', levelEvent);
  const quietEvent = { type: 'quiet' as const, json: '{"until":9000}', at: 4, recipients: ['alice'] };
  const quiet = await store.setQuietUntil('alice', 9_000, quietEvent);
  const vapid = { publicKey: 'BPublic', privateKey: 'private' };
  await store.vapidKeys(() => vapid);
  const invite = { code: 'inv1', createdBy: 'alice', createdAt: 2, expiresAt: 9_000, uses: 3, note: 'for the team' };
  await store.insertInvite(invite);
  await store.insertInvite({ code: 'inv2', createdBy: 'alice', createdAt: 3, uses: 1 });
  expect(await store.takeInvite('inv1', 4)).toBe('taken');
  expect(await store.takeInvite('inv1', 5)).toBe('taken');
  const audit = [
    { at: 2, actor: 'operator', action: 'grant_admin', target: 'alice' },
    { at: 3, actor: 'alice', action: 'suspend', target: 'helper', detail: 'spam' },
  ];
  for (const entry of audit) await store.appendAudit(entry);
  const first = await store.appendMessage(
    draft(['bob', 'carol'], { kind: 'group', group: 'team', text: 'one', mentions: ['bob'] }),
  );
  const reaction = { message: first, emoji: '👍', user: 'bob' };
  const reactionEvent = { type: 'reaction' as const, json: '{"of":"1"}', at: 5, recipients: ['carol'] };
  await store.setReaction(reaction, true, 20, reactionEvent);
  const quote = { id: first, from: 'alice', text: 'one' };
  const second = await store.appendMessage(
    draft(['bob'], { text: 'two', bot: true, displayName: 'Two', replyTo: quote }),
  );
  const hook = { id: 'h1', owner: 'helper', to: 'bob', name: 'deploys', secretHash: 'ab'.repeat(32), createdAt: 5 };
  await store.insertHook(hook);
  await store.recordHookUse('h1', 6, 'refused');
  await store.setWebhook('helper', 'https://example.com/in', 'whsec_abc', 7, 1);
  await store.leaseWebhook('helper', 'p1', Date.now(), 60_000);
  await store.recordWebhookAttempt('helper', 'p1', { at: 8, ackedId: first });
  await store.recordWebhookAttempt('helper', 'p1', { at: 9, error: 'HTTP 500' });
  const subscription = {
    id: 'sub1',
    user: 'alice',
    sessionId: session.tokenHash,
    endpoint: 'https://push.example.com/send/1',
    p256dh: 'BKey',
    auth: 'secret',
    createdAt: 4,
    ackedId: 1,
  };
  await store.insertPushSubscription(subscription, 5);
  await store.leasePushSubscription('sub1', 'p1', Date.now(), 60_000);
  await store.recordPushAttempt('sub1', 'p1', { at: 10, ackedId: second });
  await store.recordPushAttempt('sub1', 'p1', { at: 11, error: 'HTTP 410' });
  await store.markRead('bob', { kind: 'direct', with: 'alice' }, second);
  store.markDelivered('bob', first);
  await store.close();

  const reopened = await open();
  expect(await reopened.loadUsers()).toEqual([
    { ...user('alice'), admin: true },
    { ...bot, suspended: true },
  ]);
  expect(await reopened.findUser('helper')).toEqual({ ...bot, suspended: true });
  expect(await reopened.loadBlocks()).toEqual([{ blocker: 'alice', blocked: 'bob' }]);
  expect(await rowsOf(reopened, 'alice', 0, 10)).toEqual([
    { id: blocked, type: 'blocks', json: blockEvent.json, at: 2, to: 'alice' },
    { id: level, type: 'notifications', json: levelEvent.json, at: 3, to: 'alice' },
    { id: quiet, type: 'quiet', json: quietEvent.json, at: 4, to: 'alice' },
  ]);
  expect(await reopened.notifyLevels('alice')).toEqual(new Map([['team', 'mentions']]));
  expect(await reopened.quietUntil('alice')).toBe(9_000);
  expect(
    await reopened.vapidKeys(() => {
      throw new Error('a stored pair is never made again');
    }),
  ).toEqual(vapid);
  const pushed = { ...subscription, ackedId: second, lastSuccessAt: 10, failures: 1, lastError: 'HTTP 410' };
  expect(await reopened.findPushSubscription('sub1')).toEqual({ ...pushed, lastErrorAt: 11 });
  expect(await reopened.pushSubscriptionsOf('alice')).toEqual([{ ...pushed, lastErrorAt: 11 }]);
  expect(await reopened.pushSubscriptionIds()).toEqual(['sub1']);
  expect(await reopened.invites()).toEqual([
    { ...invite, used: 2 },
    { code: 'inv2', createdBy: 'alice', createdAt: 3, uses: 1, used: 0 },
  ]);
  expect(await reopened.takeInvite('inv1', 6)).toBe('taken');
  expect(await reopened.takeInvite('inv1', 7)).toBe('used');
  expect(await reopened.auditLog(10)).toEqual([audit[1], audit[0]]);
  expect(await reopened.loadGroups()).toEqual([group('team', ['alice', 'bob'])]);
  expect(await reopened.findSession(session.tokenHash)).toEqual(session);
  expect(await reopened.lastMessageId()).toBe(second);
  expect((await reopened.loadCursors()).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { name: 'alice', deliveredId: 0, prunedId: 0, pending: 0 },
    { name: 'bob', deliveredId: first, prunedId: 0, pending: 1 },
    { name: 'carol', deliveredId: 0, prunedId: 0, pending: 1 },
    { name: 'helper', deliveredId: 0, prunedId: 0, pending: 0 },
  ]);
  expect((await rowsOf(reopened, 'bob', 0, 10)).map(textOf)).toEqual(['one', 'two']);
  expect(await reopened.findMessage(second)).toMatchObject({ bot: true, displayName: 'Two' });
  expect(await reopened.findMessage(first)).not.toHaveProperty('bot');
  expect(await reopened.findMessage(first)).toMatchObject({ mentions: ['bob'] });
  expect(await reopened.findMessage(second)).not.toHaveProperty('mentions');
  expect(await reopened.findMessage(second)).toMatchObject({ replyTo: quote });
  expect(await reopened.reactionsOn('bob', [first, second])).toEqual(
    new Map([[first, [{ emoji: '👍', count: 1, me: true }]]]),
  );
  expect(await reopened.readMark('bob', 'alice')).toBe(second);
  expect(await reopened.hooksOf('helper')).toEqual([{ ...hook, failures: 1, lastError: 'refused', lastErrorAt: 6 }]);
  expect(await reopened.findWebhook('helper')).toEqual({
    bot: 'helper',
    url: 'https://example.com/in',
    secret: 'whsec_abc',
    setAt: 7,
    ackedId: first,
    lastSuccessAt: 8,
    failures: 1,
    lastError: 'HTTP 500',
    lastErrorAt: 9,
  });
  expect(await reopened.webhookBots()).toEqual(['helper']);
  expect(await reopened.summarize('bob', { kind: 'direct', with: 'alice' })).toMatchObject({
    readId: second,
    unread: 0,
  });
  expect(await reopened.appendMessage(draft(['bob']))).toBeGreaterThan(second);
  await reopened.close();
}
