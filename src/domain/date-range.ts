// Date filters of the API: the UTC days a report covers, and the instant bounds of a list.
import { addDays, DAY_MS, utcDateOf, utcDayRange } from './aggregation';

/** Longest range a report covers: a year (and a day, for leap years). */
export const MAX_REPORT_DAYS = 366;

export type ReportRange = { from: string; to: string };

/** A range that cannot be reported on: the message and the contract's `details`. */
export type RangeRefusal = { message: string; details: { path: string[]; message: string }[] };

/**
 * The days a report covers: `to` defaults to yesterday (the last day aggregated), `from` to
 * 29 days before `to`; both must be calendar dates, in order, at most `MAX_REPORT_DAYS` apart.
 * @example reportRange({}, Date.parse('2026-11-25T08:00:00Z')) // { ok: true, range: { from: '2026-10-26', to: '2026-11-24' } }
 */
export function reportRange(
  asked: { from?: string; to?: string },
  nowMs: number,
): { ok: true; range: ReportRange } | ({ ok: false } & RangeRefusal) {
  const to = asked.to ?? addDays(utcDateOf(nowMs), -1);
  const from = asked.from ?? addDays(to, -29);
  for (const [name, date] of [
    ['from', from],
    ['to', to],
  ] as const) {
    try {
      utcDayRange(date);
    } catch {
      return refuse(`\`${name}\` is not a calendar date.`, name, 'not a date');
    }
  }
  if (from > to) return refuse('`from` must not be after `to`.', 'from', 'after to');
  if ((utcDayRange(to).startMs - utcDayRange(from).startMs) / DAY_MS >= MAX_REPORT_DAYS) {
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
 * The instants a list's `from` and `to` stand for (a date alone: its first millisecond for
 * `from`, its last for `to`), at most `MAX_REPORT_DAYS` days apart, counted to now when `to` is
 * absent. Without `from` there is nothing to cap: the list is read newest first, a page at a time.
 * @example listRange({ from: '2025-01-01', to: '2026-01-02' }, Date.now()) // { ok: false, message: ..., details: [{ path: ['from'], ... }] }
 */
export function listRange(
  asked: { from?: string; to?: string },
  nowMs: number,
): { ok: true; range: InstantRange } | ({ ok: false } & RangeRefusal) {
  const fromMs = instantBoundMs(asked.from, false);
  const toMs = instantBoundMs(asked.to, true);
  if (fromMs !== undefined) {
    const endMs = toMs ?? Math.max(nowMs, fromMs);
    if (fromMs > endMs) return refuse('`from` must not be after `to`.', 'from', 'after to');
    if (endMs - fromMs > MAX_REPORT_DAYS * DAY_MS) {
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
 * A bound of a list's time filter in epoch milliseconds: a date alone means its first
 * millisecond as a lower bound (`end` false) and its last as an upper bound (`end` true).
 * @example instantBoundMs('2026-11-24', true) // Date.parse('2026-11-24T23:59:59.999Z')
 */
export function instantBoundMs(value: string | undefined, end: boolean): number | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return end ? start + 86_400_000 - 1 : start;
  }
  return Date.parse(value);
}
