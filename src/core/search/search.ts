import type { Actor } from '../chat/commands.js';
import type { Conversations } from '../chat/conversations.js';
import { ChatError } from '../errors.js';
import { firstIdAt } from '../ids.js';
import type { Msgform } from '../msgform.js';
import { canonicalName } from '../names.js';
import type { ConversationRef, SearchStore } from '../ports/index.js';
import { matchSpans, type Span } from './match-spans.js';
import { decodeCursor, encodeCursor } from './search-cursor.js';
import { parseQuery } from './search-query.js';

/** How many hits a page holds unless asked otherwise, and at most. */
export const searchPage = { default: 20, max: 50 } as const;

/**
 * The most messages one page examines, on every backend: what bounds a search's cost whatever the query, the
 * caller and what is retained. A page that reaches it before `limit` hits says where to go on (`cursor`).
 */
export const searchBudget = 5_000;

/**
 * Ids come from the clock of the store (src/core/ids.ts), times from this process's: a time bound becomes an id
 * bound this much wider, so that clocks apart by less never hide a message, and the exact bound is on `sentAt`.
 */
const clockSlackMs = 3_600_000;

export interface SearchParams {
  readonly q: string;
  /** One conversation: a user, a group the caller reads, or `broad`. */
  readonly with?: string;
  /** One sender. */
  readonly from?: string;
  /** Sent before this instant, at or after that one (epoch ms). */
  readonly before?: number;
  readonly after?: number;
  readonly cursor?: string;
  readonly limit: number;
}

export interface SearchHitView {
  /** The conversation it belongs to, as GET /messages?with= names it. */
  readonly with: string;
  readonly message: Msgform;
  readonly match: Span[];
}

export interface SearchResults {
  readonly hits: SearchHitView[];
  /** Present while there may be more: the next page's. */
  readonly cursor?: string;
}

/**
 * Search over what the caller may read: the conversations and windows history gives them (Conversations decides,
 * the store only examines what it is handed), newest first, each hit as history shows it with its matches marked.
 */
export class Search {
  constructor(
    private readonly store: SearchStore,
    private readonly conversations: Conversations,
    private readonly budget: number = searchBudget,
  ) {}

  async search(actor: Actor, params: SearchParams): Promise<SearchResults> {
    const terms = parseQuery(params.q, 'query.q');
    const from = params.from === undefined ? undefined : this.sender(params.from);
    const { before, after } = params;
    if (before !== undefined && after !== undefined && after >= before) {
      throw new ChatError('invalid_request', 'query.after: must be earlier than before', 'query.after');
    }
    const refs =
      params.with === undefined
        ? await this.conversations.readable(actor)
        : [this.conversations.conversationOf(actor, params.with, 'query.with')];
    const below = params.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(params.cursor, 'query.cursor');
    const page = await this.store.searchMessages({
      reader: actor.name,
      conversations: refs,
      terms,
      ...(from === undefined ? {} : { from }),
      beforeId: before === undefined ? below : Math.min(below, firstIdAt(before + clockSlackMs)),
      afterId: after === undefined ? 0 : Math.max(0, firstIdAt(after - clockSlackMs) - 1),
      ...(after === undefined ? {} : { sentFrom: after }),
      ...(before === undefined ? {} : { sentBefore: before }),
      limit: params.limit,
      budget: this.budget,
    });
    const byWith = new Map<string, ConversationRef>(refs.map((ref) => [ref.with, ref]));
    const hits = page.hits.map(({ message, with: name }) => ({
      with: name,
      message: this.conversations.viewOf(actor.name, message, byWith.get(name)!) as Msgform,
      match: matchSpans(message.text, terms) ?? [],
    }));
    return page.next === undefined ? { hits } : { hits, cursor: encodeCursor(page.next) };
  }

  private sender(raw: string): string {
    const name = canonicalName(raw);
    if (name === undefined) throw new ChatError('invalid_request', 'query.from: must be a user name', 'query.from');
    return name;
  }
}
