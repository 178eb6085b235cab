// Retention: clicks past CLICK_RETENTION_DAYS are archived to R2 (when bound), verified, then deleted
// from D1 in short statements; funnel events past it are deleted; archived days past
// ARCHIVE_RETENTION_DAYS are deleted from R2. Bounded per run, resumable.

import {
  archivedDays,
  deleteArchivedDay,
  readManifest,
  recordObject,
  underArchiveLease,
  writeShard,
} from '../db/click-archive';
import { dbOf } from '../db/client';
import { readCursor, writeCursor } from '../db/job-state';
import {
  archivedClickOf,
  CURSOR_RETENTION,
  clearConvertedClicks,
  clicksBetween,
  DELETE_CHUNK_ROWS,
  deleteClickChunk,
  deleteEventChunk,
  lastClickIdOfPage,
  nextClickId,
  READ_PAGE_ROWS,
} from '../db/retention';
import {
  ARCHIVE_SHARD_ROWS,
  type ArchivedClick,
  dayIdRange,
  dayOfClickId,
  firstKeptDay,
} from '../domain/click-archive';
import { ulidFloor } from '../domain/ids';
import { archiveRetentionDays, DEFAULT_CLICK_RETENTION_DAYS, retentionDaysOf } from '../domain/settings';

export { CURSOR_RETENTION };

/**
 * Every click with an id up to `afterId` has left D1 (archived first when the bucket is bound),
 * but for those conversions point to. `pending` is a range written (and recorded in its day's
 * manifest) whose delete has not finished: the next run finishes it before anything else, so a
 * crash never archives a half-deleted range again.
 */
export type RetentionCursor = {
  afterId: string;
  pending: { date: string; shard: number | null; firstId: string; lastId: string } | null;
};

/**
 * Limits of one run (the rest waits for the next cron run): clicks and events moved, wall time,
 * rows per archive object, rows per DELETE statement.
 */
export type RetentionLimits = {
  maxRows: number;
  maxMs: number;
  shardRows: number;
  deleteRows: number;
  /** Archived days deleted at most, once past `ARCHIVE_RETENTION_DAYS`. */
  expiredDays: number;
};

/**
 * Per run: ten shards of 10,000 clicks, and at most 20 s, well inside a cron run's limits; a run
 * every 15 minutes then moves 9.6 million clicks a day, far more than the programme makes.
 */
export const DEFAULT_LIMITS: RetentionLimits = {
  maxRows: 10 * ARCHIVE_SHARD_ROWS,
  maxMs: 20_000,
  shardRows: ARCHIVE_SHARD_ROWS,
  deleteRows: DELETE_CHUNK_ROWS,
  expiredDays: 10,
};

/** Points where a test can stop a run, as a crash would. */
export type RetentionSteps = {
  /** After an object is written and verified, before its manifest entry and the cursor. */
  afterWrite?: (key: string) => void | Promise<void>;
  /** After each DELETE statement of clicks. */
  afterDeleteChunk?: (rows: number) => void | Promise<void>;
};

/** What one run did. */
export type RetentionRun = {
  archivedRows: number;
  deletedClicks: number;
  keptClicks: number;
  deletedEvents: number;
  objects: number;
  bytes: number;
  /** The longest single D1 write of the run (a DELETE or UPDATE), in ms. */
  longestWriteMs: number;
  /** Time spent in D1 writes (deletes and clears), and in making, writing and verifying objects, in ms. */
  writesMs: number;
  archiveMs: number;
  /** Archived days deleted, past `ARCHIVE_RETENTION_DAYS`. */
  expiredDays: number;
  /** Whether nothing past retention is left (false: the limits stopped the run). */
  isDone: boolean;
};

/** What the job needs of the env: `ARCHIVE` and `CLICK_RETENTION_DAYS` are optional (README). */
export type RetentionEnv = {
  DB: D1Database;
  ARCHIVE?: R2Bucket;
  CLICK_RETENTION_DAYS?: string;
  ARCHIVE_RETENTION_DAYS?: string;
};

/**
 * Runs the purge once, within `limits`. Clicks go day by UTC day (of their id, a ULID of the click
 * time), once the whole day is older than the retention; each shard is written to `ARCHIVE` and
 * read back before any of its rows is deleted. Without the binding, they are deleted unarchived.
 * The run holds the archive's lease throughout: two runs never overlap (the later one does
 * nothing), and an erasure's pass over the archive comes before or after it, never during.
 */
export async function runRetention(
  env: RetentionEnv,
  nowMs: number,
  given: Partial<RetentionLimits> = {},
  steps: RetentionSteps = {},
): Promise<RetentionRun> {
  const limits: RetentionLimits = { ...DEFAULT_LIMITS, ...given };
  const days = retentionDaysOf(env.CLICK_RETENTION_DAYS, DEFAULT_CLICK_RETENTION_DAYS);
  // Refused at every entry point (src/isolate/configuration.ts); never guessed here.
  if (days === null) throw new Error('CLICK_RETENTION_DAYS is not a number of days');
  const archiveDays = archiveRetentionDays(env.ARCHIVE_RETENTION_DAYS);
  if (archiveDays === null) throw new Error('ARCHIVE_RETENTION_DAYS is not a number of days');
  const held = await underArchiveLease(env.DB, 0, () => purge(env, nowMs, limits, { days, archiveDays }, steps));
  return held?.value ?? emptyRun();
}

const emptyRun = (): RetentionRun => ({
  archivedRows: 0,
  deletedClicks: 0,
  keptClicks: 0,
  deletedEvents: 0,
  objects: 0,
  bytes: 0,
  longestWriteMs: 0,
  writesMs: 0,
  archiveMs: 0,
  expiredDays: 0,
  isDone: false,
});

