// The programme's calendar: which day and month an instant belongs to in its time zone
// (`REPORT_TIMEZONE`), and the instants a day or a month spans there.
//
// A French programme's 1st of December starts at 23:00 UTC on 30 November (22:00 in summer), and
// two of its days a year last 23 and 25 hours. Everything that groups by day or month (aggregates,
// reports, pushes, statements, plans that start on a date) asks this module, never `Date` in UTC.
// Offsets come from the runtime's time-zone database (Intl), so they follow the rules in force
// for each instant, past changes included.

/** The zone used when none is set: the contract's default. */
export const DEFAULT_TIME_ZONE = 'UTC';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Whether `name` is a time zone the runtime knows (an IANA name such as `Europe/Paris`, or `UTC`).
 * @example isTimeZone('Europe/Paris') // true
 * @example isTimeZone('Europe/Pariss') // false
 */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    formatterOf(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone a setting names, `UTC` when it is unset or blank. Throws for a name the runtime does
 * not know: dates of money must never silently fall back to another zone.
 * @example timeZoneOf(undefined) // 'UTC'
 */
export function timeZoneOf(setting: string | undefined): string {
  const name = setting?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(name)) throw new RangeError(`not a time zone: ${name}`);
  return name;
}

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallTime(ms: number, timeZone: string): Wall {
  const wall: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') wall[part.type] = Number(part.value);
  }
  return wall as Wall;
}

/** How far the zone's wall clock is ahead of UTC at `ms` (negative west of Greenwich). */
function offsetMs(ms: number, timeZone: string): number {
  const w = wallTime(ms, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The date (`YYYY-MM-DD`) of an instant in `timeZone`.
 * @example dateIn(Date.parse('2026-11-30T23:30:00Z'), 'Europe/Paris') // '2026-12-01'
 */
export function dateIn(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/**
 * What a wall clock of `timeZone` shows at an instant, `YYYY-MM-DDTHH:MM:SS` (whole seconds): the
 * value of a `datetime-local` field, which `wallTimeIn` reads back.
 * @example wallClockIn(Date.parse('2026-11-30T23:30:00Z'), 'Europe/Paris') // '2026-12-01T00:30:00'
 */
export function wallClockIn(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/**
 * The month (`YYYY-MM`) of an instant in `timeZone`.
 * @example monthIn(Date.parse('2026-11-30T23:30:00Z'), 'Europe/Paris') // '2026-12'
 */
export function monthIn(ms: number, timeZone: string): string {
  return dateIn(ms, timeZone).slice(0, 7);
}

/**
 * Whether `date` is a calendar date written `YYYY-MM-DD`.
 * @example isCalendarDate('2026-02-29') // false
 */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/**
 * Whether `month` is a month written `YYYY-MM`.
 * @example isCalendarMonth('2026-13') // false
 */
export function isCalendarMonth(month: string): boolean {
  return /^\d{4}-\d{2}$/.test(month) && isCalendarDate(`${month}-01`);
}

/**
 * The first instant of `date` in `timeZone`: its midnight, or, where the clocks jump over
 * midnight, the first instant the date exists.
 * @example dayStartIn('2026-12-01', 'Europe/Paris') // Date.parse('2026-11-30T23:00:00Z')
 */
export function dayStartIn(date: string, timeZone: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a date: ${date}`);
  const wallMidnight = Date.parse(`${date}T00:00:00Z`);
  // The offset of the hours around midnight; asked twice because it may change within them.
  let start = wallMidnight - offsetMs(wallMidnight, timeZone);
  start = wallMidnight - offsetMs(start, timeZone);
  if (dateIn(start, timeZone) === date && dateIn(start - 1000, timeZone) < date) return start;
  // The clocks changed across midnight (skipping it, or going back over it): the day starts at
  // the first second whose date is `date`, searched within the widest offsets there are (±15 h).
  let low = wallMidnight - 15 * 60 * MINUTE_MS;
  let high = wallMidnight + 15 * 60 * MINUTE_MS;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (dateIn(middle, timeZone) >= date) high = middle;
    else low = middle;
  }
  start = high;
  return start;
}

/**
 * The instants `date` spans in `timeZone`: its start (included) and the next day's (excluded).
 * A day is 23 or 25 hours long when the clocks change during it.
 * @example dayRangeIn('2026-03-29', 'Europe/Paris') // { startMs: Date.parse('2026-03-28T23:00:00Z'), endMs: Date.parse('2026-03-29T22:00:00Z') }
 */
export function dayRangeIn(date: string, timeZone: string): { startMs: number; endMs: number } {
  return { startMs: dayStartIn(date, timeZone), endMs: dayStartIn(nextDate(date, 1), timeZone) };
}

/**
 * The instants `month` (`YYYY-MM`) spans in `timeZone`, its first day's start to the next month's.
 * @example monthRangeIn('2026-12', 'Europe/Paris') // { startMs: Date.parse('2026-11-30T23:00:00Z'), endMs: Date.parse('2026-12-31T23:00:00Z') }
 */
export function monthRangeIn(month: string, timeZone: string): { startMs: number; endMs: number } {
  if (!isCalendarMonth(month)) throw new RangeError(`not a month: ${month}`);
  return { startMs: dayStartIn(`${month}-01`, timeZone), endMs: dayStartIn(`${nextMonth(month, 1)}-01`, timeZone) };
}

/**
 * The calendar date `days` after `date` (before when negative); zones play no part.
 * @example nextDate('2026-03-01', -1) // '2026-02-28'
 */
export function nextDate(date: string, days: number): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Every date from `from` to `to`, both included; zones play no part.
 * @example datesBetween('2026-01-30', '2026-02-01') // ['2026-01-30', '2026-01-31', '2026-02-01']
 */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = nextDate(d, 1)) out.push(d);
  return out;
}

/**
 * The instant a wall clock of `timeZone` shows `time` (`HH:MM`, `HH:MM:SS`, or with a fraction) on
 * `date`. A time the clocks show twice (when they go back) is one of the two; a time they skip
 * reads as the same time after the jump (02:30 on the spring day in Paris is 03:30).
 * @example wallTimeIn('2026-12-01', '00:30', 'Europe/Paris') // Date.parse('2026-11-30T23:30:00Z')
 */
export function wallTimeIn(date: string, time: string, timeZone: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a date: ${date}`);
  if (!/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$/.test(time)) throw new RangeError(`not a time: ${time}`);
  const wallAsUtc = Date.parse(`${date}T${time}Z`);
  // As in dayStartIn: the offset asked twice, since it may change between the two guesses.
  return wallAsUtc - offsetMs(wallAsUtc - offsetMs(wallAsUtc, timeZone), timeZone);
}

/**
 * The month `months` after `month` (before when negative).
 * @example nextMonth('2026-01', -1) // '2025-12'
 */
export function nextMonth(month: string, months: number): string {
  if (!isCalendarMonth(month)) throw new RangeError(`not a month: ${month}`);
  const [year = 0, m = 1] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + months;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}
