import { createHash, randomBytes } from 'node:crypto';
import type { InviteStore, SessionStore, StoredSession, StoredUser, UserStore } from '../ports/index.js';
import type { Actor } from '../chat/commands.js';
import type { Directory } from '../chat/directory.js';
import type { SessionEndReason } from '../delivery/stream-session.js';
import { ChatError, sessionEnded } from '../errors.js';
import { LoginGuard, type LoginLimits } from './login-guard.js';
import { Registration, type RegistrationMode } from './registration.js';
import { canonicalName, claimableName } from '../names.js';
import { hashPassword, verifyPassword, type ScryptCost } from './passwords.js';
import { RecentSessions } from './recent-sessions.js';

export interface AccountsOptions {
  readonly scrypt: ScryptCost;
  /** A session's lifetime, refreshed by use. */
  readonly sessionTtlMs: number;
  readonly now: () => number;
  /** Failed-login budgets; without them logins are not throttled. */
  readonly login?: LoginLimits;
  /**
   * Sessions looked up that may be kept in memory, so that a request costs the store no read: only where this
   * process is the store's only writer, so that every revocation passes through it (see `Backend`). 0 or
   * absent where another process may revoke a session at any moment.
   */
  readonly sessionCache?: number;
  /** Who may register a new name. @default 'open' (the original system's rule) */
  readonly registration?: RegistrationMode;
}

export interface JoinResult {
  readonly username: string;
  readonly token: string;
  readonly created: boolean;
}

function noSuchUser(rawName: string): ChatError {
  return new ChatError('not_found', `no user is called "${rawName.slice(0, 40)}"`, 'name');
}

/** A bot's token never expires: it works until its owner rotates it or deletes the bot. */
export const neverExpires = Number.MAX_SAFE_INTEGER;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The public id of a session, shown in `GET /sessions`: a hash of its token hash, cut to 96 bits. One-way, so
 * that a listed id reveals nothing of the token, and stable, so that it needs no column of its own.
 */
export function publicSessionId(tokenHash: string): string {
  return createHash('sha256').update(`parley-session-id:${tokenHash}`).digest('base64url').slice(0, 16);
}

/** Sessions a process sharing its store keeps of those it read lately (see RecentSessions). */
const recentSessions = 10_000;

/** Longest User-Agent kept with a session. */
export const maxUserAgentLength = 200;

/**
 * How stale a session's `lastUsedAt` may be before a request writes it again (ms): a busy client costs the
 * store one write a minute, not one per request.
 */
export const lastUseResolutionMs = 60_000;

/** One of the caller's sessions, as `GET /sessions` lists it. */
export interface OwnSession {
  readonly id: string;
  readonly current: boolean;
  readonly createdAt: number;
  readonly lastUsedAt: number;
  readonly userAgent?: string;
}

/** Registration, login and bearer tokens. Passwords live only as scrypt hashes; tokens only as SHA-256. */
export class Accounts {
  private readonly hashes = new Map<string, string>();
  /** Epoch ms of each account's registration. */
  private readonly created = new Map<string, number>();
  /** The owner of each bot; a user not here is a person. */
  private readonly owners = new Map<string, string>();
  private readonly guard: LoginGuard | undefined;
  readonly registration: Registration;
  /** Sessions looked up, by token hash, oldest first (see AccountsOptions.sessionCache). */
  private readonly sessions = new Map<string, StoredSession>();
  /** Where processes share the store: sessions read lately, for the sends it checks as it writes them. */
  private readonly recent: RecentSessions | undefined;
  /** Bumped as every revocation starts and ends: a lookup that overlapped one is not kept. */
  private revocationEpoch = 0;
  private revocationsRunning = 0;

  constructor(
    private readonly store: UserStore & SessionStore & InviteStore,
    private readonly directory: Directory,
    private readonly options: AccountsOptions,
  ) {
    this.guard = options.login && new LoginGuard(options.login);
    if ((options.sessionCache ?? 0) === 0) this.recent = new RecentSessions(recentSessions, lastUseResolutionMs);
    this.registration = new Registration(options.registration ?? 'open', store, this.guard, options.now);
  }

  /** Makes a stored user known (on start). */
  remember(name: string, passwordHash: string, createdAt = 0, owner?: string): void {
    this.hashes.set(name, passwordHash);
    this.created.set(name, createdAt);
    if (owner !== undefined) this.owners.set(name, owner);
    this.directory.addUser(name);
  }

  /** Whether a registered user is a bot. */
  isBot(name: string): boolean {
    return this.owners.has(name);
  }

