// Keeps aggregated days true to their conversions: a day whose conversions changed after it was
// aggregated (late attribution, a status change or refund, a postback dated in the past) is
// rebuilt by the next reconciliation.
import { dbOf } from '../db/client';
import { type ConversionChange, conversionsChangedAfter } from '../db/conversions';
import { readCursor, writeCursor } from '../db/job-state';
import { getPartner } from '../db/partners';
import { dailyRows, rebuildPartnerDay } from '../db/reports';
import type { Partner } from '../db/schema';
import { DAY_MS } from '../domain/aggregation';
import { dateIn, timeZoneOf } from '../domain/calendar';

export const CURSOR_CHANGED_DAYS = 'reconcile:changed-days';
/** Where the sweep starts when it has never run: changes older than this are left as they are. */
export const CHANGED_DAYS_LOOKBACK_MS = 7 * DAY_MS;
// Per run, bounded so that a run stays within a Worker's D1 query limits; the rest waits for the next.
const CHANGES_PAGE = 200;
const CHANGES_PAGES = 5;
const MAX_DAYS_PER_RUN = 40;

/**
 * Rebuilds the aggregated days whose conversions changed since the last run. Conversions are
 * walked in the order they were last changed, from a saved place (`updated_at` and id), up to
 * `settledBeforeMs`: a write still under way with an older timestamp is then not passed over.
 * Days never aggregated (today's) are left to the daily job. Answers how many days it rebuilt.
 */
export async function refreshChangedDays(env: Env, settledBeforeMs: number, nowMs: number): Promise<number> {
  const db = dbOf(env);
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const cursor = parseCursor(await readCursor(db, CURSOR_CHANGED_DAYS), nowMs);
  const days = new Map<string, { partnerId: string; date: string }>();
  let last: ConversionChange | undefined;
  for (let p = 0; p < CHANGES_PAGES && days.size < MAX_DAYS_PER_RUN; p++) {
    const after = last ?? cursor;
    const results = await conversionsChangedAfter(env.DB, after, settledBeforeMs, CHANGES_PAGE);
    for (const change of results) {
      // The day the conversion counts on: the programme's, as the daily job aggregated it.
      const date = dateIn(change.occurredAt, timeZone);
      days.set(`${change.partnerId}/${date}`, { partnerId: change.partnerId, date });
      last = change;
      if (days.size >= MAX_DAYS_PER_RUN) break;
    }
    if (results.length < CHANGES_PAGE) break;
  }
  if (last === undefined) return 0;

  const partners = new Map<string, Partner | undefined>();
  let rebuilt = 0;
  for (const { partnerId, date } of days.values()) {
    const aggregated = await dailyRows(env.DB, { from: date, to: date, partnerId });
    if (aggregated.length === 0) continue;
    if (!partners.has(partnerId)) partners.set(partnerId, await getPartner(db, partnerId));
    const partner = partners.get(partnerId);
    if (!partner) continue;
    await rebuildPartnerDay(env.DB, { date, partnerId, currency: partner.currency, computedAtMs: nowMs, timeZone });
    rebuilt++;
  }
  // Saved once the days are rebuilt: a run cut short does them again, which changes nothing.
  await writeCursor(db, CURSOR_CHANGED_DAYS, `${last.updatedAt}/${last.id}`);
  return rebuilt;
}

function parseCursor(saved: string | null, nowMs: number): { updatedAt: number; id: string } {
  const slash = saved?.indexOf('/') ?? -1;
  if (saved && slash > 0) return { updatedAt: Number(saved.slice(0, slash)), id: saved.slice(slash + 1) };
  return { updatedAt: nowMs - CHANGED_DAYS_LOOKBACK_MS, id: '' };
}
