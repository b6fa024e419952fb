export interface StoredUser {
  readonly name: string;
  /** A self-describing scrypt hash (see src/core/accounts/passwords.ts); never the password. '' for a bot. */
  readonly passwordHash: string;
  /** Set for a bot: the user who made it and manages it. A bot cannot log in with a password. */
  readonly owner?: string;
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
  /** Replaces a user's password hash; resolves false, writing nothing, for an unknown user. */
  setPasswordHash(name: string, passwordHash: string): Promise<boolean>;
  /**
   * Deletes a user: the account, its sessions, its queue and position, and its place in every group (a group
   * left with no member goes too). What it sent stays with its recipients: on their queues, and in the history
   * of its groups. Its direct conversations leave history. Resolves false for an unknown user. A user
   * registered later under the same name starts with an empty queue and reads none of those conversations.
   * Its incoming hooks and its webhook go too. Tells the feed `sessions_ended`, then `deleted`.
   */
  deleteUser(name: string): Promise<boolean>;
}
