// Cursor pages of a partner's rows, newest first: ids are ULIDs, so "before the cursor" is "older".
import { and, eq, lt, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** A page request: `limit` rows (the query asks one more, to know whether another page follows). */
export type PageOptions = { limit: number; before?: string; partnerId?: string };

/**
 * The filter of a page: older than the cursor, of one partner when asked, and `more`.
 * @example db.select().from(coupons).where(pageWhere(coupons.id, coupons.partnerId, opts)).orderBy(desc(coupons.id))
 */
export function pageWhere(
  id: SQLiteColumn,
  partnerId: SQLiteColumn,
  opts: PageOptions,
  ...more: (SQL | undefined)[]
): SQL | undefined {
  return and(
    opts.before ? lt(id, opts.before) : undefined,
    opts.partnerId ? eq(partnerId, opts.partnerId) : undefined,
    ...more,
  );
}
