// The days a dashboard shows (up to today, in the programme's zone), the period before them, and
// which of those days are still to be read from clicks and conversions rather than aggregates.
import { dateIn, dayRangeIn, dayStartIn, isCalendarDate, nextDate } from './calendar';
import { MAX_REPORT_DAYS, type RangeRefusal, type ReportRange } from './date-range';

/** Days shown when none are asked for: the last 30, today included. */
export const DEFAULT_PERIOD_DAYS = 30;

/** A range of this many days or fewer is drawn hour by hour (48 hours at most). */
export const HOURLY_MAX_DAYS = 2;

/** The shortcuts offered beside the date fields, in days ending today. */
export const QUICK_RANGES = [
  { key: 'today', days: 1 },
  { key: '7d', days: 7 },
  { key: '30d', days: 30 },
  { key: '90d', days: 90 },
] as const;
export type QuickRange = (typeof QUICK_RANGES)[number]['key'];

/** The days shown, how many there are, and the period of as many days just before them. */
export type Period = ReportRange & { days: number; previous: ReportRange };

const refuse = (message: string, path: string, detail: string) => ({
  ok: false as const,
  message,
  details: [{ path: [path], message: detail }],
});

/**
 * The period a dashboard shows: `to` defaults to today in `timeZone` (its figures are live),
 * `from` to 29 days before `to`. Both must be calendar dates, in order, not after today, at most
 * `MAX_REPORT_DAYS` apart; the previous period is as many days, ending the day before `from`.
 * @example periodOf({}, Date.parse('2026-11-25T08:00:00Z'), 'UTC')
 * // { ok: true, period: { from: '2026-10-27', to: '2026-11-25', days: 30, previous: { from: '2026-09-27', to: '2026-10-26' } } }
 */
export function periodOf(
  asked: { from?: string; to?: string },
  nowMs: number,
  timeZone: string,
): { ok: true; period: Period } | ({ ok: false } & RangeRefusal) {
  for (const [name, date] of [
    ['from', asked.from],
    ['to', asked.to],
  ] as const) {
    if (date !== undefined && !isCalendarDate(date))
      return refuse(`\`${name}\` is not a calendar date.`, name, 'not a date');
  }
  const today = dateIn(nowMs, timeZone);
  const to = asked.to ?? today;
  const from = asked.from ?? nextDate(to, 1 - DEFAULT_PERIOD_DAYS);
  if (to > today) return refuse('`to` must not be after today.', 'to', 'in the future');
  if (from > to) return refuse('`from` must not be after `to`.', 'from', 'after to');
  if (nextDate(from, MAX_REPORT_DAYS) <= to) {
    return refuse(`A report covers at most ${MAX_REPORT_DAYS} days.`, 'from', 'range too long');
  }
  const days = daysFrom(from, to);
  return {
    ok: true,
    period: { from, to, days, previous: { from: nextDate(from, -days), to: nextDate(from, -1) } },
  };
}

/** Days from `from` to `to`, both included. */
function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Whether a period is drawn hour by hour: 48 hours or less. */
export const isHourly = (period: { days: number }): boolean => period.days <= HOURLY_MAX_DAYS;

/**
 * The dates of a quick range ending `today`.
 * @example quickRange('7d', '2026-11-25') // { from: '2026-11-19', to: '2026-11-25' }
 */
export function quickRange(key: QuickRange, today: string): ReportRange {
  const days = QUICK_RANGES.find((r) => r.key === key)?.days ?? DEFAULT_PERIOD_DAYS;
  return { from: nextDate(today, 1 - days), to: today };
}

/**
 * The part of a range read from clicks and conversions themselves: today, never aggregated yet
 * (a rebuild of today would already be stale), and yesterday for the partners whose yesterday the
 * daily job has not aggregated yet (it runs at 00:10 UTC, up to two hours into a Paris day).
 * `startMs`..`endMs` are the instants of those days within the range; `todayStartMs` splits them;
 * null when the range ends before yesterday. Days before yesterday are always the aggregates'.
 * @example liveWindowOf({ from: '2026-11-01', to: '2026-11-25' }, Date.parse('2026-11-25T08:00:00Z'), 'UTC')
 * // { startMs: Date.parse('2026-11-24T00:00:00Z'), endMs: Date.parse('2026-11-26T00:00:00Z'),
 * //   todayStartMs: Date.parse('2026-11-25T00:00:00Z'), today: '2026-11-25', yesterday: '2026-11-24' }
 */
export function liveWindowOf(range: ReportRange, nowMs: number, timeZone: string): LiveWindow | null {
  const today = dateIn(nowMs, timeZone);
  const yesterday = nextDate(today, -1);
  const first = laterOf(range.from, yesterday);
  const last = earlierOf(range.to, today);
  if (first > last) return null;
  return {
    startMs: dayStartIn(first, timeZone),
    endMs: dayRangeIn(last, timeZone).endMs,
    todayStartMs: dayStartIn(today, timeZone),
    today,
    yesterday,
  };
}

export type LiveWindow = { startMs: number; endMs: number; todayStartMs: number; today: string; yesterday: string };

/**
 * The last day of a range read from the aggregates: the day before today at the latest.
 * @example aggregatedUntil({ from: '2026-11-01', to: '2026-11-25' }, '2026-11-25') // '2026-11-24'
 */
export function aggregatedUntil(range: ReportRange, today: string): string {
  return earlierOf(range.to, nextDate(today, -1));
}

// Dates written YYYY-MM-DD sort as text (Math.min and Math.max take numbers).
function earlierOf(a: string, b: string): string {
  if (a <= b) return a;
  return b;
}

function laterOf(a: string, b: string): string {
  if (a >= b) return a;
  return b;
}
