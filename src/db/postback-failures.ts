// Counts of failed postback attempts: one row per partner, client address, error code and minute, added to in place.
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { type PageOptions, pageWhere } from './paging';
import { postbackFailures } from './schema';

export type PostbackFailureRow = typeof postbackFailures.$inferSelect;

/** One failed attempt, to be added to the row of its id. */
export type FailedAttempt = Omit<PostbackFailureRow, 'count'>;

/**
 * Adds one attempt to its row, creating the row for the first one of its minute: one statement,
 * whatever the number of attempts. The row keeps the latest slug, status and time.
 */
export async function countPostbackFailure(db: Db, attempt: FailedAttempt): Promise<void> {
  await db
    .insert(postbackFailures)
    .values({ ...attempt, count: 1 })
    .onConflictDoUpdate({
      target: postbackFailures.id,
      set: {
        count: sql`${postbackFailures.count} + 1`,
        partnerSlug: attempt.partnerSlug,
        httpStatus: attempt.httpStatus,
        lastAt: attempt.lastAt,
      },
    })
    .run();
}

/** Counts newest minute first (ids begin with the minute), filtered; `limit + 1` rows for pagination. */
export async function listPostbackFailures(
  db: Db,
  f: PageOptions & { errorCode?: string },
): Promise<PostbackFailureRow[]> {
  return db
    .select()
    .from(postbackFailures)
    .where(
      pageWhere(
        postbackFailures.id,
        postbackFailures.partnerId,
        f,
        f.errorCode ? eq(postbackFailures.errorCode, f.errorCode) : undefined,
      ),
    )
    .orderBy(desc(postbackFailures.id))
    .limit(f.limit + 1)
    .all();
}
