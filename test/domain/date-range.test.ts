import { describe, expect, it } from 'vitest';
import { instantBoundMs, listRange, MAX_REPORT_DAYS, reportRange } from '../../src/domain/date-range';

const NOW = Date.parse('2026-11-25T08:00:00Z');

describe('reportRange', () => {
  it('covers the 30 days up to yesterday by default', () => {
    expect(reportRange({}, NOW, 'UTC')).toEqual({ ok: true, range: { from: '2026-10-26', to: '2026-11-24' } });
  });

  it("ends by default on yesterday of the programme's zone", () => {
    // 00:30 on 1 December in Paris, still 30 November in UTC.
    const parisMidnight = Date.parse('2026-11-30T23:30:00Z');
    expect(reportRange({}, parisMidnight, 'Europe/Paris')).toEqual({
      ok: true,
      range: { from: '2026-11-01', to: '2026-11-30' },
    });
    expect(reportRange({}, parisMidnight, 'UTC')).toEqual({
      ok: true,
      range: { from: '2026-10-31', to: '2026-11-29' },
    });
  });

  it('counts the default start from the end asked for', () => {
    expect(reportRange({ to: '2026-03-01' }, NOW, 'UTC')).toEqual({
      ok: true,
      range: { from: '2026-01-31', to: '2026-03-01' },
    });
    expect(reportRange({ from: '2026-11-01' }, NOW, 'UTC')).toEqual({
      ok: true,
      range: { from: '2026-11-01', to: '2026-11-24' },
    });
  });

  it('takes a single day, and a range of the longest length', () => {
    expect(reportRange({ from: '2026-11-24', to: '2026-11-24' }, NOW, 'UTC').ok).toBe(true);
    expect(reportRange({ from: '2024-01-01', to: '2024-12-31' }, NOW, 'UTC').ok).toBe(true);
  });

  it('refuses a date that is not on the calendar', () => {
    expect(reportRange({ from: '2026-02-30', to: '2026-03-02' }, NOW, 'UTC')).toEqual({
      ok: false,
      message: '`from` is not a calendar date.',
      details: [{ path: ['from'], message: 'not a date' }],
    });
  });

  it('refuses a start after the end', () => {
    expect(reportRange({ from: '2026-11-24', to: '2026-11-23' }, NOW, 'UTC')).toEqual({
      ok: false,
      message: '`from` must not be after `to`.',
      details: [{ path: ['from'], message: 'after to' }],
    });
  });

  it('refuses more than a year and a day', () => {
    expect(reportRange({ from: '2025-01-01', to: '2026-01-02' }, NOW, 'UTC')).toEqual({
      ok: false,
      message: `A report covers at most ${MAX_REPORT_DAYS} days.`,
      details: [{ path: ['from'], message: 'range too long' }],
    });
  });
});

describe('instantBoundMs', () => {
  it('has no bound without a value', () => {
    expect(instantBoundMs(undefined, false, 'UTC')).toBeUndefined();
    expect(instantBoundMs('', true, 'UTC')).toBeUndefined();
  });

  it('reads a date as its first millisecond from below and its last from above', () => {
    expect(instantBoundMs('2026-11-24', false, 'UTC')).toBe(Date.parse('2026-11-24T00:00:00Z'));
    expect(instantBoundMs('2026-11-24', true, 'UTC')).toBe(Date.parse('2026-11-24T23:59:59.999Z'));
  });

  it("reads a date as the bounds of that day in the programme's zone, 23 or 25 hours long", () => {
    expect(instantBoundMs('2026-12-01', false, 'Europe/Paris')).toBe(Date.parse('2026-11-30T23:00:00Z'));
    expect(instantBoundMs('2026-12-01', true, 'Europe/Paris')).toBe(Date.parse('2026-12-01T22:59:59.999Z'));
    expect(instantBoundMs('2026-03-29', false, 'Europe/Paris')).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(instantBoundMs('2026-03-29', true, 'Europe/Paris')).toBe(Date.parse('2026-03-29T21:59:59.999Z'));
    expect(instantBoundMs('2026-10-25', false, 'Europe/Paris')).toBe(Date.parse('2026-10-24T22:00:00Z'));
    expect(instantBoundMs('2026-10-25', true, 'Europe/Paris')).toBe(Date.parse('2026-10-25T22:59:59.999Z'));
    expect(instantBoundMs('2026-11-24T10:00:00Z', true, 'Europe/Paris')).toBe(Date.parse('2026-11-24T10:00:00Z'));
  });

  it('reads an instant as itself either way', () => {
    expect(instantBoundMs('2026-11-24T10:00:00+01:00', false, 'UTC')).toBe(Date.parse('2026-11-24T09:00:00Z'));
    expect(instantBoundMs('2026-11-24T10:00:00Z', true, 'UTC')).toBe(Date.parse('2026-11-24T10:00:00Z'));
  });
});

describe('listRange', () => {
  it('filters nothing without bounds, and caps nothing without `from`', () => {
    expect(listRange({}, NOW, 'UTC')).toEqual({ ok: true, range: { fromMs: undefined, toMs: undefined } });
    expect(listRange({ to: '2001-01-01' }, NOW, 'UTC')).toEqual({
      ok: true,
      range: { fromMs: undefined, toMs: Date.parse('2001-01-01T23:59:59.999Z') },
    });
  });

  it('takes up to a year and a day of whole days', () => {
    expect(listRange({ from: '2025-01-01', to: '2026-01-01' }, NOW, 'UTC')).toEqual({
      ok: true,
      range: { fromMs: Date.parse('2025-01-01T00:00:00Z'), toMs: Date.parse('2026-01-01T23:59:59.999Z') },
    });
  });

  it('takes a year and a day of whole days in a zone whatever changes of the clocks it holds', () => {
    // Two autumn days of 25 hours against one spring day of 23: 366 days and an hour.
    expect(listRange({ from: '2025-10-26', to: '2026-10-26' }, NOW, 'Europe/Paris').ok).toBe(true);
    expect(listRange({ from: '2025-10-26', to: '2026-10-27' }, NOW, 'Europe/Paris')).toMatchObject({
      ok: false,
      details: [{ path: ['from'], message: 'range too long' }],
    });
    // Two spring days of 23 hours against one autumn day of 25: 366 days less an hour.
    expect(listRange({ from: '2025-03-30', to: '2026-03-30' }, NOW, 'Europe/Paris').ok).toBe(true);
    expect(listRange({ from: '2025-03-30', to: '2026-03-31' }, NOW, 'Europe/Paris').ok).toBe(false);
  });

  it('refuses more, naming `from`', () => {
    const refused = listRange({ from: '2025-01-01', to: '2026-01-02' }, NOW, 'UTC');
    expect(refused).toMatchObject({ ok: false, details: [{ path: ['from'], message: 'range too long' }] });
  });

  it('counts to now when `to` is absent', () => {
    expect(listRange({ from: '2025-11-25' }, NOW, 'UTC').ok).toBe(true);
    expect(listRange({ from: '2025-11-24' }, NOW, 'UTC')).toMatchObject({ ok: false, details: [{ path: ['from'] }] });
    // A `from` still to come spans nothing yet.
    expect(listRange({ from: '2031-03-10' }, NOW, 'UTC').ok).toBe(true);
  });

  it('refuses a range that ends before it starts', () => {
    expect(listRange({ from: '2026-02-01', to: '2026-01-01' }, NOW, 'UTC')).toMatchObject({
      ok: false,
      details: [{ path: ['from'], message: 'after to' }],
    });
  });
});
