import type { Router } from 'express';
import type { AuditEntry } from '../../core/ports/index.js';
import type { components } from '../../generated/openapi.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendJson } from '../present.js';
import { jsonBody, validate } from '../validate.js';

type Schemas = components['schemas'];

/** What admins do through the API; everyone else gets 403 not_admin. */
export function adminRoutes(router: Router, { accounts, admin, schemas }: HttpDeps): void {
  router
    .get('/admin/users', requireActor(accounts), async (_req, res) => {
      const users = await admin.users(actorOf(res));
      const body: Schemas['AdminUserList'] = {
        users: users.map(({ createdAt, lastActiveAt, ...user }) => ({
          ...user,
          createdAt: iso(createdAt),
          ...(lastActiveAt === undefined ? {} : { lastActiveAt: iso(lastActiveAt) }),
        })),
      };
      res.json(body);
    })
    .post('/admin/users', requireActor(accounts), async (req, res) => {
      const { name, password } = validate(schemas.adminCreateUser, jsonBody(req), 'body');
      const created = await admin.createUser(actorOf(res), name, password);
      const body: Schemas['CreatedUser'] = { name: created };
      sendJson(res, 201, body);
    })
    .patch('/admin/users/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      const { suspended } = validate(schemas.suspension, jsonBody(req), 'body');
      await admin.setSuspended(actorOf(res), name, suspended);
      res.status(204).end();
    })
    .delete('/admin/messages/:id', requireActor(accounts), async (req, res) => {
      const id = validate(schemas.messageId, req.params.id, 'path.id');
      await admin.deleteMessage(actorOf(res), Number(id));
      res.status(204).end();
    })
    .delete('/admin/groups/:name', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      await admin.endGroup(actorOf(res), name);
      res.status(204).end();
    })
    .delete('/admin/groups/:name/members/:user', requireActor(accounts), async (req, res) => {
      const name = validate(schemas.name, req.params.name, 'path.name');
      const user = validate(schemas.name, req.params.user, 'path.user');
      await admin.removeMember(actorOf(res), name, user);
      res.status(204).end();
    })
    .get('/admin/audit', requireActor(accounts), async (req, res) => {
      const { limit, before } = validate(schemas.auditQuery, req.query, 'query');
      const entries = await admin.auditLog(
        actorOf(res),
        limit ?? 100,
        before === undefined ? undefined : Date.parse(before),
      );
      const body: Schemas['AuditList'] = { entries: entries.map(auditBody) };
      res.json(body);
    });
}

function auditBody(entry: AuditEntry): Schemas['AuditEntry'] {
  return { ...entry, at: iso(entry.at) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
