import { randomBytes } from 'node:crypto';
import type { Actor } from '../chat/commands.js';
import { ChatError } from '../errors.js';
import type { AuditStore, InviteStore, StoredInvite, UserStore } from '../ports/index.js';

export interface NewInvite {
  readonly uses?: number;
  readonly expiresInMs?: number;
  readonly note?: string;
}

/** Uses an invite may allow, and the longest it may last (30 days). */
export const maxInviteUses = 1_000;
export const maxInviteMs = 30 * 86_400_000;

/**
 * Invites to register while sign-up is by invite: made by admins, and by every user when the operator lets
 * members invite (--members-invite). A code is 128 random bits; what an admin does with invites is audited.
 */
export class Invites {
  constructor(
    private readonly store: InviteStore & UserStore & AuditStore,
    private readonly membersInvite: boolean,
    private readonly now: () => number,
  ) {}

  async create(actor: Actor, { uses = 1, expiresInMs, note }: NewInvite): Promise<StoredInvite> {
    const admin = await this.mayInvite(actor);
    const createdAt = this.now();
    const invite = {
      code: randomBytes(16).toString('base64url'),
      createdBy: actor.name,
      createdAt,
      uses,
      ...(expiresInMs === undefined ? {} : { expiresAt: createdAt + expiresInMs }),
      ...(note === undefined || note === '' ? {} : { note }),
    };
    await this.store.insertInvite(invite);
    if (admin) await this.audit(actor, 'create_invite', invite.code, note);
    return { ...invite, used: 0 };
  }

  /** Every invite for an admin; a member's own otherwise. */
  async list(actor: Actor): Promise<StoredInvite[]> {
    const admin = await this.mayInvite(actor);
    const all = await this.store.invites();
    return admin ? all : all.filter((invite) => invite.createdBy === actor.name);
  }

  /** An admin deletes any invite, a member their own; another's and an unknown code answer alike. */
  async delete(actor: Actor, code: string): Promise<void> {
    const admin = await this.mayInvite(actor);
    const invite = await this.store.findInvite(code);
    if (!invite || (!admin && invite.createdBy !== actor.name) || !(await this.store.deleteInvite(code))) {
      throw new ChatError('not_found', 'no invite of yours has this code', 'path.code');
    }
    if (admin) await this.audit(actor, 'delete_invite', code);
  }

  /** Whether the actor is an admin; not_admin when they may not invite at all. */
  private async mayInvite(actor: Actor): Promise<boolean> {
    const admin = (await this.store.findUser(actor.name))?.admin === true;
    if (!admin && !this.membersInvite) {
      throw new ChatError('not_admin', 'only admins make invites on this server');
    }
    return admin;
  }

  private audit(actor: Actor, action: string, target: string, detail?: string): Promise<void> {
    return this.store.appendAudit({
      at: this.now(),
      actor: actor.name,
      action,
      target,
      ...(detail === undefined ? {} : { detail }),
    });
  }
}
