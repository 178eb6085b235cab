// The management API's rate limit: one token bucket per key, spent through the isolate's leases.
import { type Limit, limitFromVars } from './rate-limit';

/**
 * Defaults: a partner key may make 20 requests a second with bursts of 60 (a dashboard loading
 * its views at once); an admin key 100 a second with bursts of 300 (scripts and the back office).
 * Optional variables override them: `API_RATE_PER_SEC`, `API_BURST` for partner keys,
 * `API_ADMIN_RATE_PER_SEC`, `API_ADMIN_BURST` for admin keys.
 */
export const DEFAULT_API_LIMITS = {
  partner: { ratePerSec: 20, burst: 60 },
  admin: { ratePerSec: 100, burst: 300 },
} as const satisfies Record<string, Limit>;

/** The limits in force, from the environment or the defaults. */
export function apiLimits(env: Env): { partner: Limit; admin: Limit } {
  return {
    partner: limitFromVars(env, 'API_RATE_PER_SEC', 'API_BURST', DEFAULT_API_LIMITS.partner),
    admin: limitFromVars(env, 'API_ADMIN_RATE_PER_SEC', 'API_ADMIN_BURST', DEFAULT_API_LIMITS.admin),
  };
}

/** Name of the bucket of a key: its id, or `admin` for the deploy-time `ADMIN_API_KEY`. */
export const apiKeyBucket = (keyId: string | null) => `api:key:${keyId ?? 'admin'}`;
