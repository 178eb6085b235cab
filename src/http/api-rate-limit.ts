// Rate limit of the management API, in front of every route once the caller is known.
import type { MiddlewareHandler } from 'hono';
import { apiKeyBucket, apiLimits } from '../isolate/api-rate-limit';
import { takeToken } from '../isolate/rate-limit';
import type { AppEnv } from './context';
import { AppError } from './errors';

/**
 * Takes a token of the caller's key, or answers 429 with `Retry-After`. Runs after
 * authentication: a request without a valid key spends no one's tokens.
 * @example apiRouter.use('*', authenticate, limitApiRate)
 */
export const limitApiRate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const principal = c.get('principal');
  const limits = apiLimits(c.env);
  const decision = await takeToken(
    c.env,
    apiKeyBucket(principal.keyId),
    principal.role === 'admin' ? limits.admin : limits.partner,
  );
  if (!decision.allowed) {
    throw new AppError(
      429,
      'rate_limited',
      `Too many requests with this key; retry in ${decision.retryAfterSec} s.`,
      { retryAfterSec: decision.retryAfterSec },
      { 'Retry-After': String(decision.retryAfterSec) },
    );
  }
  return next();
};
