import { createHash, randomBytes } from 'node:crypto';
import type { Store, StoredSession, StoredUser } from '../store/store.js';
import type { Actor } from './commands.js';
import type { Directory } from './directory.js';
import { ChatError } from './errors.js';
import { LoginGuard, type LoginLimits } from './login-guard.js';
import { canonicalName, claimableName } from './names.js';
import { hashPassword, verifyPassword, type ScryptCost } from './passwords.js';

export interface AccountsOptions {
  readonly scrypt: ScryptCost;
  /** A session's lifetime, refreshed by use. */
  readonly sessionTtlMs: number;
  readonly now: () => number;
  /** Called once a new account is stored, so that presence can announce it. */
  readonly onRegistered?: (name: string) => void;
  /** Failed-login budgets; without them logins are not throttled. */
  readonly login?: LoginLimits;
  /**
   * With several processes on one store: looks up a user registered by another process since this one loaded
   * its users, before a name counts as unknown.
   */
  readonly lookup?: (name: string) => Promise<StoredUser | undefined>;
}

export interface JoinResult {
  readonly username: string;
  readonly token: string;
  readonly created: boolean;
}

function noSuchUser(rawName: string): ChatError {
  return new ChatError('not_found', `no user is called "${rawName.slice(0, 40)}"`, 'name');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Registration, login and bearer tokens. Passwords live only as scrypt hashes; tokens only as SHA-256. */
export class Accounts {
  private readonly hashes = new Map<string, string>();
  /** Epoch ms of each account's registration. */
  private readonly created = new Map<string, number>();
  private readonly guard: LoginGuard | undefined;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly options: AccountsOptions,
  ) {
    this.guard = options.login && new LoginGuard(options.login);
  }

  /** Makes a stored user known (on start). */
  remember(name: string, passwordHash: string, createdAt = 0): void {
    this.hashes.set(name, passwordHash);
    this.created.set(name, createdAt);
    this.directory.addUser(name);
  }

  /**
   * The original "type a USERNAME": a new name registers, a known one logs in. `client` (the caller's address)
   * keys the failed-login limits; the wrong-password answer is the same whatever the account or the cause.
   */
  async join(rawName: string, password: string, client = ''): Promise<JoinResult> {
    await this.guard?.checkAddress(client);
    const username = claimableName(rawName, 'body.username');
    const known = (await this.learn(username)) ? this.hashes.get(username) : undefined;
    if (known !== undefined) {
      const check = () => verifyPassword(password, known);
      if (!(await (this.guard ? this.guard.verify(username, client, check) : check()))) {
        throw new ChatError('bad_credentials', `wrong password for "${username}"`, 'body.password');
      }
      return { username, token: await this.openSession(username), created: false };
    }
    const passwordHash = await hashPassword(password, this.options.scrypt);
    await this.directory.claim(username, async () => {
      const createdAt = this.options.now();
      if (!(await this.store.insertUser({ name: username, passwordHash, createdAt }))) {
        throw new ChatError('name_taken', `the name "${username}" is taken`, 'body.username');
      }
      this.remember(username, passwordHash, createdAt);
    });
    this.options.onRegistered?.(username);
    return { username, token: await this.openSession(username), created: true };
  }

  /** Whether `name` is a registered user; with a `lookup`, one registered by another process just now counts. */
  async learn(name: string): Promise<boolean> {
    if (this.hashes.has(name)) return true;
    const user = await this.options.lookup?.(name);
    if (user) this.remember(user.name, user.passwordHash, user.createdAt);
    return user !== undefined;
  }

  /** The actor behind a bearer token; unauthorized when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Actor> {
    const tokenHash = hashToken(token);
    const session = await this.store.findSession(tokenHash);
    const now = this.options.now();
    if (!session || session.expiresAt <= now) {
      throw new ChatError('unauthorized', 'the token is unknown, revoked or expired; log in again with POST /sessions');
    }
    // Sliding expiry, written at most once per half lifetime so that reads stay reads.
    if (session.expiresAt - now < this.options.sessionTtlMs / 2) {
      await this.store.touchSession(tokenHash, now + this.options.sessionTtlMs);
    }
    return { name: session.username, sessionId: tokenHash };
  }

  /** True while a session (by its id, the token hash) is neither revoked nor expired; never extends it. */
  async isLive(sessionId: string): Promise<boolean> {
    const session = await this.store.findSession(sessionId);
    return session !== undefined && session.expiresAt > this.options.now();
  }

  async logout(actor: Actor): Promise<void> {
    await this.store.deleteSession(actor.sessionId);
  }

  /** Every account, sorted by name, with when it was registered (epoch ms). */
  accounts(): { name: string; createdAt: number }[] {
    return [...this.created].map(([name, createdAt]) => ({ name, createdAt })).sort((a, b) => (a.name < b.name ? -1 : 1));
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
  async endSessionsOf(rawName: string): Promise<number> {
    return this.store.deleteSessionsOf(this.known(rawName));
  }

  /** Sets a new password and revokes every session: whoever knew the old one is out. */
  async resetPassword(rawName: string, password: string): Promise<number> {
    const name = this.known(rawName);
    const passwordHash = await hashPassword(password, this.options.scrypt);
    if (!(await this.store.setPasswordHash(name, passwordHash))) throw noSuchUser(name);
    this.hashes.set(name, passwordHash);
    return this.store.deleteSessionsOf(name);
  }

  /** Deletes an account: its sessions, its queue, its place in groups (see Store.deleteUser). */
  async deleteUser(rawName: string): Promise<void> {
    const name = this.known(rawName);
    await this.store.deleteUser(name);
    this.hashes.delete(name);
    this.created.delete(name);
    this.directory.removeUser(name);
  }

  private async openSession(username: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.options.now();
    await this.store.insertSession({
      tokenHash: hashToken(token),
      username,
      createdAt: now,
      expiresAt: now + this.options.sessionTtlMs,
    });
    return token;
  }
}
