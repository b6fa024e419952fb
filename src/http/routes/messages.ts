import type { Request, Router } from 'express';
import type { Command } from '../../core/chat/commands.js';
import { historyPage } from '../../core/chat/conversations.js';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendResult } from '../present.js';
import { jsonBody, sendOptions, validate } from '../validate.js';

/**
 * `<user or group>: <text>` (a reply too), `broad: <text>`, edits, deletions and reactions, and the history of a
 * conversation.
 */
export function messageRoutes(router: Router, { accounts, chat, conversations, schemas }: HttpDeps): void {
  const reaction = (params: Request['params'], on: boolean): Command => ({
    kind: 'react',
    id: Number(validate(schemas.messageId, params.id, 'path.id')),
    emoji: validate(schemas.emoji, params.emoji, 'path.emoji'),
    on,
  });
  // A send has no effect but the message, which the store checks against the sender's session as it writes it.
  const sender = requireActor(accounts, { checkedAsWritten: true });
  router
    .get('/messages', requireActor(accounts), async (req, res) => {
      const query = validate(schemas.history, req.query, 'query');
      const before = query.before === undefined ? Number.MAX_SAFE_INTEGER : Number(query.before);
      const page = await conversations.history(actorOf(res), query.with, before, query.limit ?? historyPage.default);
      const body: components['schemas']['History'] = page;
      res.json(body);
    })
    .post('/messages', sender, async (req, res) => {
      const options = sendOptions(req, schemas);
      const { to, text, replyTo } = validate(schemas.sendMessage, jsonBody(req), 'body');
      const reply = replyTo === undefined ? {} : { replyTo: Number(replyTo) };
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'send', to, text, ...reply }, options));
    })
    .patch('/messages/:id', requireActor(accounts), async (req, res) => {
      const id = Number(validate(schemas.messageId, req.params.id, 'path.id'));
      const { text } = validate(schemas.editMessage, jsonBody(req), 'body');
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'edit_message', id, text }));
    })
    .delete('/messages/:id', requireActor(accounts), async (req, res) => {
      const id = Number(validate(schemas.messageId, req.params.id, 'path.id'));
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'delete_message', id }));
    })
    .put('/messages/:id/reactions/:emoji', requireActor(accounts), async (req, res) => {
      sendResult(req, res, await chat.execute(actorOf(res), reaction(req.params, true)));
    })
    .delete('/messages/:id/reactions/:emoji', requireActor(accounts), async (req, res) => {
      sendResult(req, res, await chat.execute(actorOf(res), reaction(req.params, false)));
    })
    .post('/broadcast', sender, async (req, res) => {
      const options = sendOptions(req, schemas);
      const { text } = validate(schemas.broadcast, jsonBody(req), 'body');
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'broadcast', text }, options));
    });
}
