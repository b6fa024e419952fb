import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports/index.js';
import { sessionEndReasons } from '../../../src/core/delivery/stream-session.js';
import type { FreshBackend } from './fresh-backend.js';
import { sessionOf } from './factories.js';

/** SessionStore: bearer-token sessions by the hash of their token, and ending them. */
export function sessionsContract(backend: () => FreshBackend): void {
  describe('sessions', () => {
    let store: Store;
    beforeEach(() => {
      ({ store } = backend());
    });

    describe('tokens', () => {
      const session = { tokenHash: 'a'.repeat(64), username: 'alice', createdAt: 10, expiresAt: 100, lastUsedAt: 10 };

      it('finds a session by its token hash and nothing for an unknown one', async () => {
        await store.insertSession(session);
        expect(await store.findSession(session.tokenHash)).toEqual(session);
        expect(await store.findSession('b'.repeat(64))).toBeUndefined();
      });

      it('keeps the user agent a session signed in with, and none for one without', async () => {
        const agent = 'Mozilla/5.0 (X11; Linux x86_64) "quoted" \\ \u00e9';
        await store.insertSession({ ...session, userAgent: agent });
        const plain = { ...session, tokenHash: 'b'.repeat(64), createdAt: 20, lastUsedAt: 20 };
        await store.insertSession(plain);
        expect(await store.findSession(session.tokenHash)).toEqual({ ...session, userAgent: agent });
        expect(await store.findSession(plain.tokenHash)).toEqual(plain);
        expect(await store.sessionsOf('alice')).toEqual([{ ...session, userAgent: agent }, plain]);
      });

      it('names, of many sessions at once, those unknown or expired', async () => {
        await store.insertSession(session);
        await store.insertSession({ ...session, tokenHash: 'b'.repeat(64), expiresAt: 50 });
        await store.insertSession({ ...session, tokenHash: 'c'.repeat(64), expiresAt: 60 });
        await store.deleteSession('c'.repeat(64), 'revoked');
        const asked = ['a', 'b', 'c', 'd'].map((c) => c.repeat(64));
        expect(await store.endedSessions(asked, 50)).toEqual(['b', 'c', 'd'].map((c) => c.repeat(64)));
        expect(await store.endedSessions(asked, 49)).toEqual(['c', 'd'].map((c) => c.repeat(64)));
        expect(await store.endedSessions([], 49)).toEqual([]);
      });

      it('moves the expiry and the last use of a session and ignores an unknown one', async () => {
        await store.insertSession({ ...session, userAgent: 'curl' });
        await store.touchSession(session.tokenHash, 500, 70);
        await store.touchSession('c'.repeat(64), 500, 70);
        expect(await store.findSession(session.tokenHash)).toEqual({
          ...session,
          userAgent: 'curl',
          expiresAt: 500,
          lastUsedAt: 70,
        });
        expect(await store.findSession('c'.repeat(64))).toBeUndefined();
        expect(await store.sessionsOf('alice')).toEqual([
          { ...session, userAgent: 'curl', expiresAt: 500, lastUsedAt: 70 },
        ]);
      });

      it("forgets a revoked session, and it leaves its user's list", async () => {
        await store.insertSession(session);
        await store.insertSession({ ...session, tokenHash: 'b'.repeat(64), createdAt: 20 });
        await store.deleteSession(session.tokenHash, 'revoked');
        expect(await store.findSession(session.tokenHash)).toBeUndefined();
        expect(await store.sessionsOf('alice')).toEqual([{ ...session, tokenHash: 'b'.repeat(64), createdAt: 20 }]);
      });

      it('forgets a deleted session', async () => {
        await store.insertSession(session);
        await store.deleteSession(session.tokenHash);
        expect(await store.findSession(session.tokenHash)).toBeUndefined();
      });

      it('tells the feed which session ended and why by the time the deletion resolves, and nothing for an unknown one', async () => {
        await store.insertSession(session);
        await store.insertSession({ ...session, tokenHash: 'b'.repeat(64), createdAt: 20 });
        const feed = await backend().listen();
        await store.deleteSession(session.tokenHash);
        const exit = { kind: 'session_ended', user: 'alice', sessionId: session.tokenHash, reason: 'exit' };
        expect(await feed.told(1)).toEqual([exit]);
        await store.deleteSession('c'.repeat(64), 'revoked');
        await store.deleteSession('b'.repeat(64), 'revoked');
        expect(await feed.told(2)).toEqual([
          exit,
          { kind: 'session_ended', user: 'alice', sessionId: 'b'.repeat(64), reason: 'revoked' },
        ]);
      });

      it('tells the feed every reason a session can end for, as given', async () => {
        const ends = sessionEndReasons.map((reason, i) => ({ reason, tokenHash: String(i).repeat(64) }));
        for (const { tokenHash } of ends) await store.insertSession({ ...session, tokenHash });
        const feed = await backend().listen();
        for (const { reason, tokenHash } of ends) await store.deleteSession(tokenHash, reason);
        expect(await feed.told(ends.length)).toEqual(
          ends.map(({ reason, tokenHash }) => ({ kind: 'session_ended', user: 'alice', sessionId: tokenHash, reason })),
        );
      });
    });

    describe('operator commands', () => {
      it('lists and deletes every session of one user and no other', async () => {
        for (const s of [sessionOf('bob', 2), sessionOf('alice', 1), sessionOf('bob', 1)]) await store.insertSession(s);
        expect(await store.sessionsOf('bob')).toEqual([sessionOf('bob', 1), sessionOf('bob', 2)]);
        expect(await store.deleteSessionsOf('bob')).toBe(2);
        expect(await store.sessionsOf('bob')).toEqual([]);
        expect(await store.findSession(sessionOf('bob', 1).tokenHash)).toBeUndefined();
        expect(await store.findSession(sessionOf('alice', 1).tokenHash)).toEqual(sessionOf('alice', 1));
        expect(await store.deleteSessionsOf('nobody')).toBe(0);
      });

      it('tells the feed that every session of a user ended by the time the deletion resolves', async () => {
        for (const s of [sessionOf('bob', 1), sessionOf('bob', 2)]) await store.insertSession(s);
        const feed = await backend().listen();
        expect(await store.deleteSessionsOf('bob')).toBe(2);
        expect(await feed.told(1)).toEqual([{ kind: 'sessions_ended', user: 'bob' }]);
      });
    });
  });
}
