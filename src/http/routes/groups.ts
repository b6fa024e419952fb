import type { Router } from 'express';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendResult } from '../present.js';
import { jsonBody, validate } from '../validate.js';

/** mk_grp, and the caller's groups. */
export function groupRoutes(router: Router, { accounts, chat, schemas }: HttpDeps): void {
  router
    .get('/groups', requireActor(accounts), (_req, res) => {
      const body: components['schemas']['GroupList'] = {
        groups: chat.groupsOf(actorOf(res).name).map(({ name, members, createdBy }) => ({ name, members: [...members], createdBy })),
      };
      res.json(body);
    })
    .post('/groups', requireActor(accounts), async (req, res) => {
      const { name, members } = validate(schemas.createGroup, jsonBody(req), 'body');
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'create_group', name, members }));
    });
}
