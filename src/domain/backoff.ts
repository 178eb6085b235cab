// When a push to a partner is tried again: the Standard Webhooks retry schedule, jitter and Retry-After.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delays before each retry, after the first attempt fails (standardwebhooks.com, "Retry schedule"). */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

/** The first attempt plus one per step of the schedule. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

/** Spread of the jitter either way, as a share of the delay. */
export const JITTER_RATIO = 0.1;

/** A Retry-After longer than this is taken as this: a receiver cannot park a push for days. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/** Time allowed for one attempt, connection and answer included. */
export const ATTEMPT_TIMEOUT_MS = 15 * SECOND;

/**
 * The delay before the next attempt once `failedAttempts` attempts have failed, jittered by up
 * to ±10% so that pushes failing together do not retry together; null once the schedule is spent.
 * @example retryDelayMs(1, () => 0.5) // 5000
 * @example retryDelayMs(10) // null
 */
export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number | null {
  const base = RETRY_SCHEDULE_MS[failedAttempts - 1];
  if (base === undefined || failedAttempts < 1) return null;
  return Math.round(base * (1 - JITTER_RATIO + 2 * JITTER_RATIO * random()));
}

/**
 * Milliseconds a `Retry-After` header asks to wait (seconds or an HTTP date), at most a day;
 * null when absent or unreadable.
 * @example parseRetryAfterMs('120', 0) // 120000
 * @example parseRetryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('2026-10-21T07:27:00Z')) // 60000
 */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | null {
  const text = header?.trim();
  if (!text) return null;
  let ms: number;
  if (/^\d{1,10}$/.test(text)) ms = Number(text) * SECOND;
  else {
    // An HTTP date always names its day or month; bare numbers with a sign are not dates.
    const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** What one attempt came to: a status code, or no answer at all (network error, timeout). */
export type AttemptResult = { statusCode: number | null; retryAfter?: string | null };

/** The state of a delivery after an attempt. */
export type NextStep =
  | { status: 'delivered'; nextAttemptAt: null }
  | { status: 'failed'; nextAttemptAt: null; reason: 'gone' | 'exhausted' }
  | { status: 'pending'; nextAttemptAt: number };

/**
 * Decides what follows attempt number `attempt` (1-based): any 2xx delivers; 410 Gone stops
 * for good; everything else (3xx included, since redirects are never followed) is retried on the
 * schedule, no sooner than a 429 or 503 `Retry-After` asks.
 * @example nextStep(1, { statusCode: 500 }, 0, () => 0.5) // { status: 'pending', nextAttemptAt: 5000 }
 */
export function nextStep(attempt: number, result: AttemptResult, nowMs: number, random?: () => number): NextStep {
  const code = result.statusCode;
  if (code !== null && code >= 200 && code < 300) return { status: 'delivered', nextAttemptAt: null };
  if (code === 410) return { status: 'failed', nextAttemptAt: null, reason: 'gone' };
  const delay = retryDelayMs(attempt, random);
  if (delay === null) return { status: 'failed', nextAttemptAt: null, reason: 'exhausted' };
  const asked = code === 429 || code === 503 ? parseRetryAfterMs(result.retryAfter, nowMs) : null;
  return { status: 'pending', nextAttemptAt: nowMs + Math.max(delay, asked ?? 0) };
}
