import type { Router } from 'express';
import type { components } from '../../generated/openapi.js';
import { ChatError } from '../../core/errors.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { groupDetail, sendResult } from '../present.js';
import { jsonBody, validate } from '../validate.js';

/** mk_grp (POST, or PUT to make or find), add_grp, rm_grp and leave, the caller's groups, and one group's members. */
export function groupRoutes(router: Router, { accounts, chat, schemas }: HttpDeps): void {
  router
    .get('/groups', requireActor(accounts), (_req, res) => {
      const body: components['schemas']['GroupList'] = { groups: chat.groupsOf(actorOf(res).name).map(groupDetail) };
      res.json(body);
    })
    .post('/groups', requireActor(accounts), async (req, res) => {
      const { name, members } = validate(schemas.createGroup, jsonBody(req), 'body');
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'create_group', name, members }));
    })
    .put('/groups/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      const { members } = validate(schemas.addMembers, jsonBody(req), 'body');
      const result = await chat.execute(actorOf(res), { kind: 'ensure_group', name, members }).catch((err: unknown) => {
        // Making the group names its name as mk_grp's body has it; here it is in the path.
        if (err instanceof ChatError && err.field === 'body.name')
          throw new ChatError(err.code, err.message, 'path.name');
        throw err;
      });
      if (result.kind !== 'group_created' && result.kind !== 'group_changed')
        throw new Error(`${result.kind} from PUT`);
      res.status(result.kind === 'group_created' ? 201 : 200).json(groupDetail(result.group));
    })
    .get('/groups/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      res.json(groupDetail(await chat.groups.show(actorOf(res), name)));
    })
    .post('/groups/:name/members', requireActor(accounts), async (req, res) => {
      const group = validate(schemas.name, req.params.name, 'path.name');
      const { members } = validate(schemas.addMembers, jsonBody(req), 'body');
      sendResult(req, res, await chat.execute(actorOf(res), { kind: 'add_members', group, members }));
    })
    .delete('/groups/:name/members/:user', requireActor(accounts), async (req, res) => {
      const group = validate(schemas.name, req.params.name, 'path.name');
      const member = validate(schemas.name, req.params.user, 'path.user');
      await chat.execute(actorOf(res), { kind: 'remove_member', group, member });
      res.status(204).end();
    });
}
