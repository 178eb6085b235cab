import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FailureThrottle } from '../../src/isolate/failure-throttle';
import { limiterOf } from '../../src/isolate/rate-limit';
import { type LeaseSource, type Limit, TokenLeases } from '../../src/isolate/token-leases';
import { newTxn } from './client';

const LIMIT: Limit = { ratePerSec: 0.5, burst: 10 };

/** The real RateLimiter objects, with the calls made to them counted. */
function countedObjects() {
  const calls = { count: 0 };
  const source: LeaseSource = (bucket, limit, max) => {
    calls.count++;
    return limiterOf(env, bucket).lease(limit.ratePerSec, limit.burst, max);
  };
  return { calls, source };
}

describe('FailureThrottle', () => {
  // The clock stands still unless a test moves it, so that no bucket refills by itself.
  beforeEach(() => vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('lets an address fail its burst, then makes it wait for the next token, answering from memory', async () => {
    const { calls, source } = countedObjects();
    const throttle = new FailureThrottle(new TokenLeases(source));
    const bucket = `pb:fail:test-${newTxn()}`;
    for (let i = 0; i < LIMIT.burst; i++) {
      const attempt = throttle.admit(bucket, LIMIT);
      expect(attempt.admitted).toBe(true);
      if (attempt.admitted) {
        await throttle.recordFailure(bucket, LIMIT);
        attempt.settle();
      }
    }
    const asked = calls.count;
    expect(throttle.admit(bucket, LIMIT)).toEqual({ admitted: false, waitMs: 2_000 });
    expect(calls.count).toBe(asked);
    vi.advanceTimersByTime(2_000);
    expect(throttle.admit(bucket, LIMIT).admitted).toBe(true);
  });

  it('learns from the object the failures other isolates counted', async () => {
    const bucket = `pb:fail:test-${newTxn()}`;
    const elsewhere = new FailureThrottle(new TokenLeases(countedObjects().source));
    for (let i = 0; i < LIMIT.burst; i++) await elsewhere.recordFailure(bucket, LIMIT);
    const here = new FailureThrottle(new TokenLeases(countedObjects().source));
    expect(here.admit(bucket, LIMIT).admitted).toBe(true);
    await here.recordFailure(bucket, LIMIT);
    expect(here.admit(bucket, LIMIT)).toEqual({ admitted: false, waitMs: 2_000 });
  });

  it('still refuses from its own count when the object cannot be reached', async () => {
    const throttle = new FailureThrottle(new TokenLeases(() => Promise.reject(new Error('RateLimiter unreachable'))));
    const bucket = `pb:fail:test-${newTxn()}`;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (let i = 0; i < LIMIT.burst; i++) await throttle.recordFailure(bucket, LIMIT);
    expect(throttle.admit(bucket, LIMIT)).toEqual({ admitted: false, waitMs: 2_000 });
    vi.restoreAllMocks();
  });

  it('holds an address that failed to as many attempts under way as tokens left', async () => {
    const throttle = new FailureThrottle(new TokenLeases(countedObjects().source));
    const bucket = `pb:fail:test-${newTxn()}`;
    for (let i = 0; i < LIMIT.burst - 2; i++) await throttle.recordFailure(bucket, LIMIT);
    const first = throttle.admit(bucket, LIMIT);
    const second = throttle.admit(bucket, LIMIT);
    expect([first.admitted, second.admitted]).toEqual([true, true]);
    expect(throttle.admit(bucket, LIMIT)).toEqual({ admitted: false, waitMs: 2_000 });
    if (first.admitted) first.settle();
    expect(throttle.admit(bucket, LIMIT).admitted).toBe(true);
  });

  it('never holds back an address that has not failed, however many attempts it has under way', () => {
    const throttle = new FailureThrottle(new TokenLeases(countedObjects().source));
    const bucket = `pb:fail:test-${newTxn()}`;
    const attempts = Array.from({ length: LIMIT.burst * 3 }, () => throttle.admit(bucket, LIMIT));
    expect(attempts.every((a) => a.admitted)).toBe(true);
  });
});
