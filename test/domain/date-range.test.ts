import { describe, expect, it } from 'vitest';
import { instantBoundMs, MAX_REPORT_DAYS, reportRange } from '../../src/domain/date-range';

const NOW = Date.parse('2026-11-25T08:00:00Z');

describe('reportRange', () => {
  it('covers the 30 days up to yesterday by default', () => {
    expect(reportRange({}, NOW)).toEqual({ ok: true, range: { from: '2026-10-26', to: '2026-11-24' } });
  });

  it('counts the default start from the end asked for', () => {
    expect(reportRange({ to: '2026-03-01' }, NOW)).toEqual({
      ok: true,
      range: { from: '2026-01-31', to: '2026-03-01' },
    });
    expect(reportRange({ from: '2026-11-01' }, NOW)).toEqual({
      ok: true,
      range: { from: '2026-11-01', to: '2026-11-24' },
    });
  });

  it('takes a single day, and a range of the longest length', () => {
    expect(reportRange({ from: '2026-11-24', to: '2026-11-24' }, NOW).ok).toBe(true);
    expect(reportRange({ from: '2024-01-01', to: '2024-12-31' }, NOW).ok).toBe(true);
  });

  it('refuses a date that is not on the calendar', () => {
    expect(reportRange({ from: '2026-02-30', to: '2026-03-02' }, NOW)).toEqual({
      ok: false,
      message: '`from` is not a calendar date.',
      details: [{ path: ['from'], message: 'not a date' }],
    });
  });

  it('refuses a start after the end', () => {
    expect(reportRange({ from: '2026-11-24', to: '2026-11-23' }, NOW)).toEqual({
      ok: false,
      message: '`from` must not be after `to`.',
      details: [{ path: ['from'], message: 'after to' }],
    });
  });

  it('refuses more than a year and a day', () => {
    expect(reportRange({ from: '2025-01-01', to: '2026-01-02' }, NOW)).toEqual({
      ok: false,
      message: `A report covers at most ${MAX_REPORT_DAYS} days.`,
      details: [{ path: ['from'], message: 'range too long' }],
    });
  });
});

describe('instantBoundMs', () => {
  it('has no bound without a value', () => {
    expect(instantBoundMs(undefined, false)).toBeUndefined();
    expect(instantBoundMs('', true)).toBeUndefined();
  });

  it('reads a date as its first millisecond from below and its last from above', () => {
    expect(instantBoundMs('2026-11-24', false)).toBe(Date.parse('2026-11-24T00:00:00Z'));
    expect(instantBoundMs('2026-11-24', true)).toBe(Date.parse('2026-11-24T23:59:59.999Z'));
  });

  it('reads an instant as itself either way', () => {
    expect(instantBoundMs('2026-11-24T10:00:00+01:00', false)).toBe(Date.parse('2026-11-24T09:00:00Z'));
    expect(instantBoundMs('2026-11-24T10:00:00Z', true)).toBe(Date.parse('2026-11-24T10:00:00Z'));
  });
});
