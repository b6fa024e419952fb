import type { Message, StoredEvent } from '../../core/msgform.js';
import type {
  ConversationRef,
  ConversationSummary,
  FoundMessage,
  QueueCursor,
  QueuePage,
  QueueRow,
  SearchPage,
  SearchRequest,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../../core/ports/index.js';
import { conversationKey } from '../conversation-key.js';
import { windowOf } from '../group-window.js';
import { LocalFeed } from '../local-feed.js';
import { DelegatedFamilies } from '../delegated-families.js';
import { scanNewestFirst, type MessageSource } from '../newest-first.js';
import { isHit, searchScope } from '../search-scope.js';

export interface Cursor {
  deliveredId: number;
  prunedId: number;
  /** The last id assigned before the user registered: later broadcasts reach them. */
  joinedId: number;
  /** Ids of the direct and group messages and the events on this user's queue, ascending. */
  queue: number[];
  /** Direct and group messages on the queue above deliveredId: what the queue limit counts. */
  pending: number;
}

export interface KeptEvent extends StoredEvent {
  /** The message an `edited` event refers to. */
  readonly of?: number;
}

/** The memory store's state and its reads; its writes are MemoryStore's. */
export abstract class MemoryReads extends DelegatedFamilies {
  protected readonly users = new Map<string, StoredUser>();
  protected readonly groups = new Map<string, StoredGroup>();
  protected readonly sessions = new Map<string, StoredSession>();
  protected readonly cursors = new Map<string, Cursor>();
  /** Every retained message, by id: a message is stored once however many read it. */
  protected readonly messages = new Map<number, Message>();
  /** Every retained event, by id; queues hold their ids among the messages'. */
  protected readonly events = new Map<number, KeptEvent>();
  /** Queue rows still referring to each message, so that the last one to go takes the text with it. */
  protected readonly references = new Map<number, number>();
  /** The broadcast log, ascending ids. */
  protected readonly broadcasts: number[] = [];
  /** Retained ids of each conversation, ascending, and the key of each message. */
  protected readonly conversations = new Map<string, number[]>();
  protected readonly keyOf = new Map<number, string>();
  /** Each user's direct peers, and read marks by user and conversation name. */
  protected readonly peers = new Map<string, Set<string>>();
  protected readonly reads = new Map<string, number>();
  /** The retained replies to each message, which a deletion of the message blanks the quotes of. */
  protected readonly replies = new Map<number, Set<number>>();
  protected lastId = 0;
  /** `sender\nkey` -> the message it stored and until when the key counts. */
  protected readonly idempotencyKeys = new Map<string, { id: number; expiresAt: number; sentAt: number }>();

  /** `feed` is told every write; `clock` (epoch ms) dates the ids. */
  constructor(
    readonly feed: LocalFeed = new LocalFeed(),
    protected readonly clock: () => number = Date.now,
  ) {
    super();
  }

  async lastMessageId(): Promise<number> {
    return this.lastId;
  }

  async loadUsers(): Promise<StoredUser[]> {
    return [...this.users.values()];
  }

  async loadGroups(): Promise<StoredGroup[]> {
    return [...this.groups.values()];
  }

  async loadCursors(): Promise<QueueCursor[]> {
    return [...this.cursors].map(([name, c]) => ({
      name,
      deliveredId: c.deliveredId,
      prunedId: c.prunedId,
      pending: c.pending,
    }));
  }

  async findUser(name: string): Promise<StoredUser | undefined> {
    return this.users.get(name);
  }

  async userNames(): Promise<string[]> {
    return [...this.users.keys()].sort();
  }

  async findGroup(name: string): Promise<StoredGroup | undefined> {
    return this.groups.get(name);
  }

  async deliveredId(recipient: string): Promise<number> {
    return this.cursors.get(recipient)?.deliveredId ?? 0;
  }

  async pendingTotal(): Promise<number> {
    let pending = 0;
    for (const c of this.cursors.values()) pending += c.pending;
    return pending;
  }

  async findMessage(id: number): Promise<FoundMessage | undefined> {
    const message = this.messages.get(id);
    if (!message) return undefined;
    const key = this.keyOf.get(id)!;
    if (message.kind !== 'direct') return message;
    const [, a, b] = key.split(':');
    return { ...message, to: a === message.from ? b! : a! };
  }

  async findSession(tokenHash: string): Promise<StoredSession | undefined> {
    return this.sessions.get(tokenHash);
  }

  async endedSessions(tokenHashes: readonly string[], now: number): Promise<string[]> {
    return tokenHashes.filter((hash) => !((this.sessions.get(hash)?.expiresAt ?? 0) > now));
  }

  async readQueue(recipient: string, afterId: number, limit: number): Promise<QueuePage> {
    const c = this.cursors.get(recipient);
    if (!c) return { rows: [], prunedId: 0 };
    const rows: QueueRow[] = [];
    let q = firstAfter(c.queue, afterId);
    let b = firstAfter(this.broadcasts, Math.max(afterId, c.joinedId));
    while (rows.length < limit) {
      const fromQueue = c.queue[q];
      const fromLog = this.broadcasts[b];
      if (fromQueue === undefined && fromLog === undefined) break;
      if (fromLog === undefined || (fromQueue !== undefined && fromQueue < fromLog)) {
        q++;
        const event = this.events.get(fromQueue!);
        if (event) rows.push({ id: event.id, type: event.type, json: event.json, at: event.at, to: recipient });
        else rows.push({ ...this.messages.get(fromQueue!)!, to: recipient });
      } else {
        b++;
        const message = this.messages.get(fromLog)!;
        if (message.from !== recipient) rows.push({ ...message, to: recipient });
      }
    }
    return { rows, prunedId: c.prunedId };
  }

  async knowsPosition(recipient: string, id: number): Promise<boolean> {
    if (id === 0) return true;
    const c = this.cursors.get(recipient);
    if (!c) return false;
    if (id <= c.prunedId || c.queue[firstAfter(c.queue, id) - 1] === id) return true;
    if (this.messages.get(id)?.from === recipient) return true;
    return id > c.joinedId && this.broadcasts[firstAfter(this.broadcasts, id) - 1] === id;
  }

  async readConversation(
    reader: string,
    conversation: ConversationRef,
    beforeId: number,
    limit: number,
  ): Promise<Message[]> {
    const ids = this.conversations.get(conversationKey(reader, conversation)) ?? [];
    const joined = this.cursors.get(reader)?.joinedId ?? 0;
    const { after, through } = windowOf(conversation);
    const out: Message[] = [];
    for (let i = firstAfter(ids, Math.min(beforeId - 1, through)) - 1; i >= 0 && out.length < limit; i--) {
      const message = this.messages.get(ids[i]!)!;
      if (message.id <= after) break;
      if (conversation.kind !== 'broadcast' || message.id > joined || message.from === reader) out.push(message);
    }
    return out;
  }

  /** A scan of the reader's conversations, newest first: the cost is the messages examined (see SearchStore). */
  async searchMessages(request: SearchRequest): Promise<SearchPage> {
    const scope = searchScope(request, this.cursors.get(request.reader)?.joinedId ?? 0);
    const sources = scope.map(({ key, above, below }): MessageSource => {
      const ids = this.conversations.get(key) ?? [];
      return (belowId, count) => {
        const out: Message[] = [];
        for (let i = firstAfter(ids, Math.min(belowId, below) - 1) - 1; i >= 0 && out.length < count; i--) {
          if (ids[i]! <= above) break;
          out.push(this.messages.get(ids[i]!)!);
        }
        return out;
      };
    });
    const hit = isHit(request);
    const { found, next } = scanNewestFirst(sources, request, (message) => hit(message));
    const hits = found.map(({ message, source }) => ({ message, with: scope[source]!.ref.with }));
    return next === undefined ? { hits } : { hits, next };
  }

  async directPeers(reader: string): Promise<string[]> {
    return [...(this.peers.get(reader) ?? [])];
  }

  async readMark(user: string, conversation: string): Promise<number> {
    return this.reads.get(`${user}\n${conversation}`) ?? 0;
  }

  async summarize(reader: string, conversation: ConversationRef): Promise<ConversationSummary> {
    const readId = this.reads.get(`${reader}\n${conversation.with}`) ?? 0;
    const ids = this.conversations.get(conversationKey(reader, conversation)) ?? [];
    const { after, through } = windowOf(conversation);
    const floor = Math.max(
      readId,
      after,
      conversation.kind === 'broadcast' ? (this.cursors.get(reader)?.joinedId ?? 0) : 0,
    );
    let unread = 0;
    for (let i = firstAfter(ids, floor); i < ids.length && ids[i]! <= through; i++) {
      const message = this.messages.get(ids[i]!)!;
      if (message.from !== reader && !message.deleted) unread++;
    }
    const [last] = await this.readConversation(reader, conversation, Number.MAX_SAFE_INTEGER, 1);
    return last ? { last, unread, readId } : { unread, readId };
  }

  async sessionsOf(username: string): Promise<StoredSession[]> {
    return [...this.sessions.values()].filter((s) => s.username === username).sort((a, b) => a.createdAt - b.createdAt);
  }

  protected sentAt(id: number): number {
    return this.messages.get(id)?.sentAt ?? this.events.get(id)!.at;
  }

  protected peersOf(name: string): Set<string> {
    let set = this.peers.get(name);
    if (!set) this.peers.set(name, (set = new Set()));
    return set;
  }

  protected taken(name: string): boolean {
    return this.users.has(name) || this.groups.has(name);
  }

  protected cursor(name: string): Cursor {
    let c = this.cursors.get(name);
    if (!c) {
      c = { deliveredId: 0, prunedId: 0, joinedId: 0, queue: [], pending: 0 };
      this.cursors.set(name, c);
    }
    return c;
  }
}

/** Index of the first id above `id` in an ascending array. */
export function firstAfter(ids: readonly number[], id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
