// The time ranges a network sync asks for: windows no longer than the network allows, overlapping what was read before.

/** Awin answers at most 31 days per call; a generic network is given the same bound unless it says otherwise. */
export const MAX_WINDOW_DAYS = 31;
/**
 * How far back of its cursor each sync reads again. Networks record transactions late (an order
 * reported by the advertiser hours or days after it was made, dated when it was made), so a range
 * read once is read again for a week: what came late is found, and what was read is unchanged.
 */
export const OVERLAP_MS = 7 * 24 * 60 * 60 * 1000;
/** A partner's first sync, without a cursor, reads this far back. */
export const FIRST_SYNC_DAYS = 31;
/** The most windows one sync reads; a longer range is finished by the next runs (resumable through the cursor). */
export const MAX_WINDOWS_PER_SYNC = 6;
/** A wait the network asks for is kept at least this long, and at most a day. */
export const MIN_RETRY_AFTER_MS = 60_000;
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A half-open range of instants [from, to). */
export type SyncWindow = { from: Date; to: Date };

/**
 * Cuts [from, to) into consecutive windows of at most `maxDays` days, oldest first.
 * @example syncWindows(new Date('2026-09-01'), new Date('2026-10-31'), 31).length // 2 (31 days, then 29)
 */
export function syncWindows(from: Date, to: Date, maxDays = MAX_WINDOW_DAYS): SyncWindow[] {
  const windows: SyncWindow[] = [];
  const stepMs = maxDays * DAY_MS;
  for (let start = from.getTime(); start < to.getTime(); start += stepMs) {
    windows.push({ from: new Date(start), to: new Date(Math.min(start + stepMs, to.getTime())) });
  }
  return windows;
}

/**
 * The range a sync without one asked for reads: from a week before its cursor (or
 * `FIRST_SYNC_DAYS` back for the first) up to now. A cursor ahead of now (written before
 * cursors were kept to the past) counts as now, so that the week before now is still read.
 * @example scheduledRange(new Date('2026-11-20T10:00:00Z'), Date.parse('2026-11-20T11:00:00Z')).from // 2026-11-13T10:00:00Z
 */
export function scheduledRange(cursor: Date | null, nowMs: number): SyncWindow {
  const from = cursor ? Math.min(cursor.getTime(), nowMs) - OVERLAP_MS : nowMs - FIRST_SYNC_DAYS * DAY_MS;
  return { from: new Date(from), to: new Date(nowMs) };
}

/**
 * The cursor once `window` is read in full: its end, when the window starts at or before the
 * cursor (or there is none yet), so that the cursor never jumps over a range nobody read; and
 * never past `nowMs`, as nothing after now was read (the network cannot list it yet).
 */
export function cursorAfter(cursor: Date | null, window: SyncWindow, nowMs: number): Date | null {
  if (cursor && window.from.getTime() > cursor.getTime()) return cursor;
  if (cursor && window.to.getTime() <= cursor.getTime()) return cursor;
  return new Date(Math.min(window.to.getTime(), nowMs));
}

/**
 * When a network that answered 429 may be called again: its `Retry-After` (seconds or an HTTP
 * date), kept between a minute and a day; a minute without one.
 * @example retryAfterAt('120', 0) // 120000
 */
export function retryAfterAt(header: string | null, nowMs: number): number {
  let waitMs = MIN_RETRY_AFTER_MS;
  const text = header?.trim() ?? '';
  if (/^\d+$/.test(text)) waitMs = Number(text) * 1000;
  else if (text !== '' && Number.isFinite(Date.parse(text))) waitMs = Date.parse(text) - nowMs;
  return nowMs + Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, waitMs));
}

/**
 * An instant as Awin and many networks write it in their queries: `2026-11-01T00:00:00`, UTC
 * (the time zone is asked for beside it).
 */
export function wallClockUtc(at: Date): string {
  return at.toISOString().slice(0, 19);
}
