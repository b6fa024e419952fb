import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { Actor } from './commands.js';
import type { Directory } from './directory.js';
import { ChatError } from './errors.js';
import { LoginGuard, type LoginLimits } from './login-guard.js';
import { claimableName } from './names.js';
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
}

export interface JoinResult {
  readonly username: string;
  readonly token: string;
  readonly created: boolean;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Registration, login and bearer tokens. Passwords live only as scrypt hashes; tokens only as SHA-256. */
export class Accounts {
  private readonly hashes = new Map<string, string>();
  private readonly guard: LoginGuard | undefined;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly options: AccountsOptions,
  ) {
    this.guard = options.login && new LoginGuard(options.login, options.now);
  }

  /** Makes a stored user known (on start). */
  remember(name: string, passwordHash: string): void {
    this.hashes.set(name, passwordHash);
    this.directory.addUser(name);
  }

  /**
   * The original "type a USERNAME": a new name registers, a known one logs in. `client` (the caller's address)
   * keys the failed-login limits; the wrong-password answer is the same whatever the account or the cause.
   */
  async join(rawName: string, password: string, client = ''): Promise<JoinResult> {
    this.guard?.checkAddress(client);
    const username = claimableName(rawName, 'body.username');
    const known = this.hashes.get(username);
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
      this.remember(username, passwordHash);
    });
    this.options.onRegistered?.(username);
    return { username, token: await this.openSession(username), created: true };
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
