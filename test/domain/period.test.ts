import { describe, expect, it } from 'vitest';
import { aggregatedUntil, isHourly, liveWindowOf, periodOf, quickRange } from '../../src/domain/period';

const NOW = Date.parse('2026-11-25T08:00:00Z');

describe('periodOf', () => {
  it('shows the last 30 days, today included, and compares them with the 30 before', () => {
    expect(periodOf({}, NOW, 'UTC')).toEqual({
      ok: true,
      period: { from: '2026-10-27', to: '2026-11-25', days: 30, previous: { from: '2026-09-27', to: '2026-10-26' } },
    });
  });

  it("counts today in the programme's zone", () => {
    // 00:30 on 1 December in Paris, still 30 November in UTC.
    const parisMidnight = Date.parse('2026-11-30T23:30:00Z');
    expect(periodOf({}, parisMidnight, 'Europe/Paris')).toMatchObject({ period: { to: '2026-12-01' } });
    expect(periodOf({}, parisMidnight, 'UTC')).toMatchObject({ period: { to: '2026-11-30' } });
  });

  it('compares a single day with the day before, across a month end', () => {
    expect(periodOf({ from: '2026-03-01', to: '2026-03-01' }, NOW, 'UTC')).toMatchObject({
      period: { days: 1, previous: { from: '2026-02-28', to: '2026-02-28' } },
    });
  });

  it('refuses what cannot be shown, naming the field', () => {
    expect(periodOf({ to: '2026-11-26' }, NOW, 'UTC')).toMatchObject({ ok: false, details: [{ path: ['to'] }] });
    expect(periodOf({ from: '2026-11-20', to: '2026-11-10' }, NOW, 'UTC')).toMatchObject({
      ok: false,
      details: [{ path: ['from'] }],
    });
    expect(periodOf({ from: '2026-02-29' }, NOW, 'UTC')).toMatchObject({ ok: false, details: [{ path: ['from'] }] });
    expect(periodOf({ from: '2025-11-24' }, NOW, 'UTC')).toMatchObject({
      ok: false,
      message: 'A report covers at most 366 days.',
    });
    expect(periodOf({ from: '2025-11-25' }, NOW, 'UTC')).toMatchObject({ ok: true, period: { days: 366 } });
  });
});

describe('quick ranges and steps', () => {
  it('end today', () => {
    expect(quickRange('today', '2026-11-25')).toEqual({ from: '2026-11-25', to: '2026-11-25' });
    expect(quickRange('7d', '2026-11-25')).toEqual({ from: '2026-11-19', to: '2026-11-25' });
    expect(quickRange('90d', '2026-11-25')).toEqual({ from: '2026-08-28', to: '2026-11-25' });
  });

  it('draw 48 hours or less hour by hour', () => {
    expect([1, 2, 3].map((days) => isHourly({ days }))).toEqual([true, true, false]);
  });
});

describe('liveWindowOf', () => {
  it('spans yesterday and today when the range reaches today', () => {
    expect(liveWindowOf({ from: '2026-11-01', to: '2026-11-25' }, NOW, 'UTC')).toEqual({
      startMs: Date.parse('2026-11-24T00:00:00Z'),
      endMs: Date.parse('2026-11-26T00:00:00Z'),
      todayStartMs: Date.parse('2026-11-25T00:00:00Z'),
      today: '2026-11-25',
      yesterday: '2026-11-24',
    });
  });

  it("follows the programme's days, 25 hours long when the clocks go back", () => {
    const morning = Date.parse('2026-10-26T08:00:00Z');
    expect(liveWindowOf({ from: '2026-10-25', to: '2026-10-26' }, morning, 'Europe/Paris')).toMatchObject({
      startMs: Date.parse('2026-10-24T22:00:00Z'),
      todayStartMs: Date.parse('2026-10-25T23:00:00Z'),
      endMs: Date.parse('2026-10-26T23:00:00Z'),
    });
  });

  it('keeps to the range, and is nothing when the range ends before yesterday', () => {
    expect(liveWindowOf({ from: '2026-11-25', to: '2026-11-25' }, NOW, 'UTC')).toMatchObject({
      startMs: Date.parse('2026-11-25T00:00:00Z'),
    });
    expect(liveWindowOf({ from: '2026-11-01', to: '2026-11-24' }, NOW, 'UTC')).toMatchObject({
      endMs: Date.parse('2026-11-25T00:00:00Z'),
    });
    expect(liveWindowOf({ from: '2026-11-01', to: '2026-11-23' }, NOW, 'UTC')).toBeNull();
  });

  it('leaves the days before today to the aggregates', () => {
    expect(aggregatedUntil({ from: '2026-11-01', to: '2026-11-25' }, '2026-11-25')).toBe('2026-11-24');
    expect(aggregatedUntil({ from: '2026-11-01', to: '2026-11-20' }, '2026-11-25')).toBe('2026-11-20');
  });
});
