// Rate limits checked in the isolate: tokens leased a few at a time from the RateLimiter objects, spent locally.
//
// Asking the RateLimiter object for every postback puts a Durable Object call on each answer. The
// isolate instead takes a lease of a few tokens at once and spends them itself, and remembers when
// the object said it had none left. The object stays the authority: no token is spent that it did
// not give out. The error this brings, across any number of isolates:
// - More admitted than the bucket allows: only by tokens an isolate held, leased but unspent, when
//   a burst began. A lease is at most a twentieth of the burst (at most 16 tokens) and a leased
//   token is void after LEASE_TTL_MS, so the excess is at most cap - 1 tokens per isolate (9 for the
//   default partner bucket of 200) and at most half a second of the rate in all (50 at 100/s).
// - Fewer admitted than the bucket allows: by tokens that expired unspent, at most cap - 1 per
//   isolate every half second. A lease starts at one token and doubles only while the previous one
//   was spent before it expired (halving when it was not), so a quiet isolate holds none to lose.
// - A 429 answered without asking the object is exact: it is given only until the time the object
//   itself named for its next token, and other isolates can only take from it meanwhile.
// When the object cannot be reached, postbacks are let through, as they were before leases.
import type { RateDecision, RateLease } from '../objects/rate-limiter';

/** Rate (tokens per second) and burst (bucket size) of one kind of bucket. */
export type Limit = { ratePerSec: number; burst: number };

/** Asks the authority for up to `max` tokens of `bucket` (the RateLimiter object in production). */
export type LeaseSource = (bucket: string, limit: Limit, max: number) => Promise<RateLease>;

/** How long a leased token may be spent: bounds what an isolate can add to a burst. */
export const LEASE_TTL_MS = 500;
const MAX_LEASE = 16;
/** Idle buckets are forgotten past this many (one per client address is kept otherwise). */
const MAX_BUCKETS = 5_000;

/** The largest lease of a bucket: a twentieth of its burst, between 1 and 16 tokens. */
export const leaseCap = (limit: Limit) => Math.max(1, Math.min(MAX_LEASE, Math.floor(limit.burst / 20)));

/** Tokens of one lease not spent yet, void from `expiresAtMs`. */
type Chunk = { tokens: number; expiresAtMs: number };

type Bucket = {
  /** Leases with tokens left, oldest first. */
  chunks: Chunk[];
  /** Until then the object has no token for anyone. */
  emptyUntilMs: number;
  /** Size of the next lease. */
  size: number;
  /** Leases on their way from the object. */
  inFlight: number;
};

const ALLOWED: RateDecision = { allowed: true, remaining: 0, retryAfterSec: 0 };

const refused = (waitMs: number): RateDecision => ({
  allowed: false,
  remaining: 0,
  retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)),
});

/**
 * Token buckets of one isolate, spending what `source` leases them. A request that finds no
 * token asks for a lease itself rather than waiting for another request's: the runtime does not
 * let one request wait on I/O made by another.
 * @example const leases = new TokenLeases((b, l, max) => env.RATE_LIMITER.getByName(b).lease(l.ratePerSec, l.burst, max));
 * await leases.take('pb:partner:prt_1', { ratePerSec: 100, burst: 200 }) // { allowed: true, ... }
 */
export class TokenLeases {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly source: LeaseSource) {}

  /** Takes one token of `bucket`: from the isolate's leases when they have one, else from a new lease. */
  async take(bucket: string, limit: Limit): Promise<RateDecision> {
    const b = this.bucketOf(bucket);
    if (this.spend(b, limit)) return ALLOWED;
    const sentAtMs = Date.now();
    // The object never names a wait longer than one token's: a longer one means the clock was
    // set back since, and is forgotten rather than kept for as long as the clock went back.
    if (b.emptyUntilMs - sentAtMs > Math.ceil(1000 / limit.ratePerSec)) b.emptyUntilMs = 0;
    if (sentAtMs < b.emptyUntilMs) return refused(b.emptyUntilMs - sentAtMs);
    // One lease of the full size at a time; requests missing a token meanwhile ask for one each.
    const want = b.inFlight > 0 ? 1 : Math.max(1, Math.min(b.size, Math.floor(limit.burst)));
    b.inFlight += 1;
    let lease: RateLease;
    try {
      lease = await this.source(bucket, limit, want);
    } catch (err) {
      // Losing a partner's conversions costs more than a burst the limiter did not see.
      console.error('rate limiter unavailable', err instanceof Error ? err.message : String(err));
      return ALLOWED;
    } finally {
      b.inFlight -= 1;
    }
    if (lease.granted > 0) b.chunks.push({ tokens: lease.granted, expiresAtMs: Date.now() + LEASE_TTL_MS });
    // Counted from before the call: the object answered later, so this ends no later than it said.
    if (lease.nextTokenInMs > 0) b.emptyUntilMs = Math.max(b.emptyUntilMs, sentAtMs + lease.nextTokenInMs);
    if (this.spend(b, limit)) return ALLOWED;
    return refused(Math.max(b.emptyUntilMs - Date.now(), 1));
  }

  /**
   * How long `bucket` stays empty for this isolate (ms): the wait the object named when it last
   * had no token, while the isolate holds none of its own; 0 otherwise. Answered from memory, so
   * that a caller can refuse before any I/O.
   */
  refusedForMs(bucket: string, limit: Limit): number {
    const b = this.buckets.get(bucket);
    if (!b) return 0;
    const nowMs = Date.now();
    const isValid = (c: Chunk) => nowMs < c.expiresAtMs && c.expiresAtMs - nowMs <= LEASE_TTL_MS;
    if (b.chunks.some((c) => c.tokens >= 1 && isValid(c))) return 0;
    const waitMs = b.emptyUntilMs - nowMs;
    // Longer than one token's time: the clock was set back since, as in `take`.
    return waitMs > Math.ceil(1000 / limit.ratePerSec) ? 0 : Math.max(0, waitMs);
  }

  /** Spends a token of the oldest lease still valid, if any; drops the expired ones. */
  private spend(b: Bucket, limit: Limit): boolean {
    const nowMs = Date.now();
    while (b.chunks.length > 0) {
      const chunk = b.chunks[0] as Chunk;
      // Void once expired, or when the clock was set back past the lease's start.
      if (nowMs >= chunk.expiresAtMs || chunk.expiresAtMs - nowMs > LEASE_TTL_MS) {
        // Tokens left unspent: the next lease is smaller.
        b.chunks.shift();
        b.size = Math.max(1, b.size >> 1);
        continue;
      }
      chunk.tokens -= 1;
      if (chunk.tokens < 1) {
        // The whole lease went before it expired: the next one may be larger.
        b.chunks.shift();
        b.size = Math.min(leaseCap(limit), b.size * 2);
      }
      return true;
    }
    return false;
  }

  private bucketOf(name: string): Bucket {
    let b = this.buckets.get(name);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.forgetIdle();
      b = { chunks: [], emptyUntilMs: 0, size: 1, inFlight: 0 };
      this.buckets.set(name, b);
    }
    return b;
  }

  private forgetIdle(): void {
    const nowMs = Date.now();
    for (const [name, b] of this.buckets) {
      const holds = b.chunks.some((c) => nowMs < c.expiresAtMs);
      if (b.inFlight === 0 && !holds && nowMs >= b.emptyUntilMs) this.buckets.delete(name);
    }
  }
}
