import { Router } from 'express';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendResult } from '../present.js';
import { jsonBody, validate } from '../validate.js';

/** `<user or group>: <text>` and `broad: <text>`. */
export function messageRoutes({ accounts, chat, schemas }: HttpDeps): Router {
  return Router()
    .post('/messages', requireActor(accounts), async (req, res) => {
      const { to, text } = validate(schemas.sendMessage, jsonBody(req), 'body');
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'send', to, text }));
    })
    .post('/broadcast', requireActor(accounts), async (req, res) => {
      const { text } = validate(schemas.broadcast, jsonBody(req), 'body');
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'broadcast', text }));
    });
}
