/** An incoming webhook: a secret URL that posts one message from its owner to one conversation. */
export interface StoredHook {
  /** Public and random (base64url); the URL is `/hooks/{id}/{secret}`. */
  readonly id: string;
  /** The user or bot whose messages the hook posts. */
  readonly owner: string;
  /** A user, a group, or `broad`. */
  readonly to: string;
  /** The owner's label for it, at most 80 characters. */
  readonly name?: string;
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  readonly secretHash: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** How a hook has fared: what its owner sees in `GET /hooks`. */
export interface HookRecord extends StoredHook {
  /** The last post it stored (epoch ms). */
  readonly lastUsedAt?: number;
  /** Posts refused in a row since the last one stored. */
  readonly failures: number;
  /** Why the last refused post was refused, and when (epoch ms). */
  readonly lastError?: string;
  readonly lastErrorAt?: number;
}

/** Incoming webhooks, by id. */
export interface HookStore {
  /** Stores a new hook; ids are random, so a clash is a bug (it overwrites). */
  insertHook(hook: StoredHook): Promise<void>;
  findHook(id: string): Promise<HookRecord | undefined>;
  /** The hooks of one owner, oldest first. */
  hooksOf(owner: string): Promise<HookRecord[]>;
  /** Resolves false for an unknown hook. */
  deleteHook(id: string): Promise<boolean>;
  /**
   * Records one post to the hook: stored (no `error`: failures back to 0, lastUsedAt = at) or refused (failures
   * + 1, lastError, lastErrorAt = at). Resolves with the failures in a row after it; 0 for an unknown hook.
   */
  recordHookUse(id: string, at: number, error?: string): Promise<number>;
}
