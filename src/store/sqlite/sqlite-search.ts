import type { Database, Statement } from 'better-sqlite3';
import type { Message } from '../../core/msgform.js';
import type { SearchHit, SearchPage, SearchRequest } from '../../core/ports/index.js';
import { indexedTermLength, termLength } from '../../core/search/search-query.js';
import { scanNewestFirst, type MessageSource } from '../newest-first.js';
import { isHit, searchScope, type ScopeEntry } from '../search-scope.js';
import type { SearchIndex } from './search-index.js';
import { messageColumns, toMessage, type MessageRow } from './statements.js';

/**
 * Search on SQLite, two ways, each examining at most the request's budget:
 *
 * - The reader's conversations, newest first (merged: see scanNewestFirst), each text checked here. Taken when
 *   what they may read below the position fits in the budget, so that the answer is complete in one page, and
 *   when every term is shorter than a trigram, which the index cannot look up.
 * - The trigram index (migrations 12 and 13, kept by SearchIndex), newest first, for the terms of three characters or more; each candidate
 *   is checked against the reader's scope and every term here. A candidate counts as examined whether or not the
 *   reader may read it.
 */
export class SqliteSearch {
  private readonly readConversation: Statement;
  private readonly countScope: Statement;
  private readonly newestOfScope: Statement;
  private readonly fromIndex: Statement;
  private readonly message: Statement;
  private readonly joinedId: Statement;

  constructor(
    db: Database,
    private readonly index: SearchIndex,
  ) {
    this.readConversation = db.prepare(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation = @key AND id < @below AND id > @above ORDER BY id DESC LIMIT @count`);
    // Hundreds of conversations are one statement each, not hundreds: the index is sought once per key either way.
    this.countScope = db
      .prepare(
        `
        SELECT count(*) FROM (
          SELECT 1 FROM messages WHERE conversation IN (SELECT value FROM json_each(@keys))
            AND id < @below AND id > @above LIMIT @count
        )`,
      )
      .pluck();
    this.newestOfScope = db
      .prepare(
        `
        SELECT (SELECT max(m.id) FROM messages m
          WHERE m.conversation = s.value ->> 0 AND m.id > s.value ->> 1 AND m.id < s.value ->> 2)
        FROM json_each(@scope) s ORDER BY s.key`,
      )
      .pluck();
    // The candidates' conversations only: most are the reader's to skip, and a whole row costs more to read out.
    this.fromIndex = db.prepare(`
      SELECT m.id, m.conversation FROM message_search s JOIN messages m ON m.id = s.rowid
      WHERE message_search MATCH @match AND s.rowid < @below AND s.rowid > @above
      ORDER BY s.rowid DESC`);
    this.message = db.prepare(`SELECT ${messageColumns} FROM messages WHERE id = ?`);
    this.joinedId = db.prepare('SELECT joined_id FROM cursors WHERE name = ?').pluck();
  }

  /** A page of hits; the index is brought up to the newest message first (see SearchIndex). */
  async search(request: SearchRequest): Promise<SearchPage> {
    await this.index.catchUp();
    return this.page(request);
  }

  private page(request: SearchRequest): SearchPage {
    const scope = searchScope(request, (this.joinedId.get(request.reader) as number | undefined) ?? 0);
    const indexed = request.terms.filter((term) => termLength(term) >= indexedTermLength);
    if (indexed.length > 0 && !this.fits(scope, request.budget)) return this.searchIndex(scope, indexed, request);
    const sources = scope.map(
      ({ key, above, below }): MessageSource =>
        (belowId, count) =>
          (this.readConversation.all({ key, below: Math.min(below, belowId), above, count }) as MessageRow[]).map(
            toMessage,
          ),
    );
    const hit = isHit(request);
    const window = JSON.stringify(scope.map(({ key, above, below }) => [key, above, below]));
    const newest = (this.newestOfScope.all({ scope: window }) as (number | null)[]).map((id) => id ?? undefined);
    const { found, next } = scanNewestFirst(sources, request, (message) => hit(message), newest);
    const hits = found.map(({ message, source }) => ({ message, with: scope[source]!.ref.with }));
    return next === undefined ? { hits } : { hits, next };
  }

  /**
   * Whether the scope holds no more than `budget` messages below the request's position, counted on the
   * conversations' index up to it (each conversation's own window aside: a little more counted, never less).
   */
  private fits(scope: readonly ScopeEntry[], budget: number): boolean {
    if (scope.length === 0) return true;
    const keys = JSON.stringify(scope.map((entry) => entry.key));
    const below = Math.max(...scope.map((entry) => entry.below));
    const above = Math.min(...scope.map((entry) => entry.above));
    return (this.countScope.get({ keys, below, above, count: budget + 1 }) as number) <= budget;
  }

  private searchIndex(scope: readonly ScopeEntry[], indexed: readonly string[], request: SearchRequest): SearchPage {
    const byKey = new Map(scope.map((entry) => [entry.key, entry]));
    const hit = isHit(request);
    const match = indexed.map((term) => `"${term.replaceAll('"', '""')}"`).join(' AND ');
    const hits: SearchHit[] = [];
    let examined = 0;
    let lastExamined = request.beforeId;
    const candidates = this.fromIndex.iterate({ match, below: request.beforeId, above: request.afterId }) as Iterable<{
      id: number;
      conversation: string | null;
    }>;
    for (const row of candidates) {
      if (examined === request.budget) return { hits, next: lastExamined };
      examined++;
      lastExamined = row.id;
      const entry = row.conversation === null ? undefined : byKey.get(row.conversation);
      if (!entry || row.id <= entry.above || row.id >= entry.below) continue;
      const message: Message = toMessage(this.message.get(row.id) as MessageRow);
      if (!hit(message)) continue;
      hits.push({ message, with: entry.ref.with });
      if (hits.length === request.limit) return { hits, next: row.id };
    }
    return { hits };
  }
}
