import type { Router } from 'express';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { validate } from '../validate.js';

/** The caller's blocks: who they keep out. */
export function blockRoutes(router: Router, { accounts, blocks, schemas }: HttpDeps): void {
  router
    .get('/account/blocks', requireActor(accounts), (_req, res) => {
      const body: components['schemas']['BlockList'] = { blocked: blocks.list(actorOf(res)) };
      res.json(body);
    })
    .put('/account/blocks/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      await blocks.set(actorOf(res), name, true);
      res.status(204).end();
    })
    .delete('/account/blocks/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      await blocks.set(actorOf(res), name, false);
      res.status(204).end();
    });
}
