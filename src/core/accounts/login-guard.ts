import { ChatError } from '../errors.js';
import type { RateBudget } from '../ports/index.js';

/**
 * Failed-login budgets. A password check spends one attempt of each, a successful one gives it back (and clears
 * the account's failures from that address: only the owner can log in); how spent attempts come back is the
 * budgets' business (src/limits/).
 */
export interface LoginLimits {
  /** Failures on one account from one client address: the brute-force stop. */
  readonly perPair: RateBudget;
  /** Failures from one address over every account: stops one client from guessing across accounts. */
  readonly perAddress: RateBudget;
  /**
   * Failures on one account over every address, looser than the pair limit: stops a guesser spread over many
   * addresses. Its price is that such a guesser can keep the owner waiting while the attack lasts; the pair and
   * address limits alone never lock out an owner who logs in from another address.
   */
  readonly perAccount: RateBudget;
}

/** Throttles password guessing; see LoginLimits for what is counted and why. */
export class LoginGuard {
  constructor(private readonly limits: LoginLimits) {}

  /** rate_limited when `address` may not try any account now (checked before a name is even looked up). */
  async checkAddress(address: string): Promise<void> {
    refuse(await this.limits.perAddress.wait(address));
  }

  /**
   * Runs `verify` (the password check of `account`) unless a budget is spent. The attempt is taken from every
   * budget before the check, so a thousand concurrent guesses cannot all slip past a budget of five. The budgets
   * are taken one after the other, tightest first, so that an attempt refused by one costs the others nothing:
   * guesses at one account from one address never spend the account's budget once their pair is spent.
   */
  async verify(account: string, address: string, verify: () => Promise<boolean>): Promise<boolean> {
    // Names are [a-z0-9_-]: `@` cannot occur in one, so no two pairs share a key.
    const pair = `${account}@${address}`;
    const steps: [RateBudget, string][] = [
      [this.limits.perPair, pair],
      [this.limits.perAddress, address],
      [this.limits.perAccount, account],
    ];
    for (const [i, [budget, key]] of steps.entries()) {
      const waitMs = await budget.take(key);
      if (waitMs > 0) {
        await Promise.all(steps.slice(0, i).map(([taken, takenKey]) => taken.refund(takenKey)));
        refuse(waitMs);
      }
    }
    const ok = await verify();
    if (ok)
      await Promise.all([
        this.limits.perPair.reset(pair),
        this.limits.perAddress.refund(address),
        this.limits.perAccount.refund(account),
      ]);
    return ok;
  }

  /**
   * Runs a check of something other than a password (an invite code) from `address` within the address's
   * failed-login budget: a failure spends one attempt of it, a success gives it back.
   */
  async verifyOther(address: string, verify: () => Promise<boolean>): Promise<boolean> {
    refuse(await this.limits.perAddress.take(address));
    const ok = await verify();
    if (ok) await this.limits.perAddress.refund(address);
    return ok;
  }
}

/** One answer whatever the budget that ran out, so the limits reveal nothing about accounts or other clients. */
function refuse(waitMs: number): void {
  if (waitMs <= 0) return;
  throw new ChatError(
    'rate_limited',
    `too many failed logins; try again in ${Math.ceil(waitMs / 1000)} s`,
    undefined,
    waitMs,
  );
}
