import type { Logger } from 'pino';
import { ChatError, queueFull } from '../../core/errors.js';
import type { EventType, Message, MessageKind } from '../../core/msgform.js';
import type { SessionEndReason } from '../../core/delivery/stream-session.js';
import { deliveredToAll, type Floor } from '../broadcast-floor.js';
import { conversationKey, keyOfMessage } from '../conversation-key.js';
import { idempotencyKeepMs, type Appended } from '../../core/ports/index.js';
import type {
  ConversationRef,
  ConversationSummary,
  FoundMessage,
  GroupChange,
  NewEvent,
  NewMessage,
  PruneResult,
  QueueCursor,
  QueuePage,
  QueueRow,
  RetentionPolicy,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../../core/ports/index.js';
import type { RedisLink } from './redis-link.js';
import type { WriteConfirmer } from './write-confirmer.js';
import { groupOf } from './feed-events.js';
import { windowOf } from '../group-window.js';
import type { LuaScript } from './load-scripts.js';
import { luaScripts as lua } from './lua-scripts.js';
import { refusingUnreachable } from './unreachable.js';
import { ScriptRunner } from './script-runner.js';
import { DeliveredMarks } from '../delivered-marks.js';

/** What the Redis backend needs: a ready connection (the composition root opened it), its key prefix and a logger. */
export interface RedisDeps {
  readonly redis: RedisLink;
  /**
   * With --redis-wait-replicas N > 0: writes resolve, and reads hand out what they found, only once N replicas
   * hold it, so that a failover cannot take back what was answered or delivered.
   */
  readonly confirmer?: WriteConfirmer;
  /** Every key starts with it (`parley:`), so that other data, other deployments or tests can share the Redis. */
  readonly keyPrefix: string;
  readonly log: Logger;
}

export interface RedisOptions {
  /**
   * Delivered positions are gathered this long and written in one script (ms), as in the SQLite store: a
   * broadcast to thousands of online users moves thousands of them. A crash loses at most this much of them.
   * @default 1_000
   */
  readonly markDelayMs: number;
  /**
   * After a message was deleted, Redis is asked to rewrite its append-only file (BGREWRITEAOF) this much later
   * (ms), so that the file no longer holds the text. @default 1_000
   */
  readonly rewriteDelayMs: number;
}

/** Names or positions sent to one script at most, so that none holds Redis for long. */
const chunk = 500;

/**
 * The shared store: everything lives in one Redis, under `keyPrefix` (P below), and any number of Parley
 * processes may use it at once. Every step that must be atomic is one Lua script (src/store/redis/lua-scripts.ts).
 *
 *   P id                  the last id assigned (src/core/ids.ts): ids strictly increase across every process
 *   P users, P groups     hashes, name -> JSON
 *   P s:<token hash>      a session: hash of u (user), c (created), e (expires), l (last used), a (user agent,
 *                         absent for none);  P us:<name>  its user's tokens
 *   P m:<id>              a message, stored once: hash of f, k, g, t, s (from, kind, group, text, sentAt),
 *                         c (its conversation key), r (queue entries still referring to it), x (editedAt),
 *                         d ('1': deleted, its text overwritten); or an event: k 'event', e (its type),
 *                         t (its data), s (when), r
 *   P q:<name>            a user's queue: sorted set of message and event ids, scored by id
 *   P qe:<name>           the events among them, so that they never count against the queue limit
 *   P ed:<id>             the `edited` events of a message, which a deletion blanks
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
 *
 * Ordering: every call is one command on one connection, sent at once; Redis runs them in that order and the
 * replies, hence the promises, come back in it. Durability: a promise resolves once Redis has applied the write;
 * what survives a crash of Redis then depends on its `appendfsync` (see docs/storage.md).
 */
export class RedisStore implements Store {
  private readonly redis: RedisLink;
  private readonly confirmer: WriteConfirmer | undefined;
  private readonly prefix: string;
  private readonly log: Logger;
  private readonly scripts: ScriptRunner;
  /** Delivered positions waiting to be written: each round's go out at once, in scripts of `chunk`. */
  private readonly marks: DeliveredMarks;
  /** A deletion asks for the append-only file to be rewritten soon; deletions meanwhile share one rewrite. */
  private rewriteTimer: NodeJS.Timeout | undefined;
  private readonly rewriteDelayMs: number;
  /** Told each time a rewrite after a deletion was started (tests wait for it). */
  onPurged: (() => void) | undefined;
  /** Commands sent and not yet answered, for close to wait for. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor({ redis, keyPrefix, log, confirmer }: RedisDeps, options: Partial<RedisOptions> = {}) {
    this.redis = redis;
    this.confirmer = confirmer;
    this.prefix = keyPrefix;
    this.log = log;
    this.marks = new DeliveredMarks(options.markDelayMs ?? 1_000, () => this.flushMarks());
    this.rewriteDelayMs = options.rewriteDelayMs ?? 1_000;
    this.scripts = new ScriptRunner(redis, Object.values(lua), log);
    this.scripts.load();
  }

  async lastMessageId(): Promise<number> {
    return Number((await this.guard(this.redis.send(['GET', this.key('id')]))) ?? 0);
  }

  async loadUsers(): Promise<StoredUser[]> {
    const entries = pairs(await this.guard(this.redis.send(['HGETALL', this.key('users')])));
    const users = entries.map(([name, json]) => ({ name, ...(JSON.parse(json) as Omit<StoredUser, 'name'>) }));
    return users.sort(byCreation);
  }

  async loadGroups(): Promise<StoredGroup[]> {
    const entries = pairs(await this.guard(this.redis.send(['HGETALL', this.key('groups')])));
    return entries.map(([name, json]) => groupOf(name, json)).sort(byCreation);
  }

  async loadCursors(): Promise<QueueCursor[]> {
    this.flushMarks();
    const names = (await this.guard(this.redis.send(['SMEMBERS', this.key('cursors')]))) as string[];
    const cursors: QueueCursor[] = [];
    for (let i = 0; i < names.length; i += chunk) {
      const some = names.slice(i, i + chunk);
      const reply = (await this.run(lua.readCursors, some)) as (string | number)[];
      some.forEach((name, j) => {
        cursors.push({ name, deliveredId: Number(reply[3 * j]), prunedId: Number(reply[3 * j + 1]), pending: Number(reply[3 * j + 2]) });
      });
    }
    return cursors;
  }

  async findUser(name: string): Promise<StoredUser | undefined> {
    const json = (await this.guard(this.redis.send(['HGET', this.key('users'), name]))) as string | null;
    if (json == null) return undefined;
    const { passwordHash, createdAt } = JSON.parse(json) as Omit<StoredUser, 'name'>;
    return { name, passwordHash, createdAt };
  }

  async userNames(): Promise<string[]> {
    return ((await this.guard(this.redis.send(['HKEYS', this.key('users')]))) as string[]).sort();
  }

  async findGroup(name: string): Promise<StoredGroup | undefined> {
    const json = (await this.guard(this.redis.send(['HGET', this.key('groups'), name]))) as string | null;
    return json == null ? undefined : groupOf(name, json);
  }

  async deliveredId(recipient: string): Promise<number> {
    const written = Number((await this.guard(this.redis.send(['ZSCORE', this.key('delivered'), recipient]))) ?? 0);
    return Math.max(written, this.marks.newest(recipient));
  }

  async pendingTotal(): Promise<number> {
    let total = 0;
    for (const cursor of await this.loadCursors()) total += cursor.pending;
    return total;
  }

  async insertUser(user: StoredUser): Promise<boolean> {
    const json = JSON.stringify({ passwordHash: user.passwordHash, createdAt: user.createdAt });
    return (await this.confirmed(this.run(lua.insertUser, [user.name, json]))) === 1;
  }

  async insertGroup(group: StoredGroup, event?: NewEvent): Promise<number | false> {
    const json = JSON.stringify({ members: group.members, createdBy: group.createdBy, createdAt: group.createdAt, owner: group.owner ?? group.createdBy });
    const reply = await this.confirmed(this.run(lua.insertGroup, [group.name, json, ...eventArgs(event)]));
    return Number(reply) < 0 ? false : Number(reply);
  }

  async changeGroup(change: GroupChange): Promise<number[] | undefined> {
    const lists = [change.expected, change.members, [change.owner], change.added, change.removed].map((names) => names.join(','));
    const data = change.events.flatMap((event) => [event.json, event.at]);
    const reply = await this.confirmed(this.run(lua.changeGroup, [change.name, ...lists, change.events.length, ...data, ...change.events[0].recipients]));
    return Array.isArray(reply) ? reply.map(Number) : undefined;
  }

  async findMessage(id: number): Promise<FoundMessage | undefined> {
    const reply = (await this.run(lua.findMessage, [id])) as string[];
    if (reply.length === 0) return undefined;
    const [from, kind, group, text, sentAt, editedAt, deleted, conversation] = reply as [string, MessageKind, string, string, string, string, string, string];
    const message = messageOf(String(id), from, kind, group, text, sentAt, editedAt, deleted);
    if (kind !== 'direct') return message;
    const [, a, b] = conversation.split(':');
    return { ...message, to: a === from ? b! : a! };
  }

  async editMessage(id: number, text: string, editedAt: number, event: NewEvent): Promise<number | undefined> {
    return idOrUndefined(await this.confirmed(this.run(lua.editMessage, [id, text, editedAt, ...eventArgs(event)])));
  }

  async deleteMessage(id: number, event: NewEvent): Promise<number | undefined> {
    const eventId = idOrUndefined(await this.confirmed(this.run(lua.deleteMessage, [id, ...eventArgs(event)])));
    if (eventId !== undefined) this.rewriteSoon();
    return eventId;
  }

  async insertSession(session: StoredSession): Promise<void> {
    const { tokenHash, username, createdAt, expiresAt, lastUsedAt, userAgent } = session;
    await this.confirmed(this.run(lua.insertSession, [tokenHash, username, createdAt, expiresAt, lastUsedAt, ...(userAgent === undefined ? [] : [userAgent])]));
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    const fields = (await this.guard(this.redis.send(['HMGET', this.key(`s:${tokenHash}`), 'u', 'c', 'e', 'l', 'a']))) as (string | null)[];
    const [username, createdAt, expiresAt, lastUsedAt, userAgent] = fields;
    if (username == null) return undefined;
    const base = { tokenHash, username, createdAt: Number(createdAt), expiresAt: Number(expiresAt), lastUsedAt: Number(lastUsedAt ?? createdAt) };
    return userAgent == null ? base : { ...base, userAgent };
  }

  async endedSessions(tokenHashes: readonly string[], now: number): Promise<string[]> {
    if (tokenHashes.length === 0) return [];
    return (await this.run(lua.endedSessions, [now, ...tokenHashes])) as string[];
  }

  async touchSession(tokenHash: string, expiresAt: number, lastUsedAt: number): Promise<void> {
    await this.run(lua.touchSession, [tokenHash, expiresAt, lastUsedAt]);
  }

  async deleteSession(tokenHash: string, reason: SessionEndReason = 'exit'): Promise<void> {
    await this.confirmed(this.run(lua.deleteSession, [tokenHash, reason]));
  }

  async sessionsOf(username: string): Promise<StoredSession[]> {
    const tokens = (await this.guard(this.redis.send(['SMEMBERS', this.key(`us:${username}`)]))) as string[];
    const sessions = await Promise.all(tokens.map((token) => this.findSession(token)));
    return sessions.filter((s): s is StoredSession => s !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteSessionsOf(username: string): Promise<number> {
    return Number(await this.confirmed(this.run(lua.deleteSessionsOf, [username])));
  }

  async setPasswordHash(name: string, passwordHash: string): Promise<boolean> {
    return (await this.confirmed(this.run(lua.setPasswordHash, [name, passwordHash]))) === 1;
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
    const args = [message.kind, message.from, message.group ?? '', message.text, message.sentAt, keyOfMessage(message), limit, idempotencyKey, idempotencyKeepMs, ...recipients];
    let reply = await this.run(lua.appendMessage, args);
    if (isFull(reply) && this.marks.size > 0) {
      // Positions this process has yet to write may be what makes room: write them, then ask again. Those of
      // other processes are at most a second behind.
      this.flushMarks();
      reply = await this.run(lua.appendMessage, args);
    }
    if (isFull(reply)) throw queueFull((reply as string[]).slice(1));
    // A replay too: the first answer may have been a 503 from a round that failed.
    await this.confirmer?.confirm();
    if (Array.isArray(reply)) return { id: Number(reply[1]), replayed: true, sentAt: Number(reply[2]) };
    return { id: Number(reply), replayed: false, sentAt: message.sentAt };
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage> {
    // What a stream is handed must be what a promoted replica would have too.
    const reply = (await this.confirmed(this.run(lua.readQueue, [recipient, afterId, limit]))) as string[];
    return { prunedId: Number(reply[0]), rows: toRows(reply, 1, recipient) };
  }

  async knowsPosition(recipient: string, id: number): Promise<boolean> {
    return id === 0 || (await this.run(lua.knowsPosition, [recipient, id])) === 1;
  }

  markDelivered(recipient: string, id: number): void {
    this.marks.mark(recipient, id);
  }

  async readConversation(reader: string, conversation: ConversationRef, beforeId: number, limit: number): Promise<Message[]> {
    const key = conversationKey(reader, conversation);
    const broadcast = conversation.kind === 'broadcast' ? '1' : '0';
    const { after, through } = windowOf(conversation);
    const before = Math.min(beforeId, through + 1);
    return toMessages((await this.run(lua.readConversation, [key, before, limit, reader, broadcast, after])) as string[], 0);
  }

  async directPeers(reader: string): Promise<string[]> {
    return ((await this.guard(this.redis.send(['SMEMBERS', this.key(`peers:${reader}`)]))) as string[]).sort();
  }

  async summarize(reader: string, conversation: ConversationRef): Promise<ConversationSummary> {
    const key = conversationKey(reader, conversation);
    const broadcast = conversation.kind === 'broadcast' ? '1' : '0';
    const { after, through } = windowOf(conversation);
    const [counts, [last]] = await Promise.all([
      this.run(lua.summarize, [key, reader, conversation.with, broadcast, after, through]) as Promise<[string, number]>,
      this.readConversation(reader, conversation, Number.MAX_SAFE_INTEGER, 1),
    ]);
    const summary = { unread: Number(counts[1]), readId: Number(counts[0]) };
    return last ? { last, ...summary } : summary;
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
    for (let i = 0; i < floorCount; i++) floors.push({ name: String(reply[1 + 2 * i]), floor: Number(reply[2 + 2 * i]) });
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

  /** Writes the delivered positions now, in call order with whatever is sent after; kept for later if Redis refuses. */
  private flushMarks(): void {
    this.marks.flush();
    this.writeMarks();
  }

  /** Writes the positions due, all of them. */
  private writeMarks(): void {
    const writing = [...(this.marks.take() ?? [])];
    for (let i = 0; i < writing.length; i += chunk) {
      const some = writing.slice(i, i + chunk);
      this.run(lua.markDelivered, some.flat()).then(
        () => this.marks.written(some),
        (err: unknown) => {
          // Kept for the next round; after close there is none, which costs repeats, never losses (see Store).
          this.marks.restore(some);
          this.marks.nextRound();
          if (!(err instanceof ChatError)) this.log.error({ err }, 'writing delivered positions failed');
          else if (this.closed) this.log.warn({ users: some.length }, 'closed without writing some delivered positions: Redis is unreachable');
        },
      );
    }
  }

  private run(script: LuaScript, args: readonly (string | number)[]): Promise<unknown> {
    return this.guard(this.scripts.run(script, [this.prefix, ...args]));
  }

  /**
   * Resolves as `pending` does, once the replicas --redis-wait-replicas asks for hold what the primary had
   * applied when it answered (at once without); `unavailable` when they do not within the timeout.
   */
  private async confirmed<T>(pending: Promise<T>): Promise<T> {
    const value = await pending;
    if (this.confirmer) await this.confirmer.confirm();
    return value;
  }

  /** Failures to reach Redis become `unavailable` (503 with Retry-After); anything else is a fault to report as is. */
  private guard<T>(pending: Promise<T>): Promise<T> {
    const guarded = refusingUnreachable(pending);
    this.inFlight.add(guarded);
    const settled = () => this.inFlight.delete(guarded);
    guarded.then(settled, settled);
    return guarded;
  }

  private key(name: string): string {
    return this.prefix + name;
  }
}

const rowFields = 8;

/** Rows of eight fields (see push_row in the scripts) from `start` on, read by one recipient. */
function toRows(reply: readonly string[], start: number, to: string): QueueRow[] {
  const out: QueueRow[] = [];
  for (let i = start; i + rowFields - 1 < reply.length; i += rowFields) {
    const [id, from, kind, group, text, sentAt, editedAt, deleted] = reply.slice(i, i + rowFields) as [string, string, string, string, string, string, string, string];
    if (kind === 'event') out.push({ id: Number(id), type: group as EventType, json: text, at: Number(sentAt), to });
    else out.push({ ...messageOf(id, from, kind as MessageKind, group, text, sentAt, editedAt, deleted), to });
  }
  return out;
}

/** Messages of eight fields from `start` on (a conversation holds no events). */
function toMessages(reply: readonly string[], start: number): Message[] {
  return toRows(reply, start, '').map(({ to: _, ...message }) => message as Message);
}

function messageOf(id: string, from: string, kind: MessageKind, group: string, text: string, sentAt: string, editedAt: string, deleted: string): Message {
  return {
    id: Number(id),
    from,
    kind,
    text,
    sentAt: Number(sentAt),
    ...(group === '' ? {} : { group }),
    ...(editedAt === '' ? {} : { editedAt: Number(editedAt) }),
    ...(deleted === '1' ? { deleted: true } : {}),
  };
}

/** An event's script arguments: its data, when, and its recipients; none without an event. */
function eventArgs(event: NewEvent | undefined): (string | number)[] {
  return event ? [event.json, event.at, ...event.recipients] : [];
}

/** A script's id reply; -1 (nothing written) is undefined. */
function idOrUndefined(reply: unknown): number | undefined {
  const id = Number(reply);
  return id < 0 ? undefined : id;
}

/** appendMessage's refusal: {'full', names...}. */
function isFull(reply: unknown): boolean {
  return Array.isArray(reply) && reply[0] === 'full';
}

/** HGETALL's RESP2 reply, field after value, as entries. */
function pairs(reply: unknown): [string, string][] {
  const list = reply as string[];
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i]!, list[i + 1]!]);
  return out;
}

function byCreation(a: { name: string; createdAt: number }, b: { name: string; createdAt: number }): number {
  return a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
