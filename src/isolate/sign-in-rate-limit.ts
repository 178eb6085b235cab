// Failed console sign-ins: limited per account and per client address, counted in RateLimiter objects.
//
// Each attempt reserves a token of both buckets before the password is verified, and a sign-in that
// succeeds gives them back: only failures stay counted. Taking a token only once a failure is known
// would let an attacker send many guesses at once, all verified before the first failure is
// counted; checking before verifying without taking would do the same. Reserving first caps the
// guesses under way at the tokens left. The objects are asked directly (no isolate leases, see
// token-leases.ts): sign-ins are few, and these buckets hold 5 and 20 tokens, where a lease's
// error would be a large part of the limit. When an object cannot be reached the sign-in fails
// rather than go uncounted: unlike a partner's postback, a refused sign-in loses nothing.

import { limiterOf } from './rate-limit';
import type { Limit } from './token-leases';

const FIFTEEN_MINUTES_SEC = 15 * 60;

/**
 * 5 failures per account per 15 minutes (then one every 3 minutes): enough for typos, far too few
 * to guess a 12-character password. 20 per client address: people behind one office or carrier
 * address share it, and one address trying many accounts is stopped before it gets far.
 */
export const SIGN_IN_LIMITS = {
  account: { ratePerSec: 5 / FIFTEEN_MINUTES_SEC, burst: 5 },
  address: { ratePerSec: 20 / FIFTEEN_MINUTES_SEC, burst: 20 },
} as const satisfies Record<string, Limit>;

/** Name of the bucket of an account: the keyed hash of its (normalised) email, known account or not. */
export const signInAccountBucket = (emailHash: string) => `signin:account:${emailHash}`;
/** Name of the bucket of a client address: its keyed hash. */
export const signInAddressBucket = (addressHash: string) => `signin:ip:${addressHash}`;

/** A reserved attempt, to be given back when it succeeds; or how long to wait. */
export type SignInAttempt =
  | { allowed: true; giveBack: () => Promise<void> }
  | { allowed: false; retryAfterSec: number };

/**
 * Reserves one attempt of the address and of the account: the address first, so that an address
 * over its limit spends no account's tokens; an account over its limit hands the address's back.
 * @example const attempt = await reserveSignInAttempt(env, { account, address });
 */
export async function reserveSignInAttempt(
  env: Env,
  buckets: { account: string; address: string },
): Promise<SignInAttempt> {
  const { account, address } = SIGN_IN_LIMITS;
  const addressLimiter = limiterOf(env, buckets.address);
  const accountLimiter = limiterOf(env, buckets.account);
  const byAddress = await addressLimiter.take(address.ratePerSec, address.burst);
  if (!byAddress.allowed) return { allowed: false, retryAfterSec: byAddress.retryAfterSec };
  const byAccount = await accountLimiter.take(account.ratePerSec, account.burst);
  if (!byAccount.allowed) {
    await addressLimiter.giveBack(address.ratePerSec, address.burst);
    return { allowed: false, retryAfterSec: byAccount.retryAfterSec };
  }
  return {
    allowed: true,
    giveBack: async () => {
      await Promise.all([
        addressLimiter.giveBack(address.ratePerSec, address.burst),
        accountLimiter.giveBack(account.ratePerSec, account.burst),
      ]);
    },
  };
}
