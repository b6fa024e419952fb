import type { Request, Router } from 'express';
import type { StoredInvite } from '../../core/ports/index.js';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { publicOrigin } from '../public-origin.js';
import { sendJson } from '../present.js';
import { jsonBody, validate } from '../validate.js';

type Schemas = components['schemas'];

/** Invites: made by admins (and by members with --members-invite), listed and deleted by their makers. */
export function inviteRoutes(router: Router, { accounts, invites, schemas, publicUrl }: HttpDeps): void {
  router
    .post('/invites', requireActor(accounts), async (req, res) => {
      const asked = validate(schemas.createInvite, jsonBody(req), 'body');
      const invite = await invites.create(actorOf(res), asked);
      const body: Schemas['Invite'] = inviteBody(invite, req, publicUrl);
      res.location(`/invites/${invite.code}`);
      sendJson(res, 201, body);
    })
    .get('/invites', requireActor(accounts), async (req, res) => {
      const body: Schemas['InviteList'] = {
        invites: (await invites.list(actorOf(res))).map((invite) => inviteBody(invite, req, publicUrl)),
      };
      res.json(body);
    })
    .delete('/invites/:code', requireActor(accounts), async (req, res) => {
      const code = validate(schemas.inviteCode, req.params.code, 'path.code');
      await invites.delete(actorOf(res), code);
      res.status(204).end();
    });
}

/** An invite with the URL that opens the page at sign-up with its code filled in. */
function inviteBody(invite: StoredInvite, req: Request, publicUrl: string): Schemas['Invite'] {
  return {
    code: invite.code,
    url: `${publicOrigin(req, publicUrl)}/#invite=${invite.code}`,
    createdBy: invite.createdBy,
    createdAt: new Date(invite.createdAt).toISOString(),
    uses: invite.uses,
    used: invite.used,
    ...(invite.expiresAt === undefined ? {} : { expiresAt: new Date(invite.expiresAt).toISOString() }),
    ...(invite.note === undefined ? {} : { note: invite.note }),
  };
}