async function purge(
  env: RetentionEnv,
  nowMs: number,
  limits: RetentionLimits,
  { days, archiveDays }: { days: number; archiveDays: number },
  steps: RetentionSteps,
): Promise<RetentionRun> {
  const startedAt = Date.now();
  const isOutOfTime = () => Date.now() - startedAt >= limits.maxMs;
  const run = emptyRun();
  const timedWrite = async <T>(write: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const value = await write();
    run.longestWriteMs = Math.max(run.longestWriteMs, Date.now() - start);
    run.writesMs += Date.now() - start;
    return value;
  };
  const db = dbOf(env);
  const bucket = env.ARCHIVE;
  const keptFrom = firstKeptDay(nowMs, days);
  let cursor = parseCursor(await readCursor(db, CURSOR_RETENTION));
  const save = (next: RetentionCursor) => writeCursor(db, CURSOR_RETENTION, JSON.stringify(next));

  // Deletes the pending range, a statement at a time; false when the run's time ran out first.
  const finishPending = async (pending: NonNullable<RetentionCursor['pending']>): Promise<boolean> => {
    for (;;) {
      if (isOutOfTime()) return false;
      const deleted = await timedWrite(() =>
        deleteClickChunk(env.DB, pending.firstId, pending.lastId, limits.deleteRows),
      );
      run.deletedClicks += deleted;
      await steps.afterDeleteChunk?.(deleted);
      if (deleted < limits.deleteRows) break;
    }
    run.keptClicks += await timedWrite(() => clearConvertedClicks(env.DB, pending.firstId, pending.lastId));
    cursor = { afterId: pending.lastId, pending: null };
    await save(cursor);
    return true;
  };

  if (cursor.pending && !(await finishPending(cursor.pending))) return run;
  let clickRows = 0;
  while (clickRows < limits.maxRows && !isOutOfTime()) {
    const next = await nextClickId(env.DB, cursor.afterId);
    const date = next === null ? null : dayOfClickId(next);
    if (date === null || date >= keptFrom) break;
    const { endId } = dayIdRange(date);
    const size = Math.min(limits.shardRows, limits.maxRows - clickRows);
    let pending: NonNullable<RetentionCursor['pending']>;
    if (bucket) {
      // The same rows are selected again after a crash before the cursor was saved: the shard then
      // takes the number its first write was recorded under, and is written again identically.
      const { manifest } = await readManifest(bucket, date);
      const shard =
        manifest.objects.find((o) => o.firstId === next)?.shard ??
        manifest.objects.reduce((n, o) => Math.max(n, o.shard + 1), 0);
      const archiveStart = Date.now();
      const entry = await writeShard(bucket, date, shard, pagesOf(db, cursor.afterId, endId, size));
      run.archiveMs += Date.now() - archiveStart;
      await steps.afterWrite?.(entry.key);
      await recordObject(bucket, date, entry);
      run.objects++;
      run.bytes += entry.bytes;
      run.archivedRows += entry.rows;
      clickRows += entry.rows;
      pending = { date, shard, firstId: entry.firstId, lastId: entry.lastId };
    } else {
      const page = await lastClickIdOfPage(env.DB, cursor.afterId, endId, size);
      if (!page) break;
      clickRows += page.rows;
      pending = { date, shard: null, firstId: next as string, lastId: page.lastId };
    }
    cursor = { afterId: cursor.afterId, pending };
    await save(cursor);
    if (!(await finishPending(pending))) return run;
  }

  // Archived days past their own retention go, a few a run (the oldest first).
  if (bucket) {
    const archiveKeptFrom = firstKeptDay(nowMs, archiveDays);
    const expired = (await archivedDays(bucket)).filter((date) => date < archiveKeptFrom);
    for (const date of expired.slice(0, limits.expiredDays)) {
      if (isOutOfTime()) break;
      await deleteArchivedDay(bucket, date);
      run.expiredDays++;
    }
  }

  // Events are deleted, not archived: they hold little beyond what their click holds.
  const eventsBefore = `evt_${ulidFloor(dayIdRange(keptFrom).startMs)}`;
  while (clickRows + run.deletedEvents < limits.maxRows && !isOutOfTime()) {
    const deleted = await timedWrite(() => deleteEventChunk(env.DB, eventsBefore, limits.deleteRows));
    run.deletedEvents += deleted;
    if (deleted < limits.deleteRows) {
      run.isDone = clickRows < limits.maxRows && !isOutOfTime() ? await isClicksDone(env.DB, cursor, keptFrom) : false;
      break;
    }
  }
  return run;
}

async function isClicksDone(d1: D1Database, cursor: RetentionCursor, keptFrom: string): Promise<boolean> {
  if (cursor.pending) return false;
  const next = await nextClickId(d1, cursor.afterId);
  const date = next === null ? null : dayOfClickId(next);
  return date === null || date >= keptFrom;
}

// The shard's rows, read a page at a time so that no D1 answer grows large.
async function* pagesOf(db: ReturnType<typeof dbOf>, afterId: string, beforeId: string, limit: number) {
  let after = afterId;
  for (let left = limit; left > 0; ) {
    const rows = await clicksBetween(db, after, beforeId, Math.min(READ_PAGE_ROWS, left));
    if (rows.length === 0) return;
    yield rows.map(archivedClickOf) as ArchivedClick[];
    after = rows[rows.length - 1]!.id;
    left -= rows.length;
    if (rows.length < READ_PAGE_ROWS) return;
  }
}

function parseCursor(saved: string | null): RetentionCursor {
  if (!saved) return { afterId: '', pending: null };
  const parsed = JSON.parse(saved) as Partial<RetentionCursor>;
  return { afterId: parsed.afterId ?? '', pending: parsed.pending ?? null };
}
