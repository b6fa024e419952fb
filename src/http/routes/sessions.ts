import type { Router } from 'express';
import type { OwnSession } from '../../core/accounts/accounts.js';
import { currentActor, requireActor, actorOf, clientAddress, sessionCookie } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendResult } from '../present.js';
import { jsonBody, validate } from '../validate.js';
import type { components } from '../../generated/openapi.js';

/** join (register or log in) and exit; the caller's sessions, and signing one out. */
export function sessionRoutes(
  router: Router,
  { accounts, chat, ownAccount, schemas, limits, secureCookies }: HttpDeps,
): void {
  router
    .get('/sessions', requireActor(accounts), async (_req, res) => {
      const sessions = await ownAccount.sessions(actorOf(res));
      const body: components['schemas']['SessionList'] = { sessions: sessions.map(presentSession) };
      res.json(body);
    })
    .post('/sessions', async (req, res) => {
      const { username, password, invite } = validate(schemas.credentials, jsonBody(req), 'body');
      const joined = await accounts.join(username, password, clientAddress(req), req.get('user-agent'), invite);
      res.cookie(sessionCookie, joined.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        path: '/',
        maxAge: limits.sessionTtlMs,
      });
      const body: components['schemas']['Session'] = joined;
      res.status(joined.created ? 201 : 200).json(body);
    })
    .get('/sessions/current', async (req, res) => {
      const actor = await currentActor(accounts, req);
      const admin = actor !== undefined && (await accounts.currentUser(actor.name))?.admin === true;
      const body: components['schemas']['CurrentSession'] = actor
        ? { signedIn: true, username: actor.name, ...(admin ? { admin: true } : {}) }
        : { signedIn: false };
      res.json(body);
    })
    .delete('/sessions/current', requireActor(accounts), async (req, res) => {
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'exit' }));
    })
    .delete('/sessions/:id', requireActor(accounts), async (req, res) => {
      const id = validate(schemas.sessionId, req.params.id, 'path.id');
      await ownAccount.revokeSession(actorOf(res), id);
      res.status(204).end();
    });
}

function presentSession(session: OwnSession): components['schemas']['SessionEntry'] {
  const entry = {
    id: session.id,
    current: session.current,
    createdAt: new Date(session.createdAt).toISOString(),
    lastUsedAt: new Date(session.lastUsedAt).toISOString(),
  };
  return session.userAgent === undefined ? entry : { ...entry, userAgent: session.userAgent };
}
