/** An invite: a code that lets new names register while sign-up is by invite. */
export interface StoredInvite {
  /** At least 128 random bits, base64url; kept as given, so that an admin can hand it out again. */
  readonly code: string;
  /** The admin or member who made it. */
  readonly createdBy: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** After this instant (epoch ms) it is refused as expired; absent: it never expires. */
  readonly expiresAt?: number;
  /** How many sign-ups it allows in all. */
  readonly uses: number;
  /** How many it has let in. */
  readonly used: number;
  /** Its maker's label for it, at most 200 characters. */
  readonly note?: string;
}

/** What taking one use of an invite came to. */
export type InviteTake = 'taken' | 'unknown' | 'used' | 'expired';

/** Invites, by code. */
export interface InviteStore {
  /** Stores a new invite (`used` 0); codes are random, so a clash is a bug (it overwrites). */
  insertInvite(invite: Omit<StoredInvite, 'used'>): Promise<void>;
  /** Every invite, oldest first. */
  invites(): Promise<StoredInvite[]>;
  findInvite(code: string): Promise<StoredInvite | undefined>;
  /** Resolves false for an unknown code. */
  deleteInvite(code: string): Promise<boolean>;
  /**
   * Takes one use, atomically across every process: `taken` when one was left and it had not expired at `now`;
   * otherwise writes nothing and says why. Of any number of concurrent takes of the last use, exactly one wins.
   */
  takeInvite(code: string, now: number): Promise<InviteTake>;
  /** Gives back a use taken for a sign-up that then failed (the name was taken); no-op for an unknown code. */
  returnInvite(code: string): Promise<void>;
}
