import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { limiterOf } from '../../src/isolate/rate-limit';
import { LEASE_TTL_MS, type LeaseSource, type Limit, leaseCap, TokenLeases } from '../../src/isolate/token-leases';
import { newTxn } from './client';

const LIMIT: Limit = { ratePerSec: 100, burst: 200 };

/** The real RateLimiter objects, with the calls made to them counted. */
function countedObjects() {
  const calls = { count: 0 };
  const source: LeaseSource = (bucket, limit, max) => {
    calls.count++;
    return limiterOf(env, bucket).lease(limit.ratePerSec, limit.burst, max);
  };
  return { calls, source };
}

/** Tokens the object of `bucket` has left, taking none. */
const leftIn = async (bucket: string, limit = LIMIT) =>
  (await limiterOf(env, bucket).take(limit.ratePerSec, limit.burst, 0)).remaining;

async function takeMany(leases: TokenLeases, bucket: string, n: number, limit = LIMIT) {
  const allowed: boolean[] = [];
  for (let i = 0; i < n; i++) allowed.push((await leases.take(bucket, limit)).allowed);
  return allowed;
}

describe('TokenLeases', () => {
  // The clock stands still unless a test moves it, so that no bucket refills by itself.
  beforeEach(() => vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('leases tokens a few at a time and spends them in the isolate', async () => {
    const { calls, source } = countedObjects();
    const leases = new TokenLeases(source);
    const bucket = `test:${newTxn()}`;
    // Leases of 1, 2, 4, 8, then the cap of a twentieth of the burst.
    expect(leaseCap(LIMIT)).toBe(10);
    expect(await takeMany(leases, bucket, 45)).toEqual(Array(45).fill(true));
    expect(calls.count).toBe(7); // 1 + 2 + 4 + 8 + 10 + 10 + 10 = 45
    expect(await leftIn(bucket)).toBe(200 - 45);
    expect(await takeMany(leases, bucket, 10)).toEqual(Array(10).fill(true));
    expect(calls.count).toBe(8);
    expect(await leftIn(bucket)).toBe(200 - 55);
  });

  it('answers 429 without asking the object again while the object is surely empty', async () => {
    const { calls, source } = countedObjects();
    const leases = new TokenLeases(source);
    const bucket = `test:${newTxn()}`;
    await limiterOf(env, bucket).take(LIMIT.ratePerSec, LIMIT.burst, LIMIT.burst);
    expect(await leases.take(bucket, LIMIT)).toEqual({ allowed: false, remaining: 0, retryAfterSec: 1 });
    expect(await takeMany(leases, bucket, 20)).toEqual(Array(20).fill(false));
    expect(calls.count).toBe(1);
    // One token comes back 10 ms later at 100 a second: then the object is asked again.
    vi.advanceTimersByTime(10);
    expect((await leases.take(bucket, LIMIT)).allowed).toBe(true);
    expect(calls.count).toBe(2);
  });

  it('never spends a leased token after it expired, and leases less afterwards', async () => {
    const { calls, source } = countedObjects();
    const leases = new TokenLeases(source);
    const bucket = `test:${newTxn()}`;
    await takeMany(leases, bucket, 4); // leases of 1, 2 and 4: 3 tokens held
    expect(calls.count).toBe(3);
    vi.advanceTimersByTime(LEASE_TTL_MS);
    const before = await leftIn(bucket);
    await leases.take(bucket, LIMIT);
    expect(calls.count).toBe(4);
    // The expired lease of 4 had 3 left: the next one is halved to 2 tokens.
    expect(before - (await leftIn(bucket))).toBe(2);
  });

  it('admits exactly the burst across two isolates sharing a bucket while no lease expires', async () => {
    const { source } = countedObjects();
    const isolates = [new TokenLeases(source), new TokenLeases(source)];
    const limit: Limit = { ratePerSec: 10, burst: 100 };
    const bucket = `test:${newTxn()}`;
    let admitted = 0;
    for (let i = 0; i < 300; i++) {
      if ((await (isolates[i % 2] as TokenLeases).take(bucket, limit)).allowed) admitted++;
    }
    expect(admitted).toBe(100);
  });

  it('lets requests through when the object cannot be reached', async () => {
    const leases = new TokenLeases(() => Promise.reject(new Error('unreachable')));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await leases.take(`test:${newTxn()}`, LIMIT)).toEqual({ allowed: true, remaining: 0, retryAfterSec: 0 });
  });

  it('asks for one token per request missing one while a lease is on its way', async () => {
    const { calls, source } = countedObjects();
    const asked: number[] = [];
    const leases = new TokenLeases((bucket, limit, max) => {
      asked.push(max);
      return source(bucket, limit, max);
    });
    const bucket = `test:${newTxn()}`;
    await takeMany(leases, bucket, 7); // leases of 1, 2 and 4, all spent: the next one is of 8
    const burst = await Promise.all(Array.from({ length: 5 }, () => leases.take(bucket, LIMIT)));
    expect(burst.every((d) => d.allowed)).toBe(true);
    expect(asked).toEqual([1, 2, 4, 8, 1, 1, 1, 1]);
    expect(calls.count).toBe(8);
  });
  it('keeps a bucket usable when the clock is set back', async () => {
    const { source } = countedObjects();
    const leases = new TokenLeases(source);
    const limit: Limit = { ratePerSec: 10, burst: 20 };
    const bucket = `test:${newTxn()}`;
    // Emptied a year ahead, as a test that moved the clock forward may leave it.
    vi.setSystemTime(Date.now() + 365 * 86_400_000);
    await takeMany(leases, bucket, 20, limit);
    expect((await leases.take(bucket, limit)).allowed).toBe(false);
    // Back to today: refused only until the next token, not for a year.
    vi.setSystemTime(Date.now() - 365 * 86_400_000);
    const refused = await leases.take(bucket, limit);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSec).toBe(1);
    vi.setSystemTime(Date.now() + 100);
    expect((await leases.take(bucket, limit)).allowed).toBe(true);
  });
});
