import type { RequestHandler } from 'express';
import { ChatError } from '../core/errors.js';
import { sessionCookie } from './auth.js';

const safeMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard. A state-changing request that a browser could send on its own, with the
 * session cookie and no Authorization header, must come from this site: `Sec-Fetch-Site: same-origin` (or
 * `none`, typed by the user), or failing that header an `Origin` whose host is this server's. Requests that
 * carry a bearer token are exempt: a browser never adds one by itself.
 */
export function crossSiteGuard(): RequestHandler {
  return (req, _res, next) => {
    if (safeMethods.has(req.method) || req.headers.authorization !== undefined) return next();
    if (!req.headers.cookie?.includes(`${sessionCookie}=`)) return next();
    const site = req.get('sec-fetch-site');
    if (site !== undefined ? site === 'same-origin' || site === 'none' : sameHost(req.get('origin'), req.get('host'))) {
      return next();
    }
    throw new ChatError(
      'forbidden',
      'a request authenticated by the session cookie must come from this site; other clients send ' +
        '"Authorization: Bearer <token>"',
      site !== undefined ? 'header.sec-fetch-site' : 'header.origin',
    );
  };
}

function sameHost(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
