// RateLimiter Durable Object: one token bucket per key (a partner, a client address), answered from memory.
import { DurableObject } from 'cloudflare:workers';

/** What a caller learns from `take`: whether it may proceed, and when to retry when not. */
export type RateDecision = { allowed: boolean; remaining: number; retryAfterSec: number };

/**
 * A token bucket refilled at `ratePerSec` up to `burst`. The bucket lives in memory only: when
 * the object is evicted it comes back full, which errs on the side of accepting postbacks, and
 * no storage write ever sits between a postback and its answer.
 */
export class RateLimiter extends DurableObject<Env> {
  private tokens = Number.NaN;
  private refilledAtMs = 0;

  /**
   * Takes `cost` tokens when there are enough.
   * @example await stub.take(100, 200) // { allowed: true, remaining: 199, retryAfterSec: 0 }
   */
  take(ratePerSec: number, burst: number, cost = 1): RateDecision {
    const nowMs = Date.now();
    if (Number.isNaN(this.tokens)) this.tokens = burst;
    else this.tokens = Math.min(burst, this.tokens + ((nowMs - this.refilledAtMs) / 1000) * ratePerSec);
    this.refilledAtMs = nowMs;
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { allowed: true, remaining: Math.floor(this.tokens), retryAfterSec: 0 };
    }
    const retryAfterSec = Math.max(1, Math.ceil((cost - this.tokens) / ratePerSec));
    return { allowed: false, remaining: 0, retryAfterSec };
  }
}
