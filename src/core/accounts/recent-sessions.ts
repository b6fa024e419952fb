import type { StoredSession } from '../ports/index.js';

/**
 * Sessions read lately from a store that other processes share, by token hash, for the requests whose only
 * effect is a write that the store checks against the session again as it makes it (NewMessage.session): such
 * a request needs no read of its own, and a revocation on another process still stops it. Other requests read
 * the store each time. An entry serves for `freshMs` after its reading, so that what it says of the session's
 * expiry and last use is never older than that; the oldest reading goes first when `maxEntries` are kept.
 */
export class RecentSessions {
  private readonly read = new Map<string, { readonly session: StoredSession; readonly at: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly freshMs: number,
  ) {}

  get(tokenHash: string, now: number): StoredSession | undefined {
    const entry = this.read.get(tokenHash);
    if (entry === undefined) return undefined;
    if (now - entry.at < this.freshMs) return entry.session;
    this.read.delete(tokenHash);
    return undefined;
  }

  /** The session as the store holds it at `now`. */
  note(session: StoredSession, now: number): void {
    this.read.delete(session.tokenHash);
    if (this.read.size >= this.maxEntries) this.read.delete(this.read.keys().next().value!);
    this.read.set(session.tokenHash, { session, at: now });
  }

  clear(): void {
    this.read.clear();
  }
}
