import type { AuditEntry, AuditStore, InviteStore, InviteTake, StoredInvite } from '../../core/ports/index.js';
import { luaScripts as lua } from './lua-scripts.js';
import type { RedisStoreLink } from './redis-integrations.js';
import { pairs } from './redis-replies.js';

/**
 * Invites and the audit list in Redis (keys in src/store/redis/redis-store.ts). Taking a use of an invite is one
 * script, which Redis runs alone: of any number of processes taking the last use at once, exactly one gets it.
 */
export class RedisAccess implements InviteStore, AuditStore {
  constructor(private readonly redis: RedisStoreLink) {}

  async insertInvite(invite: Omit<StoredInvite, 'used'>): Promise<void> {
    const { code, createdBy, createdAt, expiresAt, uses, note } = invite;
    const args = [code, createdBy, createdAt, uses, expiresAt ?? '', ...(note === undefined ? [] : [note])];
    await this.redis.confirmed(this.redis.run(lua.insertInvite, args));
  }

  async invites(): Promise<StoredInvite[]> {
    const codes = (await this.redis.read(['ZRANGE', this.redis.key('invites'), 0, -1])) as string[];
    // One deleted between the two reads is left out.
    const invites = await Promise.all(codes.map((code) => this.findInvite(code)));
    return invites.filter((invite) => invite !== undefined);
  }

  async findInvite(code: string): Promise<StoredInvite | undefined> {
    const fields = Object.fromEntries(pairs(await this.redis.read(['HGETALL', this.redis.key(`i:${code}`)])));
    return fields.u === undefined ? undefined : inviteOf(code, fields);
  }

  async deleteInvite(code: string): Promise<boolean> {
    return (await this.redis.confirmed(this.redis.run(lua.deleteInvite, [code]))) === 1;
  }

  async takeInvite(code: string, now: number): Promise<InviteTake> {
    return (await this.redis.confirmed(this.redis.run(lua.takeInvite, [code, now]))) as InviteTake;
  }

  async returnInvite(code: string): Promise<void> {
    await this.redis.confirmed(this.redis.run(lua.returnInvite, [code]));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.redis.confirmed(this.redis.run(lua.appendAudit, [entry.at, JSON.stringify(entry)]));
  }

  async auditLog(limit: number, before?: number): Promise<AuditEntry[]> {
    const from = before === undefined ? '+inf' : `(${before}`;
    const command = ['ZRANGE', this.redis.key('audit'), from, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, limit];
    const members = (await this.redis.read(command)) as string[];
    // Each member is a sequence number, a colon, and the entry's JSON (see append-audit.lua).
    return members.map((member) => JSON.parse(member.slice(member.indexOf(':') + 1)) as AuditEntry);
  }
}

/** An invite's hash: b, c (created by, at), x (expires at), u (uses), n (used), l (note). */
function inviteOf(code: string, i: Record<string, string>): StoredInvite {
  return {
    code,
    createdBy: i.b!,
    createdAt: Number(i.c),
    ...(i.x === undefined ? {} : { expiresAt: Number(i.x) }),
    uses: Number(i.u),
    used: Number(i.n ?? 0),
    ...(i.l === undefined ? {} : { note: i.l }),
  };
}