  /** The owner of a bot; undefined for a person or an unknown name. */
  ownerOf(name: string): string | undefined {
    return this.owners.get(name);
  }

  /** When a known user registered (epoch ms); 0 when unknown. */
  createdAtOf(name: string): number {
    return this.created.get(name) ?? 0;
  }

  /** The bots a user owns, sorted by name. */
  botsOf(owner: string): string[] {
    return [...this.owners]
      .filter(([, o]) => o === owner)
      .map(([name]) => name)
      .sort();
  }

  /**
   * Registers a bot owned by `owner`: a user with no password, whose one way in is the token returned. The
   * name follows the rules of a user's.
   */
  async registerBot(rawName: string, owner: string): Promise<JoinResult> {
    const username = claimableName(rawName, 'body.name');
    await this.directory.claim(username, async () => {
      const createdAt = this.options.now();
      if (!(await this.store.insertUser({ name: username, passwordHash: '', createdAt, owner }))) {
        throw new ChatError('name_taken', `the name "${username}" is taken`, 'body.name');
      }
      this.remember(username, '', createdAt, owner);
    });
    return { username, token: await this.openSession(username, undefined, neverExpires), created: true };
  }

  /** Ends every token of a bot and hands out a new one; the old one is refused at once, on every process. */
  async rotateBotToken(name: string): Promise<string> {
    await this.revoking(() => this.store.deleteSessionsOf(name));
    return this.openSession(name, undefined, neverExpires);
  }

  /**
   * The original "type a USERNAME": a new name registers, a known one logs in. `client` (the caller's address)
   * keys the failed-login limits; the wrong-password answer is the same whatever the account or the cause.
   * `userAgent` is kept with the session (cut to 200 characters) so that the user can tell their devices apart.
   */
  async join(rawName: string, password: string, client = '', userAgent?: string, invite?: string): Promise<JoinResult> {
    await this.guard?.checkAddress(client);
    const username = claimableName(rawName, 'body.username');
    const user = (await this.learn(username)) ? await this.currentUser(username) : undefined;
    const known = user?.passwordHash;
    if (this.owners.has(username)) {
      throw new ChatError(
        'bot_account',
        `"${username}" is a bot: it has no password, and signs in with the token its owner got for it`,
        'body.username',
      );
    }
    if (known !== undefined) {
      await this.checkPassword(username, password, client, 'body.password', known);
      // Only once the password checks out: a guesser learns nothing of the account's state.
      if (user?.suspended) {
        throw new ChatError('account_suspended', `"${username}" is suspended by an admin`, 'body.username');
      }
      return { username, token: await this.openSession(username, userAgent), created: false };
    }
    const giveBack = await this.registration.admit(invite, client);
    try {
      await this.register(username, password, 'body.username');
    } catch (err) {
      await giveBack();
      throw err;
    }
    return { username, token: await this.openSession(username, userAgent), created: true };
  }

  /** Makes an account whatever the registration mode: for admins and the operator. name_taken when it exists. */
  async createAccount(rawName: string, password: string): Promise<string> {
    const username = claimableName(rawName, 'body.name');
    await this.register(username, password, 'body.name');
    return username;
  }

  private async register(username: string, password: string, field: string): Promise<void> {
    const passwordHash = await hashPassword(password, this.options.scrypt);
    await this.directory.claim(username, async () => {
      const createdAt = this.options.now();
      if (!(await this.store.insertUser({ name: username, passwordHash, createdAt }))) {
        throw new ChatError('name_taken', `the name "${username}" is taken`, field);
      }
      this.remember(username, passwordHash, createdAt);
    });
  }

  /** Whether `name` is a registered user; one another process registered just now counts. */
  async learn(name: string): Promise<boolean> {
    if (this.hashes.has(name)) return true;
    const user = await this.store.findUser(name);
    if (user) this.remember(user.name, user.passwordHash, user.createdAt, user.owner);
    return user !== undefined;
  }

