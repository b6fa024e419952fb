import type { Accounts } from '../accounts/accounts.js';
import type { Chat } from '../chat/chat.js';
import type { Actor } from '../chat/commands.js';
import type { Delivery } from '../delivery/delivery.js';
import { ChatError } from '../errors.js';
import type { AuditEntry, Store } from '../ports/index.js';

/** A user as an admin sees them. */
export interface UserRecord {
  readonly name: string;
  readonly role: 'admin' | 'user' | 'bot';
  readonly suspended: boolean;
  readonly online: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Sessions whose token still works. */
  readonly sessions: number;
  /** The last request made with any of their sessions (epoch ms), as last written; absent without sessions. */
  readonly lastActiveAt?: number;
}

/**
 * What an admin may do through the API: see every user, suspend and restore one, take back any message, change
 * or end any group, make accounts. Each action is kept in the audit list, and is an event in the streams of
 * the users it concerns, as any change is. The role itself comes from the operator (`parley grant-admin`).
 */
export class Admin {
  constructor(
    private readonly store: Store,
    private readonly accounts: Accounts,
    private readonly chat: Chat,
    private readonly delivery: Delivery,
    private readonly now: () => number,
  ) {}

  /** The actor as an admin acting as one; not_admin for anyone else. */
  async as(actor: Actor): Promise<Actor> {
    if ((await this.store.findUser(actor.name))?.admin !== true) {
      throw new ChatError('not_admin', 'only admins may do this');
    }
    return { ...actor, admin: true };
  }

  async users(actor: Actor): Promise<UserRecord[]> {
    await this.as(actor);
    const [names, online] = await Promise.all([this.store.userNames(), this.delivery.onlineNow()]);
    const now = this.now();
    const records: UserRecord[] = [];
    for (const name of names) {
      const user = await this.store.findUser(name);
      if (!user) continue;
      const live = (await this.store.sessionsOf(name)).filter((s) => s.expiresAt > now);
      const lastActiveAt = live.length === 0 ? undefined : Math.max(...live.map((s) => s.lastUsedAt));
      records.push({
        name,
        role: user.owner !== undefined ? 'bot' : user.admin ? 'admin' : 'user',
        suspended: user.suspended === true,
        online: online(name),
        createdAt: user.createdAt,
        sessions: live.length,
        ...(lastActiveAt === undefined ? {} : { lastActiveAt }),
      });
    }
    return records;
  }

  /**
   * Suspends or restores a user. Suspended, their sessions end and their streams close with `suspended` on
   * every process, and they cannot log in; what they sent stays. An admin is not suspended by another: the
   * operator takes the role back first (`parley revoke-admin`), so that admins cannot lock each other out.
   */
  async setSuspended(actor: Actor, rawName: string, suspended: boolean): Promise<void> {
    const admin = await this.as(actor);
    const name = this.accounts.known(rawName);
    const user = await this.store.findUser(name);
    if (user?.admin && suspended) {
      throw new ChatError('forbidden', `"${name}" is an admin: the operator revokes the role first`, 'path.name');
    }
    if (!(await this.store.setSuspended(name, suspended)))
      throw new ChatError('not_found', `no user is called "${name}"`);
    if (suspended) await this.accounts.endSessionsOf(name, 'suspended');
    await this.audit(admin, suspended ? 'suspend' : 'restore', name);
  }

  async deleteMessage(actor: Actor, id: number): Promise<void> {
    const admin = await this.as(actor);
    await this.chat.execute(admin, { kind: 'delete_message', id });
    await this.audit(admin, 'delete_message', String(id));
  }

  async removeMember(actor: Actor, group: string, member: string): Promise<void> {
    const admin = await this.as(actor);
    await this.chat.groups.remove(admin, group, member);
    await this.audit(admin, 'remove_member', member, group);
  }

  async endGroup(actor: Actor, group: string): Promise<void> {
    const admin = await this.as(actor);
    await this.chat.groups.end(admin, group);
    await this.audit(admin, 'end_group', group);
  }

  async createUser(actor: Actor, rawName: string, password: string): Promise<string> {
    const admin = await this.as(actor);
    const name = await this.accounts.createAccount(rawName, password);
    await this.audit(admin, 'create_user', name);
    return name;
  }

  private async audit(actor: Actor, action: string, target: string, detail?: string): Promise<void> {
    const entry = { at: this.now(), actor: actor.name, action, target, ...(detail === undefined ? {} : { detail }) };
    await this.store.appendAudit(entry);
  }

  async auditLog(actor: Actor, limit: number, before?: number): Promise<AuditEntry[]> {
    await this.as(actor);
    return this.store.auditLog(limit, before);
  }
}
