export interface StoredUser {
  readonly name: string;
  /** A self-describing scrypt hash (see src/core/accounts/passwords.ts); never the password. '' for a bot. */
  readonly passwordHash: string;
  /** Set for a bot: the user who made it and manages it. A bot cannot log in with a password. */
  readonly owner?: string;
  /** An admin: granted by the operator (`parley grant-admin`). */
  readonly admin?: true;
  /** Suspended by an admin: cannot log in; what it sent stays. */
  readonly suspended?: true;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** The accounts. Users and groups share one namespace: a name is one or the other. */
export interface UserStore {
  loadUsers(): Promise<StoredUser[]>;
  /** A user as the store has them now: another process may have registered, changed or deleted them. */
  findUser(name: string): Promise<StoredUser | undefined>;
  /** Every registered user's name, sorted. */
  userNames(): Promise<string[]>;
  /**
   * Resolves false, writing nothing, when a user or group of that name exists. A new user reads the broadcasts
   * appended after this call. Tells the feed `registered`.
   */
  insertUser(user: StoredUser): Promise<boolean>;
  /** Grants (true) or takes back (false) the admin role; resolves false, writing nothing, for an unknown user. */
  setAdmin(name: string, admin: boolean): Promise<boolean>;
  /**
   * Suspends (true) or restores (false) a user; resolves false, writing nothing, for an unknown user. Suspending
   * ends nothing by itself: the caller ends the user's sessions (deleteSessionsOf), which every process hears.
   */
  setSuspended(name: string, suspended: boolean): Promise<boolean>;
  /** Replaces a user's password hash; resolves false, writing nothing, for an unknown user. */
  setPasswordHash(name: string, passwordHash: string): Promise<boolean>;
  /**
   * Deletes a user: the account, its sessions, its queue and position, and its place in every group (a group
   * left with no member goes too). What it sent stays with its recipients: on their queues, and in the history
   * of its groups. Its direct conversations leave history. Resolves false for an unknown user. A user
   * registered later under the same name starts with an empty queue and reads none of those conversations.
   * Its incoming hooks, its webhook and every block it made or is the object of go too. Tells the feed `sessions_ended`, then `deleted`.
   */
  deleteUser(name: string): Promise<boolean>;
}