  /**
   * The actor behind a bearer token; unauthorized when it is unknown, revoked or expired. With `checkedAsWritten`
   * the request's only effect is a send, which a shared store checks against the session as it writes it: the
   * session may then come from what this process read lately (the actor is `unconfirmed`) rather than the store.
   */
  async authenticate(token: string, { checkedAsWritten = false } = {}): Promise<Actor> {
    const tokenHash = hashToken(token);
    const recent = checkedAsWritten ? this.recent?.get(tokenHash, this.options.now()) : undefined;
    const session = this.sessions.get(tokenHash) ?? recent ?? (await this.findSession(tokenHash));
    const now = this.options.now();
    if (!session || session.expiresAt <= now) {
      throw sessionEnded();
    }
    // Sliding expiry and the last use, written together and coalesced (see lastUseResolutionMs), so that
    // most reads stay reads.
    const bot = session.expiresAt === neverExpires;
    const renew = !bot && session.expiresAt - now < this.options.sessionTtlMs / 2;
    if (renew || now - session.lastUsedAt >= lastUseResolutionMs) {
      const expiresAt = bot ? neverExpires : now + this.options.sessionTtlMs;
      await this.store.touchSession(tokenHash, expiresAt, now);
      const kept = this.sessions.get(tokenHash);
      if (kept) this.sessions.set(tokenHash, { ...kept, expiresAt, lastUsedAt: now });
      if (recent) this.recent?.note({ ...recent, expiresAt, lastUsedAt: now }, now);
    }
    const name = session.username;
    if (this.owners.has(name)) {
      return recent
        ? { name, sessionId: tokenHash, bot: true, unconfirmed: true }
        : { name, sessionId: tokenHash, bot: true };
    }
    return recent ? { name, sessionId: tokenHash, unconfirmed: true } : { name, sessionId: tokenHash };
  }

