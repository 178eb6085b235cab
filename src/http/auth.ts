// Bearer-key authentication of the management API and the rights of each kind of key.
import type { Context, MiddlewareHandler } from 'hono';
import { dbOf } from '../db/client';
import { findActiveKeyByHash, touchKey } from '../db/keys';
import { constantTimeEqual, hashApiKey } from '../domain/hashing';
import { keyHolder } from '../domain/key-role';
import { isStrongSecret } from '../domain/settings';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import type { AppEnv } from './context';
import { AppError, forbidden, notFound } from './errors';

const unauthorized = (message: string) =>
  new AppError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer realm="relais"' });

/**
 * Resolves `Authorization: Bearer <key>` to a principal or answers 401.
 * The deploy-time `ADMIN_API_KEY` secret is an admin key; others live hashed in D1.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  if (!header) throw unauthorized('Send an API key as "Authorization: Bearer <key>".');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('The Authorization header must be "Bearer <key>".');
  const key = match[1];
  // The Worker refuses to serve with a missing or short ADMIN_API_KEY (src/isolate/configuration.ts);
  // checked here as well, so that no path that skips that check can match an empty key.
  if (isStrongSecret(c.env.ADMIN_API_KEY) && constantTimeEqual(key, c.env.ADMIN_API_KEY)) {
    c.set('principal', { role: 'admin', keyId: null });
    return next();
  }
  // Looked up by keyed hash: equality on a hash leaks nothing useful about the key through timing.
  // The same query reads the key's partner, so that a deleted or ended partner's key lets nobody in.
  const db = dbOf(c.env);
  const row = await findActiveKeyByHash(db, await hashApiKey(c.env.HASH_KEY, key));
  const holder = row ? keyHolder(row) : null;
  if (!row || !holder) throw unauthorized('This API key is not valid or was revoked.');
  c.set('principal', holder.role === 'partner' ? { ...holder, keyId: row.id } : { role: 'admin', keyId: row.id });
  // Only refresh last use when stale, so reads do not turn into writes.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    c.executionCtx.waitUntil(touchKey(db, row.id, new Date()).catch(() => {}));
  }
  return next();
};

/** Writes and admin-only reads: a partner key gets 403. */
export function requireAdmin(c: Context<AppEnv>): void {
  if (c.get('principal').role !== 'admin') throw forbidden('This needs an admin key; partner keys are read-only.');
}

/**
 * The caller's reach, as services take it: every partner for an admin, its own for a partner key.
 * @example visibleLink(dbOf(c.env), scopeOf(c), id)
 */
export function scopeOf(c: Context<AppEnv>): CallerScope {
  const p = c.get('principal');
  return { partnerId: p.role === 'partner' ? p.partnerId : null };
}

/**
 * The partner a read is restricted to: the key's own partner for a partner key
 * (asking for another partner answers 404, as if it did not exist), else the filter asked for.
 */
export function scopedPartnerId(c: Context<AppEnv>, requested: string | undefined): string | undefined {
  const filter = partnerFilterOf(scopeOf(c), requested);
  if (!filter) throw notFound('partner');
  return filter.partnerId;
}

/** Throws 404 when a partner key reaches a resource of another partner. */
export function assertVisible(c: Context<AppEnv>, ownerPartnerId: string | null | undefined, what: string): void {
  if (!canSee(scopeOf(c), ownerPartnerId)) throw notFound(what);
}
