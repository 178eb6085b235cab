// Date filters of the API: the days a report covers, and the instant bounds of a list, in the
// programme's time zone (`REPORT_TIMEZONE`).
import { dateIn, dayRangeIn, dayStartIn, isCalendarDate, nextDate } from './calendar';

/** Longest range a report covers: a year (and a day, for leap years). */
export const MAX_REPORT_DAYS = 366;

export type ReportRange = { from: string; to: string };

/** A range that cannot be reported on: the message and the contract's `details`. */
export type RangeRefusal = { message: string; details: { path: string[]; message: string }[] };

/**
 * The days a report covers: `to` defaults to yesterday in `timeZone` (the last day aggregated),
 * `from` to 29 days before `to`; both must be calendar dates, in order, at most `MAX_REPORT_DAYS`
 * apart.
 * @example reportRange({}, Date.parse('2026-11-25T08:00:00Z'), 'UTC') // { ok: true, range: { from: '2026-10-26', to: '2026-11-24' } }
 */
export function reportRange(
  asked: { from?: string; to?: string },
  nowMs: number,
  timeZone: string,
): { ok: true; range: ReportRange } | ({ ok: false } & RangeRefusal) {
  for (const [name, date] of [
    ['from', asked.from],
    ['to', asked.to],
  ] as const) {
    if (date !== undefined && !isCalendarDate(date)) {
      return refuse(`\`${name}\` is not a calendar date.`, name, 'not a date');
    }
  }
  const to = asked.to ?? nextDate(dateIn(nowMs, timeZone), -1);
  const from = asked.from ?? nextDate(to, -29);
  if (from > to) return refuse('`from` must not be after `to`.', 'from', 'after to');
  if (nextDate(from, MAX_REPORT_DAYS) <= to) {
    return refuse(`A report covers at most ${MAX_REPORT_DAYS} days.`, 'from', 'range too long');
  }
  return { ok: true, range: { from, to } };
}

const refuse = (message: string, path: string, detail: string) => ({
  ok: false as const,
  message,
  details: [{ path: [path], message: detail }],
});

/** A list's time filter as instants (epoch milliseconds); an absent bound filters nothing. */
export type InstantRange = { fromMs?: number; toMs?: number };

/**
 * The instants a list's `from` and `to` stand for (a date alone: its first millisecond in
 * `timeZone` for `from`, its last for `to`), at most `MAX_REPORT_DAYS` days apart, counted to now
 * when `to` is absent. Without `from` there is nothing to cap: the list is read newest first, a
 * page at a time.
 * @example listRange({ from: '2025-01-01', to: '2026-01-02' }, Date.now(), 'UTC') // { ok: false, message: ..., details: [{ path: ['from'], ... }] }
 */
export function listRange(
  asked: { from?: string; to?: string },
  nowMs: number,
  timeZone: string,
): { ok: true; range: InstantRange } | ({ ok: false } & RangeRefusal) {
  const fromMs = instantBoundMs(asked.from, false, timeZone);
  const toMs = instantBoundMs(asked.to, true, timeZone);
  if (fromMs !== undefined) {
    const endMs = toMs ?? Math.max(nowMs, fromMs);
    if (fromMs > endMs) return refuse('`from` must not be after `to`.', 'from', 'after to');
    if (isTooLong(fromMs, endMs, timeZone)) {
      return refuse(
        `A list covers at most ${MAX_REPORT_DAYS} days from \`from\` to \`to\` (or to now).`,
        'from',
        'range too long',
      );
    }
  }
  return { ok: true, range: { fromMs, toMs } };
}

/**
 * Whether `endMs` is past the same time of day `MAX_REPORT_DAYS` days after `fromMs`, days being
 * those of `timeZone`: a year and a day of whole days passes whether it holds one more change of
 * the clocks to summer time or to winter time, its length in hours being one more or one less.
 */
function isTooLong(fromMs: number, endMs: number, timeZone: string): boolean {
  const first = dateIn(fromMs, timeZone);
  const last = dateIn(endMs, timeZone);
  const limit = nextDate(first, MAX_REPORT_DAYS);
  if (last !== limit) return last > limit;
  return endMs - dayStartIn(last, timeZone) > fromMs - dayStartIn(first, timeZone);
}

/**
 * A bound of a list's time filter in epoch milliseconds: a date alone means the first
 * millisecond of that day in `timeZone` as a lower bound (`end` false) and its last as an upper
 * bound (`end` true); an instant is itself.
 * @example instantBoundMs('2026-11-24', true, 'Europe/Paris') // Date.parse('2026-11-24T22:59:59.999Z')
 */
export function instantBoundMs(value: string | undefined, end: boolean, timeZone: string): number | undefined {
  if (!value) return undefined;
  if (isCalendarDate(value)) {
    const day = dayRangeIn(value, timeZone);
    return end ? day.endMs - 1 : day.startMs;
  }
  return Date.parse(value);
}
