import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dateIn,
  datesBetween,
  dayRangeIn,
  dayStartIn,
  isCalendarDate,
  isCalendarMonth,
  isTimeZone,
  monthIn,
  monthRangeIn,
  nextDate,
  nextMonth,
  timeZoneOf,
  wallClockIn,
  wallTimeIn,
} from '../../src/domain/calendar';

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('the programme calendar', () => {
  it('puts a sale at 00:30 in Paris on the 1st in the new day and month', () => {
    const sale = at('2026-11-30T23:30:00Z');
    expect(dateIn(sale, 'Europe/Paris')).toBe('2026-12-01');
    expect(monthIn(sale, 'Europe/Paris')).toBe('2026-12');
    expect(dateIn(sale, 'UTC')).toBe('2026-11-30');
  });

  it('spans a Paris day from its midnight to the next one', () => {
    expect(dayRangeIn('2026-12-01', 'Europe/Paris')).toEqual({
      startMs: at('2026-11-30T23:00:00Z'),
      endMs: at('2026-12-01T23:00:00Z'),
    });
    expect(dayRangeIn('2026-07-14', 'Europe/Paris').startMs).toBe(at('2026-07-13T22:00:00Z'));
  });

  it('makes the spring change a day of 23 hours and the autumn one a day of 25', () => {
    const spring = dayRangeIn('2026-03-29', 'Europe/Paris');
    const autumn = dayRangeIn('2026-10-25', 'Europe/Paris');
    expect(spring.endMs - spring.startMs).toBe(23 * HOUR);
    expect(autumn.endMs - autumn.startMs).toBe(25 * HOUR);
    expect(dateIn(at('2026-10-25T22:59:59Z'), 'Europe/Paris')).toBe('2026-10-25');
  });

  it('starts a day whose midnight the clocks skip when they land on it', () => {
    // Chile moves to summer time at midnight: 2026-09-06 begins at 01:00 local (-03).
    expect(dayStartIn('2026-09-06', 'America/Santiago')).toBe(at('2026-09-06T04:00:00Z'));
    const day = dayRangeIn('2026-09-06', 'America/Santiago');
    expect(day.endMs - day.startMs).toBe(23 * HOUR);
  });

  it('spans a UTC day from its midnight to the next, 24 hours', () => {
    expect(dayRangeIn('2026-11-24', 'UTC')).toEqual({ startMs: 1_795_478_400_000, endMs: 1_795_564_800_000 });
    expect(dateIn(at('2026-11-24T23:59:59.999Z'), 'UTC')).toBe('2026-11-24');
    expect(dateIn(at('2026-11-25T00:00:00+01:00'), 'UTC')).toBe('2026-11-24');
  });

  it('reads a wall-clock time of a zone as the instant it names', () => {
    expect(wallTimeIn('2026-12-01', '00:30', 'Europe/Paris')).toBe(at('2026-11-30T23:30:00Z'));
    expect(wallTimeIn('2026-07-14', '10:00:00.250', 'Europe/Paris')).toBe(at('2026-07-14T08:00:00.250Z'));
    expect(wallTimeIn('2026-11-24', '10:30:00', 'UTC')).toBe(at('2026-11-24T10:30:00Z'));
    // 02:30 does not exist on the spring day: the clocks jump from 02:00 to 03:00.
    expect(wallTimeIn('2026-03-29', '02:30', 'Europe/Paris')).toBe(at('2026-03-29T01:30:00Z'));
    // 02:30 comes twice on the autumn day, at 00:30 and 01:30 UTC.
    expect([at('2026-10-25T00:30:00Z'), at('2026-10-25T01:30:00Z')]).toContain(
      wallTimeIn('2026-10-25', '02:30', 'Europe/Paris'),
    );
    expect(() => wallTimeIn('2026-11-24', '24:00', 'UTC')).toThrow(RangeError);
    expect(() => wallTimeIn('2026-02-30', '10:00', 'UTC')).toThrow(RangeError);
  });

  it('shows an instant as the wall clock of a zone, which reads back as the same instant', () => {
    expect(wallClockIn(at('2026-11-30T23:30:00Z'), 'Europe/Paris')).toBe('2026-12-01T00:30:00');
    expect(wallClockIn(at('2026-07-14T08:00:05.750Z'), 'Europe/Paris')).toBe('2026-07-14T10:00:05');
    expect(wallClockIn(at('2026-11-24T00:00:00Z'), 'UTC')).toBe('2026-11-24T00:00:00');
    fc.assert(
      fc.property(fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2099-12-31T00:00:00Z') }), (ms) => {
        const whole = ms - (ms % 1000);
        const [date = '', time = ''] = wallClockIn(ms, 'Europe/Paris').split('T');
        // An instant of the hour the clocks repeat may read back as its twin an hour away.
        expect([whole, whole - HOUR, whole + HOUR]).toContain(wallTimeIn(date, time, 'Europe/Paris'));
      }),
    );
  });

  it('spans a month from its first day to the first of the next', () => {
    expect(monthRangeIn('2026-12', 'Europe/Paris')).toEqual({
      startMs: at('2026-11-30T23:00:00Z'),
      endMs: at('2026-12-31T23:00:00Z'),
    });
    expect(monthRangeIn('2026-02', 'UTC')).toEqual({
      startMs: at('2026-02-01T00:00:00Z'),
      endMs: at('2026-03-01T00:00:00Z'),
    });
  });

  it('counts dates and months on the calendar, zones playing no part', () => {
    expect(nextDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(nextDate('2028-02-28', 1)).toBe('2028-02-29');
    expect(nextDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(datesBetween('2026-12-30', '2027-01-01')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
    expect(datesBetween('2026-03-28', '2026-03-30')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(datesBetween('2026-01-02', '2026-01-01')).toEqual([]);
    expect(nextMonth('2026-01', -1)).toBe('2025-12');
    expect(nextMonth('2026-12', 1)).toBe('2027-01');
    expect(nextMonth('2026-05', 14)).toBe('2027-07');
  });

  it('tells calendar dates, months and zones from anything else', () => {
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-2-1')).toBe(false);
    expect(isCalendarMonth('2026-13')).toBe(false);
    expect(isCalendarMonth('2026-12')).toBe(true);
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Europe/Pariss')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(() => dayRangeIn('2026-02-30', 'UTC')).toThrow(RangeError);
    expect(() => dayRangeIn('24/11/2026', 'UTC')).toThrow(RangeError);
  });

  it('reads the setting as UTC when unset and refuses a zone it does not know', () => {
    expect(timeZoneOf(undefined)).toBe('UTC');
    expect(timeZoneOf('  ')).toBe('UTC');
    expect(timeZoneOf('Europe/Paris')).toBe('Europe/Paris');
    expect(() => timeZoneOf('Mars/Olympus')).toThrow(RangeError);
  });

  it('places every instant inside the day it belongs to, in every zone', () => {
    const zones = [
      'UTC',
      'Europe/Paris',
      'America/Santiago',
      'America/Los_Angeles',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-12-31T00:00:00Z') }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const date = dateIn(ms, zone);
          const { startMs, endMs } = dayRangeIn(date, zone);
          expect(startMs).toBeLessThanOrEqual(ms);
          expect(ms).toBeLessThan(endMs);
          expect(dateIn(startMs, zone)).toBe(date);
          expect(dateIn(endMs, zone)).toBe(nextDate(date, 1));
          const month = monthRangeIn(monthIn(ms, zone), zone);
          expect(month.startMs).toBeLessThanOrEqual(ms);
          expect(ms).toBeLessThan(month.endMs);
        },
      ),
      { numRuns: 500 },
    );
  });
});
