import { describe, expect, it } from 'vitest';
import { instantBoundMs, listRange, MAX_REPORT_DAYS, reportRange } from '../../src/domain/date-range';

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

describe('listRange', () => {
  it('filters nothing without bounds, and caps nothing without `from`', () => {
    expect(listRange({}, NOW)).toEqual({ ok: true, range: { fromMs: undefined, toMs: undefined } });
    expect(listRange({ to: '2001-01-01' }, NOW)).toEqual({
      ok: true,
      range: { fromMs: undefined, toMs: Date.parse('2001-01-01T23:59:59.999Z') },
    });
  });

  it('takes up to a year and a day of whole days', () => {
    expect(listRange({ from: '2025-01-01', to: '2026-01-01' }, NOW)).toEqual({
      ok: true,
      range: { fromMs: Date.parse('2025-01-01T00:00:00Z'), toMs: Date.parse('2026-01-01T23:59:59.999Z') },
    });
  });

  it('refuses more, naming `from`', () => {
    const refused = listRange({ from: '2025-01-01', to: '2026-01-02' }, NOW);
    expect(refused).toMatchObject({ ok: false, details: [{ path: ['from'], message: 'range too long' }] });
  });

  it('counts to now when `to` is absent', () => {
    expect(listRange({ from: '2025-11-25' }, NOW).ok).toBe(true);
    expect(listRange({ from: '2025-11-24' }, NOW)).toMatchObject({ ok: false, details: [{ path: ['from'] }] });
    // A `from` still to come spans nothing yet.
    expect(listRange({ from: '2031-03-10' }, NOW).ok).toBe(true);
  });

  it('refuses a range that ends before it starts', () => {
    expect(listRange({ from: '2026-02-01', to: '2026-01-01' }, NOW)).toMatchObject({
      ok: false,
      details: [{ path: ['from'], message: 'after to' }],
    });
  });
});
