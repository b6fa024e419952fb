import { ParleyError, type ParleyClient, type Problem } from './client.js';

/** A page of hits as the client reads it (openapi-fetch reads the spans' pairs as arrays). */
export type SearchResults = Awaited<ReturnType<typeof searchMessages>>;
export type SearchHit = SearchResults['hits'][number];

export interface SearchOptions {
  /** Only this conversation: a user, a group the caller reads, or `broad`. */
  readonly with?: string;
  /** Only messages from this user. */
  readonly from?: string;
  /** Only messages sent before this time, at or after that one. */
  readonly before?: Date;
  readonly after?: Date;
  /** Hits a page (1 to 50, default 20). */
  readonly limit?: number;
  /** Where the page before stopped. */
  readonly cursor?: string;
}

/**
 * One page of `GET /search`: hits newest first, and a cursor while there may be more. A page may hold fewer
 * than `limit` hits, or none, and still carry a cursor (each examines a bounded number of messages).
 */
export async function searchMessages(client: ParleyClient, q: string, options: SearchOptions = {}) {
  const { before, after, limit, ...rest } = options;
  const { data, error, response } = await client.GET('/search', {
    params: {
      query: {
        q,
        ...rest,
        ...(before === undefined ? {} : { before: before.toISOString() }),
        ...(after === undefined ? {} : { after: after.toISOString() }),
        ...(limit === undefined ? {} : { limit: String(limit) }),
      },
    },
  });
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data;
}

/** Every hit, newest first, asking page after page while the answer has a cursor; stop reading to stop asking. */
export async function* searchAll(
  client: ParleyClient,
  q: string,
  options: Omit<SearchOptions, 'cursor'> = {},
): AsyncGenerator<SearchHit> {
  let cursor: string | undefined;
  do {
    const page = await searchMessages(client, q, cursor === undefined ? options : { ...options, cursor });
    yield* page.hits;
    cursor = page.cursor;
  } while (cursor !== undefined);
}

/**
 * A hit's text cut at its matches, in order, to show them marked (a `<mark>` around each matched part, a
 * terminal's bold) with the text as text, never as markup.
 */
export function matchedParts(hit: SearchHit): { readonly text: string; readonly matched: boolean }[] {
  const { text } = hit.message;
  const parts: { text: string; matched: boolean }[] = [];
  let at = 0;
  for (const [start = 0, end = start] of hit.match) {
    if (start > at) parts.push({ text: text.slice(at, start), matched: false });
    parts.push({ text: text.slice(start, end), matched: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), matched: false });
  return parts;
}
