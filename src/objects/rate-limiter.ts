// RateLimiter Durable Object: one token bucket per key (a partner, a client address, an API key, a console account), answered from memory.
import { DurableObject } from 'cloudflare:workers';
import { refusalOf } from '../isolate/configuration';

/** What a caller learns from `take`: whether it may proceed, and when to retry when not. */
export type RateDecision = { allowed: boolean; remaining: number; retryAfterSec: number };

/**
 * What a caller learns from `lease`: how many tokens it was given (it may spend them itself), and
 * when the bucket had less than one token left, how long until it has one again.
 */
export type RateLease = { granted: number; nextTokenInMs: number };

/**
 * A token bucket refilled at `ratePerSec` up to `burst`. The bucket lives in memory only: when
 * the object is evicted it comes back full, which errs on the side of accepting postbacks, and
 * no storage write ever sits between a postback and its answer. It is the authority on every
 * postback limit: isolates only spend tokens it gave them (see src/isolate/token-leases.ts).
 */
export class RateLimiter extends DurableObject<Env> {
  private tokens = Number.NaN;
  private refilledAtMs = 0;

  private refill(ratePerSec: number, burst: number): void {
    // A Worker without its secrets hands out no tokens either (src/domain/settings.ts).
    const refusal = refusalOf(this.env);
    if (refusal !== null) throw refusal;
    const nowMs = Date.now();
    // A clock set back refills nothing: counted as negative time it would empty the bucket for
    // as long as it went back.
    const elapsedMs = Math.max(0, nowMs - this.refilledAtMs);
    if (Number.isNaN(this.tokens)) this.tokens = burst;
    else this.tokens = Math.min(burst, this.tokens + (elapsedMs / 1000) * ratePerSec);
    this.refilledAtMs = nowMs;
  }

  /**
   * Takes `cost` tokens when there are enough.
   * @example await stub.take(100, 200) // { allowed: true, remaining: 199, retryAfterSec: 0 }
   */
  take(ratePerSec: number, burst: number, cost = 1): RateDecision {
    this.refill(ratePerSec, burst);
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { allowed: true, remaining: Math.floor(this.tokens), retryAfterSec: 0 };
    }
    const retryAfterSec = Math.max(1, Math.ceil((cost - this.tokens) / ratePerSec));
    return { allowed: false, remaining: 0, retryAfterSec };
  }

  /**
   * Puts back `count` tokens taken for an attempt that turned out not to count (a console
   * sign-in that succeeded), never above `burst`.
   * @example await stub.giveBack(5 / 900, 5) // { allowed: true, remaining: 5, retryAfterSec: 0 }
   */
  giveBack(ratePerSec: number, burst: number, count = 1): RateDecision {
    this.refill(ratePerSec, burst);
    this.tokens = Math.min(burst, this.tokens + count);
    return { allowed: true, remaining: Math.floor(this.tokens), retryAfterSec: 0 };
  }

  /**
   * Takes as many whole tokens as there are, up to `max`, for a caller that spends them itself.
   * `nextTokenInMs` is 0 while a token is left, else the time until the next one: until then the
   * bucket is empty for every caller, since others can only take from it.
   * @example await stub.lease(100, 200, 10) // { granted: 10, nextTokenInMs: 0 }
   */
  lease(ratePerSec: number, burst: number, max: number): RateLease {
    this.refill(ratePerSec, burst);
    const granted = Math.max(0, Math.min(Math.floor(max), Math.floor(this.tokens)));
    this.tokens -= granted;
    const nextTokenInMs = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / ratePerSec) * 1000);
    return { granted, nextTokenInMs };
  }
}
