import type { Router } from 'express';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendResult } from '../present.js';

/** get_users. The stream lives in stream.ts. */
export function userRoutes(router: Router, { accounts, chat }: HttpDeps): void {
  router.get('/users', requireActor(accounts), async (req, res) => {
    sendResult(req, res, await chat.execute(actorOf(res), { kind: 'get_users' }));
  });
}
