import type { SessionEndReason } from '../delivery/stream-session.js';

export interface StoredSession {
  /** SHA-256 of the bearer token, hex. The token itself is never stored. */
  readonly tokenHash: string;
  readonly username: string;
  readonly createdAt: number;
  /** Epoch milliseconds after which the token no longer works. */
  readonly expiresAt: number;
  /** Epoch milliseconds of the last request made with it, as last written (uses are coalesced, see Accounts). */
  readonly lastUsedAt: number;
  /** The User-Agent header it signed in with, at most 200 characters; absent when there was none. */
  readonly userAgent?: string;
}

/** Bearer-token sessions, stored by the hash of their token. */
export interface SessionStore {
  insertSession(session: StoredSession): Promise<void>;
  findSession(tokenHash: string): Promise<StoredSession | undefined>;
  /**
   * Of these sessions, the ones that no longer work: unknown (revoked, deleted) or expired at `now`. One round
   * trip for all of them: the open streams' sessions are checked this way on every heartbeat.
   */
  endedSessions(tokenHashes: readonly string[], now: number): Promise<string[]>;
  /** Moves a session's expiry and its last use; no-op for an unknown session. */
  touchSession(tokenHash: string, expiresAt: number, lastUsedAt: number): Promise<void>;
  /**
   * Deletes a session, and tells the feed that it ended and why (`exit`: its own sign-out; `revoked`: by
   * another of the user's sessions), so that its streams end on every process with that reason.
   */
  deleteSession(tokenHash: string, reason?: SessionEndReason): Promise<void>;
  /** Every session of a user, expired ones included, oldest first. */
  sessionsOf(username: string): Promise<StoredSession[]>;
  /** Deletes every session of a user and tells the feed `sessions_ended`; resolves with how many there were. */
  deleteSessionsOf(username: string): Promise<number>;
}
