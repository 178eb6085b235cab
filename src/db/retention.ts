// D1 side of retention: clicks read in id order for the archive, and deleted (events too) in short statements.
import { and, asc, gt, lt } from 'drizzle-orm';
import type { ArchivedClick } from '../domain/click-archive';
import { ulidTime } from '../domain/ids';
import type { Db } from './client';
import { type Click, clicks } from './schema';

/** The retention job's place in `job_state` (src/jobs/retention.ts, `RetentionCursor`). */
export const CURSOR_RETENTION = 'retention:clicks';

/**
 * The instant before which clicks may have left D1 (the retention job's furthest id, deleted or
 * being deleted), or null when none has. Rebuilding a day that starts earlier keeps its click figures.
 */
export async function clicksGoneBeforeMs(d1: D1Database): Promise<number | null> {
  const row = await d1
    .prepare(
      `SELECT MAX(COALESCE(json_extract(cursor, '$.afterId'), ''), COALESCE(json_extract(cursor, '$.pending.lastId'), ''))
        AS lastId FROM job_state WHERE name = ?1`,
    )
    .bind(CURSOR_RETENTION)
    .first<{ lastId: string }>();
  const ms = row?.lastId ? ulidTime(row.lastId) : null;
  return ms === null ? null : ms + 1;
}

/** Rows a DELETE removes at most: D1 has one writer, and a short statement keeps it free for the click buffers. */
export const DELETE_CHUNK_ROWS = 5000;
/** Rows a SELECT of the archive reads at most, so that no answer grows large. */
export const READ_PAGE_ROWS = 5000;

/** A click as archived: every column, times as ISO 8601 (as the API shows them). */
export function archivedClickOf(row: Click): ArchivedClick {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [column, value] of Object.entries(row)) {
    out[column] = value instanceof Date ? value.toISOString() : (value as string | number | boolean | null);
  }
  return out as ArchivedClick;
}

/** The first click id after `afterId` (every click when empty), or null when there is none. */
export async function nextClickId(d1: D1Database, afterId: string): Promise<string | null> {
  const row = await d1
    .prepare('SELECT id FROM clicks WHERE id > ?1 ORDER BY id LIMIT 1')
    .bind(afterId)
    .first<{ id: string }>();
  return row?.id ?? null;
}

/** Up to `limit` clicks with ids after `afterId` and before `beforeId`, in id order. */
export async function clicksBetween(db: Db, afterId: string, beforeId: string, limit: number): Promise<Click[]> {
  return db
    .select()
    .from(clicks)
    .where(and(gt(clicks.id, afterId), lt(clicks.id, beforeId)))
    .orderBy(asc(clicks.id))
    .limit(limit)
    .all();
}

/** Up to `limit` click ids after `afterId` and before `beforeId`, in id order: the last one of them. */
export async function lastClickIdOfPage(
  d1: D1Database,
  afterId: string,
  beforeId: string,
  limit: number,
): Promise<{ lastId: string; rows: number } | null> {
  const row = await d1
    .prepare(
      `SELECT MAX(id) AS lastId, COUNT(*) AS rows FROM
        (SELECT id FROM clicks WHERE id > ?1 AND id < ?2 ORDER BY id LIMIT ?3)`,
    )
    .bind(afterId, beforeId, limit)
    .first<{ lastId: string | null; rows: number }>();
  return row?.lastId ? { lastId: row.lastId, rows: row.rows } : null;
}

/**
 * Deletes up to `limit` clicks with ids from `firstId` to `lastId`, but for those a
 * conversion is attributed to: they stay, cleared of what identifies the visitor
 * (`clearConvertedClicks`), so that every conversion keeps the click it was paid for. Answers the
 * rows deleted (fewer than the chunk: the range is done).
 */
export async function deleteClickChunk(
  d1: D1Database,
  firstId: string,
  lastId: string,
  limit = DELETE_CHUNK_ROWS,
): Promise<number> {
  const result = await d1
    .prepare(
      `DELETE FROM clicks WHERE id IN (
        SELECT k.id FROM clicks k WHERE k.id >= ?1 AND k.id <= ?2
          AND NOT EXISTS (SELECT 1 FROM conversions c WHERE c.click_id = k.id)
        ORDER BY k.id LIMIT ?3)`,
    )
    .bind(firstId, lastId, limit)
    .run();
  return result.meta.changes;
}

/**
 * Clears the visitor id, uid hash, fingerprint and user agent of the clicks from `firstId` to
 * `lastId` still in D1 after their range was deleted: those conversions point to. Answers how many.
 */
export async function clearConvertedClicks(d1: D1Database, firstId: string, lastId: string): Promise<number> {
  const result = await d1
    .prepare(
      `UPDATE clicks SET visitor_id = NULL, uid_hash = NULL, fingerprint = NULL, user_agent = NULL
       WHERE id >= ?1 AND id <= ?2`,
    )
    .bind(firstId, lastId)
    .run();
  return result.meta.changes;
}

/** Deletes up to `limit` funnel events with ids before `beforeId` (ids are `evt_` + a ULID of their time). */
export async function deleteEventChunk(d1: D1Database, beforeId: string, limit = DELETE_CHUNK_ROWS): Promise<number> {
  const result = await d1
    .prepare('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id < ?1 ORDER BY id LIMIT ?2)')
    .bind(beforeId, limit)
    .run();
  return result.meta.changes;
}
