// The time a partner says a conversion happened: ISO 8601, unix seconds or unix milliseconds, from 2000 to 2100.

const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

/**
 * A time from ISO 8601 (a zone-less time is UTC; a space may replace the `T`), unix seconds or
 * unix milliseconds (told apart by size); undefined for `now`, null when unreadable or outside 2000-2100.
 */
export function parseOccurredAt(value: unknown): Date | undefined | null {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*[0-9]+(\.[0-9]+)?\s*$/.test(value))) {
    const n = Number(value);
    // 1e11 seconds is the year 5138, 1e11 milliseconds is 1973: the two ranges never overlap in use.
    ms = n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  } else if (typeof value === 'string') {
    const textValue = value.trim();
    if (textValue.toLowerCase() === 'now') return undefined;
    const iso =
      /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?\s?(?:(Z)|([+-]\d{2})(?::?(\d{2}))?)?)?$/i.exec(
        textValue,
      );
    if (!iso) return null;
    const [, date, time, fraction, , offsetHours, offsetMinutes] = iso;
    const isUtc = offsetHours === undefined;
    const offset = isUtc ? 'Z' : `${offsetHours}:${offsetMinutes ?? '00'}`;
    const millis = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
    ms = Date.parse(`${date}T${time ?? '00:00:00'}${millis}${offset}`);
    // Date.parse rolls 2026-02-30 over to March; a date that does not exist is refused instead.
    if (!Number.isNaN(ms) && isUtc && new Date(ms).toISOString().slice(0, 10) !== date) return null;
  } else {
    return null;
  }
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms >= LATEST_MS) return null;
  return new Date(ms);
}
