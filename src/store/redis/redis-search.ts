import type { SearchPage, SearchRequest } from '../../core/ports/index.js';
import { foldText, lowerAscii } from '../../core/search/fold.js';
import { searchScope, type ScopeEntry } from '../search-scope.js';
import { rowFields, toMessages, type Reply } from './redis-replies.js';

/**
 * A message's `z` field: its text as search compares it (fold.ts), kept only when the script's own string.lower,
 * which folds ASCII letters alone, would not give the same, so that mostly-ASCII chats pay nothing for it.
 */
export function foldedField(text: string): string {
  const folded = foldText(text);
  return folded === lowerAscii(text) ? '' : folded;
}

/** The arguments of search-messages.lua, and the scope they name, whose index each hit comes back with. */
export function searchArgs(request: SearchRequest): { args: (string | number)[]; scope: ScopeEntry[] } {
  // The script raises the broadcasts' lower end to where the reader registered, which it reads itself.
  const scope = searchScope(request, 0);
  const args = [
    request.reader,
    request.limit,
    request.budget,
    request.from ?? '',
    request.sentFrom ?? '',
    request.sentBefore ?? '',
    request.terms.length,
    ...request.terms,
    ...scope.flatMap(({ key, ref, above, below }) => [key, ref.kind === 'broadcast' ? 'b' : '', above, below]),
  ];
  return { args, scope };
}

/** The script's reply: where to go on, then each hit as the index of its conversation and its row's fields. */
export function searchPageOf(reply: Reply, scope: readonly ScopeEntry[]): SearchPage {
  const hits = [];
  for (let i = 1; i + 1 + rowFields <= reply.length; i += 1 + rowFields) {
    const [message] = toMessages(reply.slice(i + 1, i + 1 + rowFields), 0);
    hits.push({ message: message!, with: scope[Number(reply[i]) - 1]!.ref.with });
  }
  return reply[0] === '' ? { hits } : { hits, next: Number(reply[0]) };
}
