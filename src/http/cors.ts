import type { RequestHandler } from 'express';

/**
 * CORS for the configured origins only, and without credentials: a page of another origin calls the API with a
 * bearer token (the session cookie is SameSite=Strict and never goes cross-site). No origins: CORS is off.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed: ReadonlySet<string> = new Set(origins);
  return (req, res, next) => {
    if (allowed.size === 0) return next();
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin === undefined || !allowed.has(origin)) return next();
    res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After' });
    if (req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined) {
      res.set({
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      res.status(204).end();
      return;
    }
    next();
  };
}
