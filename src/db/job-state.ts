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

/**
 * Takes the lease `name` for `owner` for `ttlMs`, unless another owner holds it and its time has
 * not run out; whether it was taken. One conditional statement, so two takers never both win. A
 * holder that crashed frees it when its time runs out.
 */
export async function takeLease(d1: D1Database, name: string, owner: string, ttlMs: number): Promise<boolean> {
  const nowMs = Date.now();
  const result = await d1
    .prepare(
      `INSERT INTO job_state (name, cursor, updated_at) VALUES (?1, ?2, ?3)
        ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
        WHERE job_state.cursor IS NULL OR json_extract(job_state.cursor, '$.until') < ?3
          OR json_extract(job_state.cursor, '$.owner') = ?4`,
    )
    .bind(name, JSON.stringify({ owner, until: nowMs + ttlMs }), nowMs, owner)
    .run();
  return result.meta.changes > 0;
}

/** Gives the lease `name` back, if `owner` still holds it. */
export async function releaseLease(d1: D1Database, name: string, owner: string): Promise<void> {
  await d1
    .prepare(`UPDATE job_state SET cursor = NULL WHERE name = ?1 AND json_extract(cursor, '$.owner') = ?2`)
    .bind(name, owner)
    .run();
}
