import { ChatError } from './errors.js';
import { RateLimiter, type RateLimit } from './rate-limiter.js';

/**
 * Failed-login budgets. Each is a token bucket: a failed password spends one attempt, a successful one gives it
 * back (and clears the account's failures from that address: only the owner can log in), and one attempt comes
 * back every `intervalMs`.
 */
export interface LoginLimits {
  /** Failures on one account from one client address: the brute-force stop. */
  readonly perPair: RateLimit;
  /** Failures from one address over every account: stops one client from guessing across accounts. */
  readonly perAddress: RateLimit;
  /**
   * Failures on one account over every address, looser than the pair limit: stops a guesser spread over many
   * addresses. Its price is that such a guesser can keep the owner waiting while the attack lasts; the pair and
   * address limits alone never lock out an owner who logs in from another address.
   */
  readonly perAccount: RateLimit;
}

/** Throttles password guessing; see LoginLimits for what is counted and why. */
export class LoginGuard {
  private readonly pairs: RateLimiter;
  private readonly addresses: RateLimiter;
  private readonly accounts: RateLimiter;

  constructor(limits: LoginLimits, now: () => number) {
    this.pairs = new RateLimiter(limits.perPair, now);
    this.addresses = new RateLimiter(limits.perAddress, now);
    this.accounts = new RateLimiter(limits.perAccount, now);
  }

  /** rate_limited when `address` may not try any account now (checked before a name is even looked up). */
  checkAddress(address: string): void {
    refuse(this.addresses.wait(address));
  }

  /**
   * Runs `verify` (the password check of `account`) unless a budget is spent. The attempt is reserved before the
   * check, so a thousand concurrent guesses cannot all slip past a budget of five.
   */
  async verify(account: string, address: string, verify: () => Promise<boolean>): Promise<boolean> {
    const pair = `${account}\u0000${address}`;
    refuse(Math.max(this.pairs.wait(pair), this.addresses.wait(address), this.accounts.wait(account)));
    this.pairs.take(pair);
    this.addresses.take(address);
    this.accounts.take(account);
    const ok = await verify();
    if (ok) {
      this.pairs.reset(pair);
      this.addresses.refund(address);
      this.accounts.refund(account);
    }
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
