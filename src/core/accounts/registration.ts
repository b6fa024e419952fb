import { ChatError } from '../errors.js';
import type { InviteStore, InviteTake } from '../ports/index.js';
import type { LoginGuard } from './login-guard.js';

/**
 * Who may register a new name: `open` (anyone, the original system's rule), `invite` (a valid invite code), or
 * `closed` (nobody by themselves: the operator and admins make accounts).
 */
export type RegistrationMode = 'open' | 'invite' | 'closed';

const refusals: { readonly [T in Exclude<InviteTake, 'taken'>]: ChatError } = {
  unknown: new ChatError('invite_invalid', 'no invite has this code', 'body.invite'),
  used: new ChatError('invite_used', 'this invite has been used as many times as it allows', 'body.invite'),
  expired: new ChatError('invite_expired', 'this invite has expired', 'body.invite'),
};

/** The door for new names; known names log in whatever the mode. */
export class Registration {
  constructor(
    readonly mode: RegistrationMode,
    private readonly invites: InviteStore,
    private readonly guard: LoginGuard | undefined,
    private readonly now: () => number,
  ) {}

  /**
   * Lets a new name in, or refuses it with why. Resolves with what gives back a use it took, for a sign-up that
   * fails after (the name was taken meanwhile). A wrong code counts as a failed login from `client`: guessing
   * codes costs what guessing passwords does.
   */
  async admit(invite: string | undefined, client: string): Promise<() => Promise<void>> {
    if (this.mode === 'open') return async () => undefined;
    if (this.mode === 'closed') {
      throw new ChatError(
        'registration_closed',
        'this server makes accounts only through its admins and its operator; ask one for an account',
        'body.username',
      );
    }
    if (invite === undefined) {
      throw new ChatError('invite_invalid', 'sign-up on this server is by invite: give the invite code', 'body.invite');
    }
    const outcome: { taken: InviteTake } = { taken: 'unknown' };
    const check = async () => (outcome.taken = await this.invites.takeInvite(invite, this.now())) === 'taken';
    if (!(await (this.guard ? this.guard.verifyOther(client, check) : check()))) {
      throw refusals[outcome.taken === 'taken' ? 'unknown' : outcome.taken];
    }
    return () => this.invites.returnInvite(invite);
  }
}
