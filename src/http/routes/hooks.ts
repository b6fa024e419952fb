import express, { type Router } from 'express';
import type { HookRecord } from '../../core/ports/index.js';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { publicOrigin } from '../public-origin.js';
import { sendJson } from '../present.js';
import { jsonBody, validate } from '../validate.js';

type Schemas = components['schemas'];

/**
 * Largest body a hook takes: more than the API's own, since an alert manager batches alerts into one post.
 * 1 MiB, Slack's own limit being far below it.
 */
export const maxHookBodyBytes = 1024 * 1024;

/** The owner's side of incoming webhooks: make one, list them, delete one. */
export function hookRoutes(router: Router, { accounts, hooks, schemas, publicUrl }: HttpDeps): void {
  router
    .post('/hooks', requireActor(accounts), async (req, res) => {
      const { to, name } = validate(schemas.createHook, jsonBody(req), 'body');
      const { hook, secret } = await hooks.create(actorOf(res), to, name);
      const body: Schemas['NewHook'] = {
        ...hookBody(hook),
        url: `${publicOrigin(req, publicUrl)}/hooks/${hook.id}/${secret}`,
      };
      res.location(`/hooks/${hook.id}`);
      sendJson(res, 201, body);
    })
    .get('/hooks', requireActor(accounts), async (_req, res) => {
      const body: Schemas['HookList'] = { hooks: (await hooks.list(actorOf(res))).map(hookBody) };
      res.json(body);
    })
    .delete('/hooks/:id', requireActor(accounts), async (req, res) => {
      const id = validate(schemas.hookId, req.params.id, 'path.id');
      await hooks.delete(actorOf(res), id);
      res.status(204).end();
    });
}

/**
 * The hooks' own door: a POST with no credential but the secret in its path, in the Slack format. Mounted
 * before the API's JSON parser, since it reads the raw text (a form's `payload` field, a charset, a BOM).
 * Answers `200 ok` in text/plain, which Alertmanager and Grafana check for.
 */
export function hookPostRoute(router: Router, { hooks, schemas }: HttpDeps): void {
  router.post('/hooks/:id/:secret', express.text({ type: () => true, limit: maxHookBodyBytes }), async (req, res) => {
    const id = validate(schemas.hookId, req.params.id, 'path.id');
    const secret = validate(schemas.hookSecret, req.params.secret, 'path.secret');
    const body = typeof req.body === 'string' ? req.body : '';
    await hooks.post(id, secret, req.get('content-type'), body);
    res.status(200).type('text/plain').send('ok');
  });
}

function hookBody(hook: HookRecord): Schemas['Hook'] {
  return {
    id: hook.id,
    to: hook.to,
    ...(hook.name === undefined ? {} : { name: hook.name }),
    createdAt: new Date(hook.createdAt).toISOString(),
    failures: hook.failures,
    ...(hook.lastUsedAt === undefined ? {} : { lastUsedAt: new Date(hook.lastUsedAt).toISOString() }),
    ...(hook.lastError === undefined ? {} : { lastError: hook.lastError }),
    ...(hook.lastErrorAt === undefined ? {} : { lastErrorAt: new Date(hook.lastErrorAt).toISOString() }),
  };
}
