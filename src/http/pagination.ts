// Cursor pagination over ids that sort by creation time (ULIDs): stable under inserts.
import type { Context } from 'hono';
import { scopedPartnerId } from './auth';
import type { AppEnv } from './context';
import { invalidRequest } from './errors';

/** Opaque cursor for "items older than this id". */
export const encodeCursor = (id: string) => btoa(id).replace(/=+$/, '');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  let id: string;
  try {
    id = atob(cursor);
  } catch {
    id = '';
  }
  if (!/^[\w-]{1,80}$/.test(id)) throw invalidRequest('This cursor is not one the API gave.', [{ path: ['cursor'] }]);
  return id;
}

/**
 * Cuts a page out of `limit + 1` rows fetched newest first: the extra row tells
 * whether another page exists.
 */
export function page<T extends { id: string }, R>(rows: T[], limit: number, render: (row: T) => R) {
  const more = rows.length > limit;
  const data = (more ? rows.slice(0, limit) : rows).map(render);
  const last = more ? rows[limit - 1] : undefined;
  return { data, nextCursor: last ? encodeCursor(last.id) : null };
}

/**
 * The page a list query asks for, its cursor decoded; the service keeps it within the caller's reach.
 * @example listVisibleLinks(db, scopeOf(c), pageRequest(c.req.valid('query')))
 */
export function pageRequest(q: { limit: number; cursor?: string; partnerId?: string }) {
  return { limit: q.limit, before: decodeCursor(q.cursor), partnerId: q.partnerId };
}

/**
 * The page a list query asks for, within the caller's reach: a partner key lists its own rows only.
 * @example listConversions(db, scopedPage(c, c.req.valid('query')))
 */
export function scopedPage(c: Context<AppEnv>, q: { limit: number; cursor?: string; partnerId?: string }) {
  return { ...pageRequest(q), partnerId: scopedPartnerId(c, q.partnerId) };
}
