import type { Router } from 'express';
import { actorOf, clientAddress, requireActor, sessionCookie } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { jsonBody, validate } from '../validate.js';

/** The caller's own account: its password, and deleting it. */
export function accountRoutes(router: Router, { accounts, ownAccount, schemas }: HttpDeps): void {
  router
    .put('/account/password', requireActor(accounts), async (req, res) => {
      const { currentPassword, newPassword } = validate(schemas.passwordChange, jsonBody(req), 'body');
      await ownAccount.changePassword(actorOf(res), currentPassword, newPassword, clientAddress(req));
      res.status(204).end();
    })
    .delete('/account', requireActor(accounts), async (req, res) => {
      const { password } = validate(schemas.accountDeletion, jsonBody(req), 'body');
      await ownAccount.deleteAccount(actorOf(res), password, clientAddress(req));
      res.clearCookie(sessionCookie, { path: '/' });
      res.status(204).end();
    });
}
