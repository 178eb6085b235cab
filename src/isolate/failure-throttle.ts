// Failed postbacks per client address: a small count in the isolate, checked before any I/O, backed by a RateLimiter bucket.
//
// A flood of forged postbacks costs a D1 read and a write each until something stops it. Each
// address has a bucket of failures of its own: a failure takes a token, and once the bucket is
// empty the address is refused (429) before its postback is even read. The isolate keeps its own
// count of the failures it saw (a token bucket per address, in memory), which answers at once and
// holds even when the RateLimiter object cannot be reached; the object's bucket, leased like the
// other limits (token-leases.ts), adds the failures seen by every other isolate.
//
// A failure is known only once the postback has been read, so an address sending many at once
// could have them all admitted while its bucket still held one token. An address that has failed
// before therefore has at most as many attempts under way as it has tokens left: once it is
// nearly empty, its attempts go one at a time. Addresses that never failed are not held back.
import { BoundedMap } from '../lib/bounded-map';
import type { Limit, TokenLeases } from './token-leases';

/** Addresses whose failures the isolate remembers; the oldest are forgotten first. */
const MAX_ADDRESSES = 10_000;

/** Failure tokens an address has left in this isolate, as of `atMs`, and its attempts under way. */
type Tally = { tokens: number; atMs: number; inFlight: number };

/** What `admit` answers: go on, and settle once answered; or wait this long. */
export type Admission = { admitted: true; settle: () => void } | { admitted: false; waitMs: number };

const NOTHING_TO_SETTLE = () => {};

const ADMITTED_FREELY: Admission = { admitted: true, settle: NOTHING_TO_SETTLE };

// A clock set back refills nothing, and takes nothing back either.
const tokensAt = (t: Tally, limit: Limit, nowMs: number) =>
  Math.min(limit.burst, t.tokens + (Math.max(0, nowMs - t.atMs) / 1000) * limit.ratePerSec);

/**
 * Failures of client addresses, each under the name of its bucket (`pb:fail:<address hash>`).
 * @example
 * const throttle = new FailureThrottle(leases);
 * const attempt = throttle.admit(bucket, limit);
 * if (!attempt.admitted) return refuse(attempt.waitMs);
 * try {
 *   // ... the postback fails authentication:
 *   await throttle.recordFailure(bucket, limit);
 * } finally {
 *   attempt.settle();
 * }
 */
export class FailureThrottle {
  private readonly tallies = new BoundedMap<string, Tally>(MAX_ADDRESSES);

  constructor(private readonly leases: TokenLeases) {}

  /**
   * Lets an attempt of the address of `bucket` go on, or answers how long (ms) the address must
   * wait: while its bucket is empty (in this isolate or in the object), or while it has as many
   * attempts under way as tokens left. No I/O. An admitted attempt is settled once answered.
   */
  admit(bucket: string, limit: Limit): Admission {
    const objectWaitMs = this.leases.refusedForMs(bucket, limit);
    const tally = this.tallies.get(bucket);
    if (!tally) return objectWaitMs > 0 ? { admitted: false, waitMs: objectWaitMs } : ADMITTED_FREELY;
    const tokens = tokensAt(tally, limit, Date.now());
    if (tokens >= limit.burst && tally.inFlight === 0) {
      // Refilled: the address is as one that never failed.
      this.tallies.delete(bucket);
      return objectWaitMs > 0 ? { admitted: false, waitMs: objectWaitMs } : ADMITTED_FREELY;
    }
    const missing = tally.inFlight + 1 - tokens;
    if (missing > 0 || objectWaitMs > 0) {
      const localWaitMs = missing > 0 ? Math.ceil((missing / limit.ratePerSec) * 1000) : 0;
      return { admitted: false, waitMs: Math.max(localWaitMs, objectWaitMs) };
    }
    tally.inFlight += 1;
    let settled = false;
    return {
      admitted: true,
      settle: () => {
        if (settled) return;
        settled = true;
        tally.inFlight -= 1;
      },
    };
  }

  /** Counts one failure of the address of `bucket`: at once in the isolate, then in its RateLimiter bucket. */
  async recordFailure(bucket: string, limit: Limit): Promise<void> {
    const nowMs = Date.now();
    const tally = this.tallies.get(bucket) ?? { tokens: limit.burst, atMs: nowMs, inFlight: 0 };
    // Never below empty, like the object's bucket: a burst of concurrent failures waits one token, not many.
    tally.tokens = Math.max(0, tokensAt(tally, limit, nowMs) - 1);
    tally.atMs = nowMs;
    // Deleted first so that the address moves to the newest end: the bound forgets quiet ones first.
    this.tallies.delete(bucket);
    this.tallies.set(bucket, tally);
    await this.leases.take(bucket, limit);
  }
}
