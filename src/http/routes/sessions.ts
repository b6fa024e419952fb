import type { Router } from 'express';
import { currentActor, requireActor, actorOf, sessionCookie } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendResult } from '../present.js';
import { jsonBody, validate } from '../validate.js';
import type { components } from '../../generated/openapi.js';

/** join (register or log in) and exit. */
export function sessionRoutes(router: Router, { accounts, chat, schemas, limits, secureCookies }: HttpDeps): void {
  router
    .post('/sessions', async (req, res) => {
      const { username, password } = validate(schemas.credentials, jsonBody(req), 'body');
      const joined = await accounts.join(username, password, req.ip ?? req.socket.remoteAddress ?? '');
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
      const body: components['schemas']['CurrentSession'] = actor ? { signedIn: true, username: actor.name } : { signedIn: false };
      res.json(body);
    })
    .delete('/sessions/current', requireActor(accounts), async (req, res) => {
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'exit' }));
    });
}
