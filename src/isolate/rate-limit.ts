// Rate limits kept in RateLimiter objects: postbacks' (per partner, per client address, failed ones per address), funnel events' per address, and the buckets' tokens.
import type { RateDecision } from '../objects/rate-limiter';
import { FailureThrottle } from './failure-throttle';
import { type Limit, TokenLeases } from './token-leases';

export type { Limit };

/**
 * Defaults: a partner may send 100 postbacks a second with bursts of 200 (a network replaying a
 * backlog); one client address 200 a second with bursts of 400, since a partner's servers
 * usually post from few addresses. Optional variables override them:
 * `POSTBACK_RATE_PER_SEC`, `POSTBACK_BURST`, `POSTBACK_IP_RATE_PER_SEC`, `POSTBACK_IP_BURST`.
 */
export const DEFAULT_LIMITS = {
  partner: { ratePerSec: 100, burst: 200 },
  ip: { ratePerSec: 200, burst: 400 },
} as const satisfies Record<string, Limit>;

/**
 * Failed postbacks (refused before the sender proved who it is) one client address may make: 60
 * at once, then one every 2 seconds; past that, the address is refused (429) until its bucket
 * refills, whatever it posts. A partner's servers fail only when misconfigured, and the limit is
 * far above what fixing a setting takes. `POSTBACK_FAILURE_RATE_PER_SEC` and
 * `POSTBACK_FAILURE_BURST` override it.
 */
export const DEFAULT_FAILURE_LIMIT: Limit = { ratePerSec: 0.5, burst: 60 };

/**
 * Funnel events (`GET|POST /e`) one client address may send: 20 a second, bursts of 100. Pages send
 * a few per visit; the margin is for visitors sharing an address (offices, mobile carriers' NAT).
 * `EVENT_IP_RATE_PER_SEC` and `EVENT_IP_BURST` override it.
 */
export const DEFAULT_EVENT_LIMIT: Limit = { ratePerSec: 20, burst: 100 };

function positive(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * A limit read from two optional variables of the environment, each falling back to `fallback`'s
 * when absent or not a positive number.
 * @example limitFromVars(env, 'POSTBACK_RATE_PER_SEC', 'POSTBACK_BURST', { ratePerSec: 100, burst: 200 })
 */
export function limitFromVars(env: Env, rateVar: string, burstVar: string, fallback: Limit): Limit {
  const vars = env as unknown as Record<string, unknown>;
  return { ratePerSec: positive(vars[rateVar], fallback.ratePerSec), burst: positive(vars[burstVar], fallback.burst) };
}

/** The limit of failed postbacks per client address in force. */
export const failureLimit = (env: Env) =>
  limitFromVars(env, 'POSTBACK_FAILURE_RATE_PER_SEC', 'POSTBACK_FAILURE_BURST', DEFAULT_FAILURE_LIMIT);

/** The limit of funnel events per client address in force. */
export const eventLimit = (env: Env) =>
  limitFromVars(env, 'EVENT_IP_RATE_PER_SEC', 'EVENT_IP_BURST', DEFAULT_EVENT_LIMIT);

/** The limits in force, from the environment or the defaults. */
export function postbackLimits(env: Env): { partner: Limit; ip: Limit } {
  return {
    partner: limitFromVars(env, 'POSTBACK_RATE_PER_SEC', 'POSTBACK_BURST', DEFAULT_LIMITS.partner),
    ip: limitFromVars(env, 'POSTBACK_IP_RATE_PER_SEC', 'POSTBACK_IP_BURST', DEFAULT_LIMITS.ip),
  };
}

/** Name of the bucket of a partner's postbacks. */
export const partnerBucket = (partnerId: string) => `pb:partner:${partnerId}`;
/** Name of the bucket of a client address (its keyed hash: raw addresses name nothing). */
export const ipBucket = (ipHash: string) => `pb:ip:${ipHash}`;
/** Name of the bucket of a client address's failed postbacks. */
export const failureBucket = (ipHash: string) => `pb:fail:${ipHash}`;
/** Name of the bucket of a client address's funnel events. */
export const eventBucket = (ipHash: string) => `ev:ip:${ipHash}`;

/** The RateLimiter object of a bucket. */
export function limiterOf(env: Env, bucket: string) {
  return env.RATE_LIMITER.getByName(bucket);
}

const leasesByNamespace = new WeakMap<object, TokenLeases>();
const failuresByNamespace = new WeakMap<object, FailureThrottle>();

/** The isolate's leases on the RateLimiter objects of `env`. */
function leasesOf(env: Env): TokenLeases {
  let leases = leasesByNamespace.get(env.RATE_LIMITER);
  if (!leases) {
    leases = new TokenLeases((bucket, limit, max) => limiterOf(env, bucket).lease(limit.ratePerSec, limit.burst, max));
    leasesByNamespace.set(env.RATE_LIMITER, leases);
  }
  return leases;
}

/**
 * Takes one token from `bucket`, spending tokens the isolate leased from its RateLimiter object
 * (see token-leases.ts for the error this allows). When the limiter cannot be reached the
 * request is let through: losing a partner's conversion costs more than a burst it did not see.
 */
export function takeToken(env: Env, bucket: string, limit: Limit): Promise<RateDecision> {
  return leasesOf(env).take(bucket, limit);
}

/** The isolate's count of failed postbacks per client address, backed by the RateLimiter objects of `env`. */
export function failuresOf(env: Env): FailureThrottle {
  let failures = failuresByNamespace.get(env.RATE_LIMITER);
  if (!failures) {
    failures = new FailureThrottle(leasesOf(env));
    failuresByNamespace.set(env.RATE_LIMITER, failures);
  }
  return failures;
}
