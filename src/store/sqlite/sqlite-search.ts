import type { Database, Statement } from 'better-sqlite3';
import type { Message } from '../../core/msgform.js';
import type { SearchHit, SearchPage, SearchRequest } from '../../core/ports/index.js';
import { indexedTermLength, termLength } from '../../core/search/search-query.js';
import { scanNewestFirst, type MessageSource } from '../newest-first.js';
import { isHit, searchScope, type ScopeEntry } from '../search-scope.js';
import { messageColumns, toMessage, type MessageRow } from './statements.js';

/**
 * Search on SQLite, two ways, each examining at most the request's budget:
 *
 * - The reader's conversations, newest first (merged: see scanNewestFirst), each text checked here. Taken when
 *   what they may read below the position fits in the budget, so that the answer is complete in one page, and
 *   when every term is shorter than a trigram, which the index cannot look up.
 * - The trigram index (migration 11), newest first, for the terms of three characters or more; each candidate
 *   is checked against the reader's scope and every term here. A candidate counts as examined whether or not the
 *   reader may read it.
 */
export class SqliteSearch {
  private readonly readConversation: Statement;
  private readonly countConversation: Statement;
  private readonly fromIndex: Statement;
  private readonly joinedId: Statement;

  constructor(db: Database) {
    this.readConversation = db.prepare(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation = @key AND id < @below AND id > @above ORDER BY id DESC LIMIT @count`);
    this.countConversation = db
      .prepare(
        `
        SELECT count(*) FROM (
          SELECT 1 FROM messages WHERE conversation = @key AND id < @below AND id > @above LIMIT @count
        )`,
      )
      .pluck();
    this.fromIndex = db.prepare(`
      SELECT ${messageColumns
        .split(', ')
        .map((column) => `m.${column}`)
        .join(', ')}, m.conversation FROM message_search s
      JOIN messages m ON m.id = s.rowid
      WHERE message_search MATCH @match AND s.rowid < @below AND s.rowid > @above
      ORDER BY s.rowid DESC`);
    this.joinedId = db.prepare('SELECT joined_id FROM cursors WHERE name = ?').pluck();
  }

  page(request: SearchRequest): SearchPage {
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
    const { found, next } = scanNewestFirst(sources, request, (message) => hit(message));
    const hits = found.map(({ message, source }) => ({ message, with: scope[source]!.ref.with }));
    return next === undefined ? { hits } : { hits, next };
  }

  /** Whether the scope holds no more than `budget` messages: counted on the conversations' index, up to it. */
  private fits(scope: readonly ScopeEntry[], budget: number): boolean {
    let left = budget;
    for (const { key, above, below } of scope) {
      left -= this.countConversation.get({ key, below, above, count: left + 1 }) as number;
      if (left < 0) return false;
    }
    return true;
  }

  private searchIndex(scope: readonly ScopeEntry[], indexed: readonly string[], request: SearchRequest): SearchPage {
    const byKey = new Map(scope.map((entry) => [entry.key, entry]));
    const hit = isHit(request);
    const match = indexed.map((term) => `"${term.replaceAll('"', '""')}"`).join(' AND ');
    const hits: SearchHit[] = [];
    let examined = 0;
    let lastExamined = request.beforeId;
    const rows = this.fromIndex.iterate({ match, below: request.beforeId, above: request.afterId }) as Iterable<
      MessageRow & { conversation: string | null }
    >;
    for (const row of rows) {
      if (examined === request.budget) return { hits, next: lastExamined };
      examined++;
      lastExamined = row.id;
      const entry = row.conversation === null ? undefined : byKey.get(row.conversation);
      if (!entry || row.id <= entry.above || row.id >= entry.below) continue;
      const message: Message = toMessage(row);
      if (!hit(message)) continue;
      hits.push({ message, with: entry.ref.with });
      if (hits.length === request.limit) return { hits, next: row.id };
    }
    return { hits };
  }
}
