import type { NextFunction, Request, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import type { Accounts } from '../core/accounts/accounts.js';
import type { Actor } from '../core/chat/commands.js';
import { ChatError } from '../core/errors.js';

export const sessionCookie = 'parley_session';

/** The bearer token of a request: the Authorization header, else the session cookie. */
export function tokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+([A-Za-z0-9_-]{1,512})\s*$/i.exec(header);
    if (!match)
      throw new ChatError('unauthorized', 'the Authorization header must be "Bearer <token>"', 'header.authorization');
    return match[1];
  }
  const cookies = req.headers.cookie;
  return cookies === undefined ? undefined : parseCookies(cookies)[sessionCookie];
}

/**
 * Authenticates every request it guards; the actor is then `actorOf(res)`. `checkedAsWritten`: the route only
 * sends, and the store checks the session as it writes (see Accounts.authenticate).
 */
export function requireActor(accounts: Accounts, how: { checkedAsWritten?: boolean } = {}) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = tokenOf(req);
    if (token === undefined) {
      throw new ChatError(
        'unauthorized',
        'log in with POST /sessions and send the token as "Authorization: Bearer <token>"',
      );
    }
    res.locals.actor = await accounts.authenticate(token, how);
    next();
  };
}

/** The actor of a request that may carry no credential, or one that no longer works: undefined then. */
export async function currentActor(accounts: Accounts, req: Request): Promise<Actor | undefined> {
  try {
    const token = tokenOf(req);
    return token === undefined ? undefined : await accounts.authenticate(token);
  } catch (err) {
    if (err instanceof ChatError && err.code === 'unauthorized') return undefined;
    throw err;
  }
}

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

/** The client's address, as the failed-login limits key it (X-Forwarded-For only from trusted proxies). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? '';
}
