import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  nextStep,
  parseRetryAfterMs,
  RETRY_SCHEDULE_MS,
  retryDelayMs,
} from '../../src/domain/backoff';

const mid = () => 0.5;

describe('retryDelayMs', () => {
  it('follows the Standard Webhooks schedule', () => {
    const delays = RETRY_SCHEDULE_MS.map((_, i) => retryDelayMs(i + 1, mid));
    expect(delays).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000,
    ]);
    expect(MAX_ATTEMPTS).toBe(10);
  });

  it('gives up once the schedule is spent', () => {
    expect(retryDelayMs(10, mid)).toBeNull();
    expect(retryDelayMs(0, mid)).toBeNull();
  });

  it('jitters by at most 10% either way', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const base = RETRY_SCHEDULE_MS[n - 1] as number;
        const d = retryDelayMs(n, () => r) as number;
        return d >= Math.floor(base * 0.9) && d <= Math.ceil(base * 1.1);
      }),
    );
    expect(retryDelayMs(1, () => 0)).toBe(4_500);
    expect(retryDelayMs(1, () => 0.999999)).toBe(5_500);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('120', 0)).toBe(120_000);
    const now = Date.parse('2026-10-21T07:27:00Z');
    expect(parseRetryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', now)).toBe(60_000);
  });

  it('ignores what it cannot read and bounds what it can', () => {
    expect(parseRetryAfterMs(null, 0)).toBeNull();
    expect(parseRetryAfterMs('soon', 0)).toBeNull();
    expect(parseRetryAfterMs('-5', 0)).toBeNull();
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2026-01-01'))).toBe(0);
    expect(parseRetryAfterMs('999999999', 0)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('nextStep', () => {
  const now = 1_000_000;

  it.each([200, 202, 204, 299])('delivers on %i', (statusCode) => {
    expect(nextStep(1, { statusCode }, now, mid)).toEqual({ status: 'delivered', nextAttemptAt: null });
  });

  it('stops for good on 410 Gone', () => {
    expect(nextStep(1, { statusCode: 410 }, now, mid)).toEqual({
      status: 'failed',
      nextAttemptAt: null,
      reason: 'gone',
    });
  });

  it.each([301, 302, 307, 400, 404, 500, 502, null])('retries on %s', (statusCode) => {
    expect(nextStep(2, { statusCode }, now, mid)).toEqual({ status: 'pending', nextAttemptAt: now + 300_000 });
  });

  it('waits what a 429 or 503 Retry-After asks when longer than the schedule', () => {
    expect(nextStep(1, { statusCode: 429, retryAfter: '3600' }, now, mid)).toEqual({
      status: 'pending',
      nextAttemptAt: now + 3_600_000,
    });
    expect(nextStep(1, { statusCode: 503, retryAfter: '60' }, now, mid)).toEqual({
      status: 'pending',
      nextAttemptAt: now + 60_000,
    });
    expect(nextStep(1, { statusCode: 503, retryAfter: '1' }, now, mid)).toEqual({
      status: 'pending',
      nextAttemptAt: now + 5_000,
    });
  });

  it('ignores Retry-After on other statuses', () => {
    expect(nextStep(1, { statusCode: 500, retryAfter: '3600' }, now, mid).nextAttemptAt).toBe(now + 5_000);
  });

  it('fails after the tenth attempt', () => {
    expect(nextStep(9, { statusCode: 500 }, now, mid).status).toBe('pending');
    expect(nextStep(10, { statusCode: 500 }, now, mid)).toEqual({
      status: 'failed',
      nextAttemptAt: null,
      reason: 'exhausted',
    });
  });
});
