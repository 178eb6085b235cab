// Counts of requests for unknown slugs: one row per day and path, added to in place, the day's rows capped in SQL.
import { OTHER_ORPHAN_PATH } from '../domain/orphan-visits';

/** What an isolate counted for one day and path since its last write. */
export type OrphanCount = { date: string; path: string; hits: number; botHits: number };

/** A stored count, as the report answers it. */
export type OrphanVisitRow = { date: string; path: string; hits: number; bot_hits: number };

// The cap is decided by the statement itself, so that counting needs no read first: a path
// already stored that day is added to; a new one takes a row while the day has fewer than ?5
// paths, else it is added to `(other)`. `WHERE true` keeps SQLite from reading the upsert's
// `ON` as a join constraint of the SELECT.
const UPSERT = `
  INSERT INTO orphan_visits (date, path, hits, bot_hits)
  SELECT ?1,
         CASE WHEN EXISTS (SELECT 1 FROM orphan_visits WHERE date = ?1 AND path = ?2)
                OR (SELECT count(*) FROM orphan_visits WHERE date = ?1 AND path <> '${OTHER_ORPHAN_PATH}') < ?5
              THEN ?2 ELSE '${OTHER_ORPHAN_PATH}' END,
         ?3, ?4
  WHERE true
  ON CONFLICT (date, path) DO UPDATE SET hits = hits + excluded.hits, bot_hits = bot_hits + excluded.bot_hits`;

/**
 * Adds the counts to their rows in one D1 batch, whatever their number; past `maxPathsPerDay`
 * distinct paths a day, new paths are added to that day's `(other)` row.
 */
export async function addOrphanCounts(
  d1: D1Database,
  counts: readonly OrphanCount[],
  maxPathsPerDay: number,
): Promise<void> {
  if (counts.length === 0) return;
  const upsert = d1.prepare(UPSERT);
  await d1.batch(counts.map((c) => upsert.bind(c.date, c.path, c.hits, c.botHits, maxPathsPerDay)));
}

/** The counts of the days from `from` to `to` (included), by day, then most hits first. */
export async function orphanVisitRows(d1: D1Database, range: { from: string; to: string }): Promise<OrphanVisitRow[]> {
  const { results } = await d1
    .prepare(
      'SELECT date, path, hits, bot_hits FROM orphan_visits WHERE date BETWEEN ?1 AND ?2 ORDER BY date, hits DESC, path',
    )
    .bind(range.from, range.to)
    .all<OrphanVisitRow>();
  return results;
}
