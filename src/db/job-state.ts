// Cursors of scheduled jobs in `job_state`: where an interrupted run picks up.
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { jobState } from './schema';

/** The saved cursor of `name`, or null. */
export async function readCursor(db: Db, name: string): Promise<string | null> {
  const row = await db.select({ cursor: jobState.cursor }).from(jobState).where(eq(jobState.name, name)).get();
  return row?.cursor ?? null;
}

/** Saves (or clears, with null) the cursor of `name`. */
export async function writeCursor(db: Db, name: string, cursor: string | null): Promise<void> {
  const updatedAt = new Date();
  await db
    .insert(jobState)
    .values({ name, cursor, updatedAt })
    .onConflictDoUpdate({ target: jobState.name, set: { cursor, updatedAt } })
    .run();
}