  /** The store's session, kept when this process may keep sessions and no revocation overlapped the read. */
  private async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    const epoch = this.revocationEpoch;
    const session = await this.store.findSession(tokenHash);
    if (session) this.keep(session, epoch);
    if (session && epoch === this.revocationEpoch) this.recent?.note(session, this.options.now());
    return session;
  }

  /** Keeps a session read or written while the revocation epoch was `epoch`, if none ran since. */
  private keep(session: StoredSession, epoch: number): void {
    const room = this.options.sessionCache ?? 0;
    if (room === 0 || epoch !== this.revocationEpoch || this.revocationsRunning > 0) return;
    if (this.sessions.size >= room) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(session.tokenHash, session);
  }

  /**
   * Runs a revocation in the store with no session kept in memory before or after it: a request that reads
   * the session while the store deletes it may still get through (it came first), none after.
   */
  private async revoking<T>(work: () => Promise<T>): Promise<T> {
    this.revocationEpoch++;
    this.revocationsRunning++;
    this.sessions.clear();
    this.recent?.clear();
    try {
      return await work();
    } finally {
      this.revocationEpoch++;
      this.revocationsRunning--;
      this.sessions.clear();
    }
  }

  /**
   * Runs the password check of a known account through the failed-login limits; bad_credentials naming `field`
   * when it fails. A wrong password counts as a failed login wherever it is given.
   */
  async checkPassword(name: string, password: string, client: string, field: string, hash?: string): Promise<void> {
    const known = hash ?? (await this.currentHash(name));
    const check = async () => known !== undefined && verifyPassword(password, known);
    if (!(await (this.guard ? this.guard.verify(name, client, check) : check()))) {
      throw new ChatError('bad_credentials', `wrong password for "${name}"`, field);
    }
  }

  /** The actor's live sessions, oldest first, each with its public id; the actor's own is `current`. */
  async ownSessions(actor: Actor): Promise<OwnSession[]> {
    return (await this.liveSessionsOf(actor.name)).map((session) => {
      const own = {
        id: publicSessionId(session.tokenHash),
        current: session.tokenHash === actor.sessionId,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
      };
      return session.userAgent === undefined ? own : { ...own, userAgent: session.userAgent };
    });
  }

  /**
   * Revokes the actor's live session with public id `id`; resolves with its token hash (the id its streams know).
   * Another user's id and an unknown one get the same not_found, so that ids cannot be probed.
   */
  async revokeOwnSession(actor: Actor, id: string): Promise<string> {
    const session = (await this.liveSessionsOf(actor.name)).find((s) => publicSessionId(s.tokenHash) === id);
    if (!session) throw new ChatError('not_found', `no session of yours has the id "${id.slice(0, 40)}"`, 'path.id');
    await this.revoking(() => this.store.deleteSession(session.tokenHash, 'revoked'));
    return session.tokenHash;
  }

  /**
   * Changes the actor's password once the current one checks out (a wrong one is a failed login), then revokes
   * every other session of theirs; resolves with the token hashes revoked.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, client: string): Promise<string[]> {
    await this.checkPassword(actor.name, currentPassword, client, 'body.currentPassword');
    const passwordHash = await hashPassword(newPassword, this.options.scrypt);
    if (!(await this.store.setPasswordHash(actor.name, passwordHash))) throw noSuchUser(actor.name);
    this.hashes.set(actor.name, passwordHash);
    // After the new hash is stored, so that no session signed in with the old password can be opened behind it.
    return this.revoking(async () => {
      const others = (await this.store.sessionsOf(actor.name)).filter((s) => s.tokenHash !== actor.sessionId);
      for (const session of others) await this.store.deleteSession(session.tokenHash, 'password_changed');
      return others.map((s) => s.tokenHash);
    });
  }

  /** Of these sessions, the ones that no longer work: revoked, or expired. */
  endedOf(sessionIds: readonly string[]): Promise<string[]> {
    return this.store.endedSessions(sessionIds, this.options.now());
  }

  async logout(actor: Actor): Promise<void> {
    await this.revoking(() => this.store.deleteSession(actor.sessionId));
  }

  /** Every account, sorted by name, with when it was registered (epoch ms) and, for a bot, its owner. */
  accounts(): { name: string; createdAt: number; owner?: string }[] {
    return [...this.created]
      .map(([name, createdAt]) => {
        const owner = this.owners.get(name);
        return owner === undefined ? { name, createdAt } : { name, createdAt, owner };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The canonical name of a registered user, or not_found. */
  known(rawName: string): string {
    const name = canonicalName(rawName);
    if (name === undefined || !this.hashes.has(name)) throw noSuchUser(rawName);
    return name;
  }

  /** The user's sessions that still work (neither revoked nor expired). */
  async liveSessionsOf(rawName: string): Promise<StoredSession[]> {
    const now = this.options.now();
    return (await this.store.sessionsOf(this.known(rawName))).filter((session) => session.expiresAt > now);
  }

  /** Revokes every session of a user, so that each of their tokens stops working; resolves with how many there were. */
  async endSessionsOf(rawName: string, reason?: SessionEndReason): Promise<number> {
    const name = this.known(rawName);
    if (reason === undefined) return this.revoking(() => this.store.deleteSessionsOf(name));
    // One by one, so that each session's streams end, on every process, with the reason.
    return this.revoking(async () => {
      const sessions = await this.store.sessionsOf(name);
      for (const session of sessions) await this.store.deleteSession(session.tokenHash, reason);
      return sessions.length;
    });
  }

  /** Sets a new password and revokes every session: whoever knew the old one is out. */
  async resetPassword(rawName: string, password: string): Promise<number> {
    const name = this.known(rawName);
    const passwordHash = await hashPassword(password, this.options.scrypt);
    if (!(await this.store.setPasswordHash(name, passwordHash))) throw noSuchUser(name);
    this.hashes.set(name, passwordHash);
    return this.endSessionsOf(name, 'password_reset');
  }

  /**
   * Deletes an account: its sessions, its queue, its place in groups (see Store.deleteUser). The bots it owns
   * go first: nobody would be left to manage them.
   */
  async deleteUser(rawName: string): Promise<void> {
    const name = this.known(rawName);
    for (const bot of this.botsOf(name)) {
      await this.revoking(() => this.store.deleteUser(bot));
      this.forget(bot);
    }
    await this.revoking(() => this.store.deleteUser(name));
    this.forget(name);
  }

  /** Forgets a deleted account (deleted here, or by another process on the same store), so that its name is free. */
  forget(name: string): void {
    this.hashes.delete(name);
    this.created.delete(name);
    this.owners.delete(name);
    this.directory.removeUser(name);
  }

  /**
   * The password hash to check against: the store's, since another process may have changed the password (or
   * deleted the account) since this one remembered it.
   */
  private async currentHash(name: string): Promise<string | undefined> {
    return (await this.currentUser(name))?.passwordHash;
  }

  /** The user as the store has them now (another process may have changed the password, or suspended them). */
  async currentUser(name: string): Promise<StoredUser | undefined> {
    const user = await this.store.findUser(name);
    if (user) this.hashes.set(name, user.passwordHash);
    return user;
  }

  private async openSession(username: string, userAgent?: string, expiresAt?: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.options.now();
    const session = {
      tokenHash: hashToken(token),
      username,
      createdAt: now,
      expiresAt: expiresAt ?? now + this.options.sessionTtlMs,
      lastUsedAt: now,
    };
    const agent = userAgent?.slice(0, maxUserAgentLength);
    const stored = agent === undefined || agent === '' ? session : { ...session, userAgent: agent };
    const epoch = this.revocationEpoch;
    await this.store.insertSession(stored);
    // A new session is used at once (its stream opens next): kept now, its first request reads nothing.
    this.keep(stored, epoch);
    return token;
  }
}
