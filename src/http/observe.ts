import type { RequestHandler } from 'express';
import type { ErrorCode } from '../core/errors.js';
import type { HttpObserver } from './deps.js';
import { endReasonOf } from './sse/stream-writer.js';

/** The catalog's codes that mean "refused by a limit", counted as refusals; other errors are the client's. */
export const refusalCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'queue_full',
  'too_many_streams',
  'too_many_groups',
  'payload_too_large',
  'unavailable',
]);

/** The label of a request no route took: the page's files, an unknown path, or one stopped before routing. */
function unrouted(method: string, status: number): string {
  if (status === 404) return 'unmatched';
  return (method === 'GET' || method === 'HEAD') && status < 400 ? 'static' : 'other';
}

/**
 * Times every request from its arrival until its response ended (for a stream: how long it stayed open) and
 * tells the observer, labelled by the matched route's pattern, never by the raw path, so that labels stay few.
 */
export function observeRequests(observer: HttpObserver): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    let observed = false;
    // On finish: the observation is made before the server reads what the client does next (a scrape, say).
    // On close: a response the client or the server cut short never finishes.
    const observe = () => {
      if (observed) return;
      observed = true;
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? req.baseUrl + pattern : unrouted(req.method, res.statusCode);
      observer.request(req.method, route, res.statusCode, (performance.now() - started) / 1000);
      if (endReasonOf(res) === 'slow_consumer') observer.refused('slow_consumer');
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}
