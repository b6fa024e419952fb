import type { Router } from 'express';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { jsonBody, validate } from '../validate.js';

/** The caller's conversations with unread counts, and read marks. */
export function conversationRoutes(router: Router, { accounts, conversations, schemas }: HttpDeps): void {
  router
    .get('/conversations', requireActor(accounts), async (_req, res) => {
      const views = await conversations.list(actorOf(res));
      const body: components['schemas']['ConversationList'] = {
        conversations: views.map(({ readId, ...view }) => ({ ...view, readUpTo: String(readId) })),
      };
      res.json(body);
    })
    .put('/conversations/:with/read', requireActor(accounts), async (req, res) => {
      const peer = validate(schemas.name, req.params.with, 'path.with');
      const { upTo } = validate(schemas.readMark, jsonBody(req), 'body');
      await conversations.markRead(actorOf(res), peer, Number(upTo));
      res.status(204).end();
    });
}
