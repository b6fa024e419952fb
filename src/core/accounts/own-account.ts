import type { Accounts, OwnSession } from './accounts.js';
import type { Actor } from '../chat/commands.js';
import type { Delivery } from '../delivery/delivery.js';
import { ChatError } from '../errors.js';
import type { Operator } from '../operator.js';

/**
 * What users may do to their own account: see their sessions (devices), sign one out, change their password,
 * delete the account. Every session it revokes also ends the streams that session opened, saying why (`revoked`,
 * `password_changed`), on this process at once and, through a shared store's feed, on every other process.
 */
export class OwnAccount {
  constructor(
    private readonly accounts: Accounts,
    private readonly delivery: Delivery,
    private readonly operator: Operator,
  ) {}

  sessions(actor: Actor): Promise<OwnSession[]> {
    return this.accounts.ownSessions(actor);
  }

  async revokeSession(actor: Actor, id: string): Promise<void> {
    const sessionId = await this.accounts.revokeOwnSession(actor, id);
    this.delivery.endSession(actor.name, sessionId, 'revoked');
  }

  /** Changes the password; every session but the actor's is revoked. `client` keys the failed-login limits. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, client: string): Promise<void> {
    refuseBot(actor);
    const revoked = await this.accounts.changePassword(actor, currentPassword, newPassword, client);
    for (const sessionId of revoked) this.delivery.endSession(actor.name, sessionId, 'password_changed');
  }

  /** Deletes the account once its password checks out, exactly as the operator's `delete-user` does. */
  async deleteAccount(actor: Actor, password: string, client: string): Promise<void> {
    refuseBot(actor);
    await this.accounts.checkPassword(actor.name, password, client, 'body.password');
    await this.operator.deleteUser(actor.name);
  }
}

/** A bot has no password to change or to prove: its owner rotates its token and deletes it (POST, DELETE /bots). */
function refuseBot(actor: Actor): void {
  if (actor.bot) {
    throw new ChatError('bot_account', `"${actor.name}" is a bot: its owner manages it through /bots/${actor.name}`);
  }
}
