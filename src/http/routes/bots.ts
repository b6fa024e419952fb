import type { Router } from 'express';
import type { BotView } from '../../core/bots/bots.js';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendJson } from '../present.js';
import { jsonBody, validate } from '../validate.js';

type Schemas = components['schemas'];

/** Bot accounts, managed by their owners, and each bot's outgoing webhook. */
export function botRoutes(router: Router, { accounts, bots, schemas }: HttpDeps): void {
  router
    .post('/bots', requireActor(accounts), async (req, res) => {
      const { name } = validate(schemas.createBot, jsonBody(req), 'body');
      const { bot, token } = await bots.create(actorOf(res), name);
      const body: Schemas['NewBot'] = { ...botBody(bot), token };
      res.location(`/bots/${bot.name}`);
      sendJson(res, 201, body);
    })
    .get('/bots', requireActor(accounts), (_req, res) => {
      const body: Schemas['BotList'] = { bots: bots.list(actorOf(res)).map(botBody) };
      res.json(body);
    })
    .get('/bots/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      res.json(botBody(await bots.get(actorOf(res), name)));
    })
    .delete('/bots/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      await bots.delete(actorOf(res), name);
      res.status(204).end();
    })
    .post('/bots/:name/token', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      const body: Schemas['BotToken'] = { name, token: await bots.rotateToken(actorOf(res), name) };
      sendJson(res, 201, body);
    })
    .put('/bots/:name/webhook', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      const { url } = validate(schemas.setWebhook, jsonBody(req), 'body');
      const set = await bots.setWebhook(actorOf(res), name, url);
      const body: Schemas['WebhookSecret'] = { name, ...set };
      res.json(body);
    })
    .delete('/bots/:name/webhook', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      await bots.deleteWebhook(actorOf(res), name);
      res.status(204).end();
    });
}

function botBody(bot: BotView): Schemas['Bot'] {
  const body = { name: bot.name, owner: bot.owner, createdAt: iso(bot.createdAt) };
  const hook = bot.webhook;
  if (!hook) return body;
  const webhook: Schemas['WebhookState'] = {
    url: hook.url,
    setAt: iso(hook.setAt),
    position: String(hook.ackedId),
    waiting: hook.waiting,
    failures: hook.failures,
    ...(hook.lastSuccessAt === undefined ? {} : { lastSuccessAt: iso(hook.lastSuccessAt) }),
    ...(hook.lastError === undefined ? {} : { lastError: hook.lastError }),
    ...(hook.lastErrorAt === undefined ? {} : { lastErrorAt: iso(hook.lastErrorAt) }),
  };
  return { ...body, webhook };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
