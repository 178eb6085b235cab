import { describe, expect, it } from 'vitest';
import { cutoffsAt, WEBHOOK_RECEIPT_MIN_DAYS } from '../../src/domain/housekeeping';

const NOW = Date.parse('2026-12-06T08:00:00Z');
const DAY = 86_400_000;

describe('cutoffsAt', () => {
  it('gives each kind of row its retention', () => {
    expect(cutoffsAt(NOW, 30, 'UTC')).toEqual({
      logBeforeMs: NOW - 30 * DAY,
      failureIdBefore: `pbf_${String(Math.floor((NOW - 30 * DAY) / 60_000)).padStart(9, '0')}`,
      receiptBeforeMs: NOW - 30 * DAY,
      sessionExpiredByMs: NOW,
      tokenDoneBeforeMs: NOW - DAY,
      orphanBeforeDate: '2025-11-01',
      linkCheckBeforeDate: '2026-09-07',
    });
  });

  it('keeps webhook receipts at least a week, whatever the log retention', () => {
    expect(WEBHOOK_RECEIPT_MIN_DAYS).toBe(7);
    expect(cutoffsAt(NOW, 2, 'UTC').receiptBeforeMs).toBe(NOW - 7 * DAY);
    expect(cutoffsAt(NOW, 90, 'UTC').receiptBeforeMs).toBe(NOW - 90 * DAY);
  });

  it("counts dates in the programme's time zone", () => {
    const lateEvening = Date.parse('2026-12-05T23:30:00Z');
    expect(cutoffsAt(lateEvening, 30, 'UTC').orphanBeforeDate).toBe('2025-10-31');
    expect(cutoffsAt(lateEvening, 30, 'Europe/Paris').orphanBeforeDate).toBe('2025-11-01');
  });
});
