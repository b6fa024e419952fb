import type { Accounts } from './accounts/accounts.js';
import type { Delivery } from './delivery/delivery.js';
import type { Directory } from './chat/directory.js';
import { ChatError } from './errors.js';
import type { GroupMembership } from './chat/group-membership.js';
import type { AuditStore, UserStore } from './ports/index.js';

export interface UserSummary {
  readonly name: string;
  /** At least one stream open. */
  readonly online: boolean;
  /** Epoch ms of registration. */
  readonly createdAt: number;
  /** Sessions whose token still works. */
  readonly sessions: number;
  /** For a bot: who owns it. */
  readonly owner?: string;
  readonly admin?: true;
  readonly suspended?: true;
}

export interface Ended {
  /** Sessions revoked: their tokens stop working at once. */
  readonly sessions: number;
  /** Streams closed (with `end: exit`, so that clients do not reconnect). */
  readonly streams: number;
}

/**
 * What the operator of a server may do to its accounts while it runs (the `parley` operator commands). Every change
 * that revokes sessions also closes the streams they opened: a revoked token must not keep reading.
 */
export class Operator {
  constructor(
    private readonly accounts: Accounts,
    private readonly directory: Directory,
    private readonly delivery: Delivery,
    private readonly groups: GroupMembership,
    private readonly store?: UserStore & AuditStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Grants the admin role (or takes it back). The first admin of a server comes from here: the API has no way to
   * make one. Kept in the audit list, as `operator`.
   */
  async setAdmin(rawName: string, admin: boolean): Promise<void> {
    const name = this.accounts.known(rawName);
    if (this.accounts.isBot(name))
      throw new ChatError('invalid_request', `"${name}" is a bot; bots are not admins`, 'name');
    if (!this.store || !(await this.store.setAdmin(name, admin)))
      throw new ChatError('not_found', `no user is called "${name}"`, 'name');
    await this.store.appendAudit({
      at: this.now(),
      actor: 'operator',
      action: admin ? 'grant_admin' : 'revoke_admin',
      target: name,
    });
  }

  /** Makes an account whatever the registration mode. */
  async createUser(rawName: string, password: string): Promise<string> {
    const name = await this.accounts.createAccount(rawName, password);
    await this.store?.appendAudit({ at: this.now(), actor: 'operator', action: 'create_user', target: name });
    return name;
  }

  /**
   * Every account this process knows, online where a stream of theirs is open on any process. The operator
   * socket is served only beside a database file, which one process owns: its accounts are all of them.
   */
  async users(): Promise<UserSummary[]> {
    const summaries: UserSummary[] = [];
    const online = await this.delivery.onlineNow();
    for (const { name, createdAt, owner } of this.accounts.accounts()) {
      const sessions = (await this.accounts.liveSessionsOf(name)).length;
      const user = await this.store?.findUser(name);
      summaries.push({
        name,
        online: online(name),
        createdAt,
        sessions,
        ...(owner === undefined ? {} : { owner }),
        ...(user?.admin ? { admin: true as const } : {}),
        ...(user?.suspended ? { suspended: true as const } : {}),
      });
    }
    return summaries;
  }

  /** The bots among the accounts. */
  async bots(): Promise<UserSummary[]> {
    return (await this.users()).filter((user) => user.owner !== undefined);
  }

  /** Deletes a bot as `deleteUser` deletes an account (its hooks and webhook go too); not_found for a person. */
  async deleteBot(rawName: string): Promise<Ended & { groups: number }> {
    const name = this.accounts.known(rawName);
    if (!this.accounts.isBot(name)) {
      throw new ChatError('not_found', `"${name}" is a person, not a bot; delete-user deletes people`, 'name');
    }
    return this.deleteUser(name);
  }

  /** Ends every session and every stream of a user. */
  async logout(rawName: string): Promise<Ended> {
    const name = this.accounts.known(rawName);
    const streams = this.streamsOf(name);
    const sessions = await this.accounts.endSessionsOf(name, 'operator_logout');
    return { sessions, streams };
  }

  async resetPassword(rawName: string, password: string): Promise<Ended> {
    const name = this.accounts.known(rawName);
    const streams = this.streamsOf(name);
    const sessions = await this.accounts.resetPassword(name, password);
    return { sessions, streams };
  }

  /**
   * Deletes an account with its sessions and queue. It leaves each of its groups first as it would itself: the
   * members are told (`left`), a group it owned passes to the member in it longest (`owner`), and a group it
   * was the last of ends (`ended`). The bots it owns go the same way first. Resolves with what it ended and left
   * (its own, not its bots').
   */
  async deleteUser(rawName: string): Promise<Ended & { groups: number }> {
    const name = this.accounts.known(rawName);
    // Its bots first, each leaving its groups as a person would: nobody would be left to manage them.
    for (const bot of this.accounts.botsOf(name)) await this.deleteUser(bot);
    const memberOf = this.directory.groupsOf(name);
    for (const group of memberOf) {
      try {
        await this.groups.leave({ name, sessionId: '' }, group.name);
      } catch (err) {
        // Left, removed or ended meanwhile, on this process or another: nothing more to leave there.
        if (!(err instanceof ChatError && (err.code === 'not_member' || err.code === 'not_found'))) throw err;
      }
    }
    const groups = memberOf.length;
    const sessions = (await this.accounts.liveSessionsOf(name)).length;
    const streams = this.streamsOf(name);
    // Each session first, so that its streams are told why they end; then the store tells the feed the rest (the
    // user's streams, and what this process knew of them, go: follow-feed.ts).
    await this.accounts.endSessionsOf(name, 'deleted');
    await this.accounts.deleteUser(name);
    return { sessions, streams, groups };
  }

  /**
   * The streams of a user open here, counted before their sessions end: the store tells the feed that they
   * ended, and the feed ends them (on every process).
   */
  private streamsOf(name: string): number {
    let streams = 0;
    this.delivery.forEachStream((session) => {
      if (session.user === name) streams++;
    });
    return streams;
  }
}
