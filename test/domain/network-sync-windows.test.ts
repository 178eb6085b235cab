import { describe, expect, it } from 'vitest';
import {
  cursorAfter,
  OVERLAP_MS,
  retryAfterAt,
  scheduledRange,
  syncWindows,
  wallClockUtc,
} from '../../src/domain/networks/sync-windows';

const at = (iso: string) => new Date(iso);
const span = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];

describe('syncWindows', () => {
  it('cuts 60 days into 31 days and 29', () => {
    expect(syncWindows(at('2026-10-01T00:00:00Z'), at('2026-11-30T00:00:00Z')).map(span)).toEqual([
      ['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
      ['2026-11-01T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ]);
  });

  it('keeps a range of 31 days whole, and gives nothing for an empty one', () => {
    expect(syncWindows(at('2026-11-01T00:00:00Z'), at('2026-12-02T00:00:00Z'))).toHaveLength(1);
    expect(syncWindows(at('2026-11-01T00:00:00Z'), at('2026-11-01T00:00:00Z'))).toEqual([]);
  });

  it('honours a shorter bound', () => {
    expect(syncWindows(at('2026-11-01T00:00:00Z'), at('2026-11-08T00:00:00Z'), 3)).toHaveLength(3);
  });
});

describe('scheduledRange and cursorAfter', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('reads 31 days back the first time, and from a week before the cursor afterwards', () => {
    expect(span(scheduledRange(null, now))).toEqual(['2026-10-30T12:00:00.000Z', '2026-11-30T12:00:00.000Z']);
    const cursor = at('2026-11-30T11:00:00Z');
    expect(scheduledRange(cursor, now).from.getTime()).toBe(cursor.getTime() - OVERLAP_MS);
  });

  it('moves the cursor to the end of a window read in full, never over a gap nor backwards', () => {
    const cursor = at('2026-11-10T00:00:00Z');
    const window = (from: string, to: string) => ({ from: at(from), to: at(to) });
    expect(cursorAfter(null, window('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'), now)).toEqual(
      at('2026-11-01T00:00:00Z'),
    );
    expect(cursorAfter(cursor, window('2026-11-03T00:00:00Z', '2026-11-20T00:00:00Z'), now)).toEqual(
      at('2026-11-20T00:00:00Z'),
    );
    expect(cursorAfter(cursor, window('2026-11-12T00:00:00Z', '2026-11-20T00:00:00Z'), now)).toEqual(cursor);
    expect(cursorAfter(cursor, window('2026-10-01T00:00:00Z', '2026-10-20T00:00:00Z'), now)).toEqual(cursor);
  });

  it('keeps the cursor at now when a window ends later, and reads the week before now past a later cursor', () => {
    const window = { from: at('2026-11-20T00:00:00Z'), to: at('2026-12-20T00:00:00Z') };
    expect(cursorAfter(null, window, now)).toEqual(new Date(now));
    expect(span(scheduledRange(at('2026-12-20T00:00:00Z'), now))).toEqual([
      '2026-11-23T12:00:00.000Z',
      '2026-11-30T12:00:00.000Z',
    ]);
  });
});

describe('retryAfterAt', () => {
  it('reads seconds and HTTP dates, between a minute and a day', () => {
    expect(retryAfterAt('120', 0)).toBe(120_000);
    expect(retryAfterAt('Mon, 30 Nov 2026 12:05:00 GMT', Date.parse('2026-11-30T12:00:00Z'))).toBe(
      Date.parse('2026-11-30T12:05:00Z'),
    );
    expect(retryAfterAt(null, 0)).toBe(60_000);
    expect(retryAfterAt('1', 0)).toBe(60_000);
    expect(retryAfterAt('999999', 0)).toBe(24 * 3_600_000);
  });
});

it('writes instants as Awin reads them', () => {
  expect(wallClockUtc(at('2026-11-01T00:00:00Z'))).toBe('2026-11-01T00:00:00');
});
