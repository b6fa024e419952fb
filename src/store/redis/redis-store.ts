import { ChatError, queueFull, sessionEnded } from '../../core/errors.js';
import type { SessionEndReason } from '../../core/delivery/stream-session.js';
import { deliveredToAll, type Floor } from '../broadcast-floor.js';
import { keyOfMessage } from '../conversation-key.js';
import { idempotencyKeepMs } from '../../core/ports/index.js';
import type {
  Appended,
  Block,
  ConversationRef,
  GroupChange,
  NewEvent,
  NewMessage,
  PruneResult,
  Reaction,
  ReactionChange,
  ReactionCount,
  RetentionPolicy,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../../core/ports/index.js';
import type { LuaScript } from './load-scripts.js';
import { luaScripts as lua } from './lua-scripts.js';
import { RedisAccess } from './redis-access.js';
import { RedisIntegrations } from './redis-integrations.js';
import { RedisNotify } from './redis-notify.js';
import { RedisReads, type RedisDeps, type RedisOptions } from './redis-reads.js';
import { eventArgs, idOrUndefined, isFull, isRefused } from './redis-replies.js';
import { foldedField } from './redis-search.js';

/**
 * The shared store: everything lives in one Redis, under `keyPrefix` (P below), and any number of Parley
 * processes may use it at once. Every step that must be atomic is one Lua script (src/store/redis/lua-scripts.ts).
 *
 *   P id                  the last id assigned (src/core/ids.ts): ids strictly increase across every process
 *   P users, P groups     hashes, name -> JSON (a bot's user has its owner; an admin `admin: true`, a
 *                         suspended user `suspended: true`)
 *   P s:<token hash>      a session: hash of u (user), c (created), e (expires), l (last used), a (user agent,
 *                         absent for none);  P us:<name>  its user's tokens
 *   P m:<id>              a message, stored once: hash of f, k, g, t, s (from, kind, group, text, sentAt),
 *                         c (its conversation key), r (queue entries still referring to it), x (editedAt),
 *                         d ('1': deleted, its text overwritten), b ('1': from a bot), n (display name),
 *                         a (mentions, a JSON list), for a reply ri, rf, rt (the id, sender and
 *                         quoted text of what it answers; rt goes when that is deleted), z (the text as search
 *                         compares it, where string.lower does not fold it alike: see redis-search.ts); or an
 *                         event: k 'event', e (its type), t (its data), s (when), r
 *   P q:<name>            a user's queue: sorted set of message and event ids, scored by id
 *   P qe:<name>           the events among them, so that they never count against the queue limit
 *   P ed:<id>             the `edited` events of a message, which a deletion blanks
 *   P rp:<id>             the replies to a message, whose quotes its deletion blanks
 *   P re:<id>             the emoji reactions on a message: set of emoji; P rx:<id>:<emoji>  sorted set,
 *                         user -> the id of the event that recorded their reaction (the oldest orders the emoji)
 *   P v:<conversation>    a conversation (src/store/conversation-key.ts), ids scored by id; P v:b, the
 *                         broadcasts, is also the shared broadcast log
 *   P o:<conversation>:<sender>  the same, of one sender's messages only (deleted ones leave it)
 *   P vx:<conversation>   the deleted messages of a conversation (tombstones): unread counts are three ZCOUNTs
 *   P peers:<name>        set of direct peers;  P read:<name>  sorted set, conversation name -> read mark
 *   P cursors             set of every name with a cursor
 *   P delivered, P pruned sorted sets, name -> position (ZADD GT: they never move back)
 *   P joined              hash, user -> the last id assigned when they registered
 *   P floors              sorted set, user -> max(delivered, joined): the lowest decide when a broadcast may go
 *   P due                 sorted set, user -> sentAt of their oldest queued message once delivered: what
 *                         retention may remove, found without scanning every user
 *   P bpruned             how far the broadcast log was pruned; raises the pruned position of everyone
 *                         registered before it, at read time, instead of writing to every user
 *   P h:<id>              an incoming hook: hash of o, t, n, s, c (owner, to, name, secret hash, created),
 *                         u (last used), f (failures in a row), e, a (last error, when)
 *   P ho:<owner>          an owner's hook ids, scored by creation
 *   P w:<bot>             a bot's outgoing webhook: hash of u, s, t (url, secret, set at), k (acked id),
 *                         ok (last success), f (failures in a row), e, a (last error, when)
 *   P webhooks            set of the bots with a webhook
 *   P wl:<bot>            the lease on posting a bot's events: its holder, expiring (PX)
 *   P i:<code>            an invite: hash of b, c (created by, at), x (expires at, absent for never), u (uses),
 *                         n (used), l (note);  P invites  the codes, scored by creation
 *   P audit               the audit list: sorted set scored by when, of members `<sequence>:<entry JSON>`, the
 *                         sequence (P auditn) zero-padded so that entries of one millisecond keep their order
 *   P bl:<blocker>        set of the users they block;  P blb:<blocked>  set of those who block them;
 *   P blockers            set of the users who block anyone
 *   P nl:<user>           a user's notification levels: hash, conversation name -> level
 *   P quiet               hash, user -> until when they are quiet (epoch ms), while they are
 *   P ps:<id>             a push subscription: hash of o, s, u, p, h, c (user, session, endpoint, p256dh, auth,
 *                         created), and as a webhook's k, ok, f, e, a;  P psl:<id>  its lease, as P wl:<bot>
 *   P pse                 hash, endpoint -> subscription id: one subscription per endpoint
 *   P psu:<user>          a user's subscription ids, scored by creation;  P pss:<token hash>  a session's
 *   P push                set of every subscription id
 *   P vapid               the server's VAPID key pair, JSON, set once
 *
 * Ordering: every call is one command on one connection, sent at once; Redis runs them in that order and the
 * replies, hence the promises, come back in it. Durability: a promise resolves once Redis has applied the write;
 * what survives a crash of Redis then depends on its `appendfsync` (see docs/storage.md).
 */
export class RedisStore extends RedisReads implements Store {
  constructor(deps: RedisDeps, options: Partial<RedisOptions> = {}) {
    super(deps, options);
    this.rewriteDelayMs = options.rewriteDelayMs ?? 1_000;
    const link = {
      run: (script: LuaScript, args: readonly (string | number)[]) => this.run(script, args),
      read: (command: readonly (string | number)[]) => this.guard(this.redis.send(command)),
      confirmed: <T>(pending: Promise<T>) => this.confirmed(pending),
      key: (name: string) => this.key(name),
    };
    this.integrations = new RedisIntegrations(link);
    this.access = new RedisAccess(link);
    this.notify = new RedisNotify(link);
  }

  /** Incoming hooks and outgoing webhooks (redis-integrations.ts). */
  protected readonly integrations: RedisIntegrations;
  /** Invites and the audit list (redis-access.ts). */
  protected readonly access: RedisAccess;
  /** Notification levels, quiet times, push subscriptions and the VAPID key pair (redis-notify.ts). */
  protected readonly notify: RedisNotify;

  /** A deletion asks for the append-only file to be rewritten soon; deletions meanwhile share one rewrite. */
  private rewriteTimer: NodeJS.Timeout | undefined;
  private readonly rewriteDelayMs: number;
  /** Told each time a rewrite after a deletion was started (tests wait for it). */
  onPurged: (() => void) | undefined;

  async insertUser(user: StoredUser): Promise<boolean> {
    const { passwordHash, owner, admin, suspended, createdAt } = user;
    const json = JSON.stringify({ passwordHash, owner, admin, suspended, createdAt });
    return (await this.confirmed(this.run(lua.insertUser, [user.name, json]))) === 1;
  }

  async insertGroup(group: StoredGroup, event?: NewEvent): Promise<number | false> {
    const json = JSON.stringify({
      members: group.members,
      createdBy: group.createdBy,
      createdAt: group.createdAt,
      owner: group.owner ?? group.createdBy,
    });
    const reply = await this.confirmed(this.run(lua.insertGroup, [group.name, json, ...eventArgs(event)]));
    return Number(reply) < 0 ? false : Number(reply);
  }

  async changeGroup(change: GroupChange): Promise<number[] | undefined> {
    const lists = [change.expected, change.members, [change.owner], change.added, change.removed].map((names) =>
      names.join(','),
    );
    const data = change.events.flatMap((event) => [event.json, event.at]);
    const reply = await this.confirmed(
      this.run(lua.changeGroup, [change.name, ...lists, change.events.length, ...data, ...change.events[0].recipients]),
    );
    return Array.isArray(reply) ? reply.map(Number) : undefined;
  }

  async editMessage(id: number, text: string, editedAt: number, event: NewEvent): Promise<number | undefined> {
    return idOrUndefined(
      await this.confirmed(this.run(lua.editMessage, [id, text, editedAt, foldedField(text), ...eventArgs(event)])),
    );
  }

  async deleteMessage(id: number, event: NewEvent): Promise<number | undefined> {
    const eventId = idOrUndefined(await this.confirmed(this.run(lua.deleteMessage, [id, ...eventArgs(event)])));
    if (eventId !== undefined) this.rewriteSoon();
    return eventId;
  }

  async insertSession(session: StoredSession): Promise<void> {
    const { tokenHash, username, createdAt, expiresAt, lastUsedAt, userAgent } = session;
    await this.confirmed(
      this.run(lua.insertSession, [
        tokenHash,
        username,
        createdAt,
        expiresAt,
        lastUsedAt,
        ...(userAgent === undefined ? [] : [userAgent]),
      ]),
    );
  }

  async touchSession(tokenHash: string, expiresAt: number, lastUsedAt: number): Promise<void> {
    await this.run(lua.touchSession, [tokenHash, expiresAt, lastUsedAt]);
  }

  async deleteSession(tokenHash: string, reason: SessionEndReason = 'exit'): Promise<void> {
    await this.confirmed(this.run(lua.deleteSession, [tokenHash, reason]));
  }

  async deleteSessionsOf(username: string): Promise<number> {
    return Number(await this.confirmed(this.run(lua.deleteSessionsOf, [username])));
  }

  async setPasswordHash(name: string, passwordHash: string): Promise<boolean> {
    return (await this.confirmed(this.run(lua.setPasswordHash, [name, passwordHash]))) === 1;
  }

  async setAdmin(name: string, admin: boolean): Promise<boolean> {
    return (await this.confirmed(this.run(lua.setUserFlag, [name, 'admin', admin ? '1' : '0']))) === 1;
  }

  async setSuspended(name: string, suspended: boolean): Promise<boolean> {
    return (await this.confirmed(this.run(lua.setUserFlag, [name, 'suspended', suspended ? '1' : '0']))) === 1;
  }

  async setReaction(reaction: Reaction, on: boolean, maxEmoji: number, event: NewEvent): Promise<ReactionChange> {
    const { message, emoji, user } = reaction;
    const args = [message, emoji, user, on ? '1' : '0', maxEmoji, ...eventArgs(event)];
    const reply = Number(await this.confirmed(this.run(lua.setReaction, args)));
    return reply >= 0 ? reply : reply === -1 ? 'gone' : reply === -2 ? 'unchanged' : 'too_many';
  }

  async reactionsOn(reader: string, ids: readonly number[]): Promise<ReadonlyMap<number, readonly ReactionCount[]>> {
    const out = new Map<number, ReactionCount[]>();
    if (ids.length === 0) return out;
    const reply = (await this.run(lua.reactionsOn, [reader, ...ids])) as (string | number)[];
    for (let i = 0; i < reply.length;) {
      const id = Number(reply[i]);
      const n = Number(reply[i + 1]);
      const list: ReactionCount[] = [];
      for (let j = 0; j < n; j++) {
        const at = i + 2 + 3 * j;
        list.push({ emoji: String(reply[at]), count: Number(reply[at + 1]), me: reply[at + 2] === '1' });
      }
      out.set(id, list);
      i += 2 + 3 * n;
    }
    return out;
  }

  async loadBlocks(): Promise<Block[]> {
    const reply = (await this.run(lua.loadBlocks, [])) as string[];
    const blocks: Block[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) blocks.push({ blocker: reply[i]!, blocked: reply[i + 1]! });
    return blocks;
  }

  async setBlock(block: Block, on: boolean, event: NewEvent): Promise<number | undefined> {
    const args = [block.blocker, block.blocked, on ? '1' : '0', ...eventArgs(event)];
    return idOrUndefined(await this.confirmed(this.run(lua.setBlock, args)));
  }

  async deleteUser(name: string): Promise<boolean> {
    // A position still waiting to be written would bring the deleted user's cursor back.
    this.marks.forget(name);
    return (await this.confirmed(this.run(lua.deleteUser, [name]))) === 1;
  }

  async appendMessage(message: NewMessage): Promise<number> {
    return (await this.append(message, '')).id;
  }

  appendMessageOnce(message: NewMessage, key: string): Promise<Appended> {
    return this.append(message, key);
  }

  private async append(message: NewMessage, idempotencyKey: string): Promise<Appended> {
    const recipients = message.kind === 'broadcast' ? [] : message.recipients;
    const limit = message.queueLimit ?? 0;
    const args = [
      message.kind,
      message.from,
      message.group ?? '',
      message.text,
      message.sentAt,
      keyOfMessage(message),
      limit,
      idempotencyKey,
      idempotencyKeepMs,
      message.bot ? '1' : '',
      message.displayName === undefined ? '0' : '1',
      message.displayName ?? '',
      message.mentions?.length ? JSON.stringify(message.mentions) : '',
      message.replyTo?.id ?? '',
      message.replyTo?.from ?? '',
      message.replyTo?.text ?? '',
      foldedField(message.text),
      message.session ?? '',
      ...recipients,
    ];
    let reply = await this.run(lua.appendMessage, args);
    if (isFull(reply) && this.marks.size > 0) {
      // Positions this process has yet to write may be what makes room: write them, then ask again. Those of
      // other processes are at most a second behind.
      this.flushMarks();
      reply = await this.run(lua.appendMessage, args);
    }
    if (isFull(reply)) throw queueFull((reply as string[]).slice(1));
    if (isRefused(reply)) throw sessionEnded();
    // A replay too: the first answer may have been a 503 from a round that failed.
    await this.confirmer?.confirm();
    if (Array.isArray(reply)) return { id: Number(reply[1]), replayed: true, sentAt: Number(reply[2]) };
    return { id: Number(reply), replayed: false, sentAt: message.sentAt };
  }

  markDelivered(recipient: string, id: number): void {
    this.marks.mark(recipient, id);
  }

  async markRead(reader: string, conversation: ConversationRef, upTo: number, event?: NewEvent): Promise<number> {
    return Number(await this.confirmed(this.run(lua.markRead, [reader, conversation.with, upTo, ...eventArgs(event)])));
  }

  async prune(policy: RetentionPolicy): Promise<PruneResult> {
    // What was delivered decides what may go: the positions go out first, on the same connection.
    this.flushMarks();
    try {
      let removed = Number(await this.run(lua.pruneQueues, [policy.olderThan, policy.batch]));
      removed += await this.pruneBroadcasts(policy.olderThan, policy.batch - removed);
      return { removed };
    } catch (err) {
      // Retention runs in the background and tries again on its next pass; the outage is logged where it is watched.
      if (err instanceof ChatError && err.code === 'unavailable') return { removed: 0 };
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.rewriteTimer) clearTimeout(this.rewriteTimer);
    this.marks.close();
    this.writeMarks();
    this.scripts.detach();
    this.confirmer?.close();
    // The replies in flight arrive first, while the connection still fails them if its socket dies (the
    // client's own graceful close would wait for ever then); what is left to cut is the socket.
    await Promise.allSettled(this.inFlight);
    this.redis.destroy();
  }

  /** The oldest broadcasts that every user they reach has had delivered, up to `room` of them. */
  private async pruneBroadcasts(olderThan: number, room: number): Promise<number> {
    if (room <= 0) return 0;
    const reply = (await this.run(lua.broadcastCandidates, [room])) as (string | number)[];
    const floorCount = Number(reply[0]);
    const floors: Floor[] = [];
    for (let i = 0; i < floorCount; i++)
      floors.push({ name: String(reply[1 + 2 * i]), floor: Number(reply[2 + 2 * i]) });
    let through = 0;
    for (let i = 1 + 2 * floorCount; i < reply.length; i += 3) {
      const id = Number(reply[i]);
      if (Number(reply[i + 2]) >= olderThan || !deliveredToAll({ id, from: String(reply[i + 1]) }, floors)) break;
      through = id;
    }
    // Safe to decide here and remove in another step: floors only rise, and users registered since sit above.
    return through === 0 ? 0 : Number(await this.run(lua.forgetBroadcasts, [through]));
  }

  /**
   * Has Redis rewrite its append-only file soon, so that a deleted text leaves the disk: the rewrite writes
   * what the keys hold now. Snapshots and replicas taken before are the operator's to handle (see docs/api.md).
   */
  private rewriteSoon(): void {
    if (this.rewriteTimer || this.closed) return;
    this.rewriteTimer = setTimeout(() => {
      this.rewriteTimer = undefined;
      this.rewrite().catch((err: unknown) => {
        // No append-only file configured, or Redis away: what it holds is then the operator's (see docs/api.md).
        this.log.warn({ err }, 'could not have Redis rewrite its append-only file after a deletion');
      });
    }, this.rewriteDelayMs);
    this.rewriteTimer.unref();
  }

  /** Starts a rewrite (or has one scheduled after the one running) and resolves once Redis has finished it. */
  private async rewrite(): Promise<void> {
    await this.guard(this.redis.send(['BGREWRITEAOF']));
    // Redis tells of the rewrite's end only in INFO: look every so often, for a bounded time.
    for (let waited = 0; waited < 60_000 && !this.closed; waited += 100) {
      const info = String(await this.guard(this.redis.send(['INFO', 'persistence'])));
      if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) {
        this.log.info('Redis rewrote its append-only file after a deletion');
        this.onPurged?.();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100).unref());
    }
  }
}
