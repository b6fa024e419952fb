import type { Logger } from 'pino';
import { ChatError } from '../../core/errors.js';
import type { Message, MessageKind } from '../../core/msgform.js';
import { conversationKey } from '../conversation-key.js';
import type {
  ConversationRef,
  ConversationSummary,
  FoundMessage,
  QueueCursor,
  QueuePage,
  SearchHit,
  SearchPage,
  SearchRequest,
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
import {
  byCreation,
  messageOf,
  pairs,
  senderMarks,
  toMessages,
  toRows,
  mentionsOf,
  quoteFields,
  quoteOf,
  type FourteenFields,
  type Reply,
} from './redis-replies.js';
import { DelegatedFamilies } from '../delegated-families.js';
import { searchArgs, searchPageOf } from './redis-search.js';

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

/** Messages one search script examines at most: it holds Redis for about 10 µs each. */
const examinedPerScript = 1_000;

/** The reads of the Redis store, and what its writes share with them: the link, the scripts, the guards. */
export abstract class RedisReads extends DelegatedFamilies {
  protected readonly redis: RedisLink;
  protected readonly confirmer: WriteConfirmer | undefined;
  protected readonly prefix: string;
  protected readonly log: Logger;
  protected readonly scripts: ScriptRunner;
  /** Delivered positions waiting to be written: each round's go out at once, in scripts of `chunk`. */
  protected readonly marks: DeliveredMarks;
  /** Commands sent and not yet answered, for close to wait for. */
  protected readonly inFlight = new Set<Promise<unknown>>();
  protected closed = false;

  constructor({ redis, keyPrefix, log, confirmer }: RedisDeps, options: Partial<RedisOptions>) {
    super();
    this.redis = redis;
    this.confirmer = confirmer;
    this.prefix = keyPrefix;
    this.log = log;
    this.marks = new DeliveredMarks(options.markDelayMs ?? 1_000, () => this.flushMarks());
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
        cursors.push({
          name,
          deliveredId: Number(reply[3 * j]),
          prunedId: Number(reply[3 * j + 1]),
          pending: Number(reply[3 * j + 2]),
        });
      });
    }
    return cursors;
  }

  async findUser(name: string): Promise<StoredUser | undefined> {
    const json = (await this.guard(this.redis.send(['HGET', this.key('users'), name]))) as string | null;
    if (json == null) return undefined;
    const { passwordHash, owner, admin, suspended, createdAt } = JSON.parse(json) as Omit<StoredUser, 'name'>;
    return {
      name,
      passwordHash,
      ...(owner === undefined ? {} : { owner }),
      ...(admin ? { admin } : {}),
      ...(suspended ? { suspended } : {}),
      createdAt,
    };
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

  async findMessage(id: number): Promise<FoundMessage | undefined> {
    const reply = (await this.run(lua.findMessage, [id])) as Reply;
    if (reply.length === 0) return undefined;
    const fields = reply as FourteenFields;
    const [from, kind, group, text, sentAt, editedAt, deleted, conversation, bot, displayName, mentions] = fields;
    const message = {
      ...messageOf(String(id), from, kind as MessageKind, group, text, sentAt, editedAt, deleted),
      ...senderMarks(bot, displayName),
      ...mentionsOf(mentions),
      ...quoteOf(...quoteFields(fields)),
    };
    if (kind !== 'direct') return message;
    const [, a, b] = conversation.split(':');
    return { ...message, to: a === from ? b! : a! };
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    const fields = (await this.guard(
      this.redis.send(['HMGET', this.key(`s:${tokenHash}`), 'u', 'c', 'e', 'l', 'a']),
    )) as (string | null)[];
    const [username, createdAt, expiresAt, lastUsedAt, userAgent] = fields;
    if (username == null) return undefined;
    const base = {
      tokenHash,
      username,
      createdAt: Number(createdAt),
      expiresAt: Number(expiresAt),
      lastUsedAt: Number(lastUsedAt ?? createdAt),
    };
    return userAgent == null ? base : { ...base, userAgent };
  }

  async endedSessions(tokenHashes: readonly string[], now: number): Promise<string[]> {
    if (tokenHashes.length === 0) return [];
    return (await this.run(lua.endedSessions, [now, ...tokenHashes])) as string[];
  }

  async sessionsOf(username: string): Promise<StoredSession[]> {
    const tokens = (await this.guard(this.redis.send(['SMEMBERS', this.key(`us:${username}`)]))) as string[];
    const sessions = await Promise.all(tokens.map((token) => this.findSession(token)));
    return sessions.filter((s): s is StoredSession => s !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage> {
    // What a stream is handed must be what a promoted replica would have too.
    const reply = (await this.confirmed(this.run(lua.readQueue, [recipient, afterId, limit]))) as Reply;
    return { prunedId: Number(reply[0]), rows: toRows(reply, 1, recipient) };
  }

  async knowsPosition(recipient: string, id: number): Promise<boolean> {
    return id === 0 || (await this.run(lua.knowsPosition, [recipient, id])) === 1;
  }

  async readConversation(
    reader: string,
    conversation: ConversationRef,
    beforeId: number,
    limit: number,
  ): Promise<Message[]> {
    const key = conversationKey(reader, conversation);
    const broadcast = conversation.kind === 'broadcast' ? '1' : '0';
    const { after, through } = windowOf(conversation);
    const before = Math.min(beforeId, through + 1);
    return toMessages(
      (await this.run(lua.readConversation, [key, before, limit, reader, broadcast, after])) as Reply,
      0,
    );
  }

  /**
   * Scripts of `examinedPerScript` messages at most (search-messages.lua), each going on where the last stopped,
   * until the page has its hits or the budget is spent: Redis serves others between them.
   */
  async searchMessages(request: SearchRequest): Promise<SearchPage> {
    const hits: SearchHit[] = [];
    let beforeId = request.beforeId;
    for (let left = request.budget; ;) {
      const budget = Math.min(left, examinedPerScript);
      const { args, scope } = searchArgs({ ...request, beforeId, budget, limit: request.limit - hits.length });
      const page = searchPageOf((await this.run(lua.searchMessages, args)) as Reply, scope);
      hits.push(...page.hits);
      left -= budget;
      if (page.next === undefined) return { hits };
      if (hits.length >= request.limit || left <= 0) return { hits, next: page.next };
      beforeId = page.next;
    }
  }

  async directPeers(reader: string): Promise<string[]> {
    return ((await this.guard(this.redis.send(['SMEMBERS', this.key(`peers:${reader}`)]))) as string[]).sort();
  }

  async readMark(user: string, conversation: string): Promise<number> {
    return Number((await this.guard(this.redis.send(['ZSCORE', this.key(`read:${user}`), conversation]))) ?? 0);
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

  /** Writes the delivered positions now, in call order with whatever is sent after; kept for later if Redis refuses. */
  protected flushMarks(): void {
    this.marks.flush();
    this.writeMarks();
  }

  /** Writes the positions due, all of them. */
  protected writeMarks(): void {
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
          else if (this.closed)
            this.log.warn(
              { users: some.length },
              'closed without writing some delivered positions: Redis is unreachable',
            );
        },
      );
    }
  }

  protected run(script: LuaScript, args: readonly (string | number)[]): Promise<unknown> {
    return this.guard(this.scripts.run(script, [this.prefix, ...args]));
  }

  /**
   * Resolves as `pending` does, once the replicas --redis-wait-replicas asks for hold what the primary had
   * applied when it answered (at once without); `unavailable` when they do not within the timeout.
   */
  protected async confirmed<T>(pending: Promise<T>): Promise<T> {
    const value = await pending;
    if (this.confirmer) await this.confirmer.confirm();
    return value;
  }

  /** Failures to reach Redis become `unavailable` (503 with Retry-After); anything else is a fault to report as is. */
  protected guard<T>(pending: Promise<T>): Promise<T> {
    const guarded = refusingUnreachable(pending);
    this.inFlight.add(guarded);
    const settled = () => this.inFlight.delete(guarded);
    guarded.then(settled, settled);
    return guarded;
  }

  protected key(name: string): string {
    return this.prefix + name;
  }
}
