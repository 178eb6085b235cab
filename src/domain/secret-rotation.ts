// A rotated secret and its predecessor: the predecessor keeps working for a day, so the other side can switch without a gap.

/** How long a replaced secret keeps working after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

/** A secret (in whatever form: sealed or clear), the one it replaced, and when that one stops. */
export type RotatingSecret<T> = { current: T; previous: T | null; previousExpiresAt: Date | null };

/**
 * The secrets in force at `nowMs`: the current one, then the previous one until it expires.
 * @example secretsInForce({ current: 'b', previous: 'a', previousExpiresAt: new Date(nowMs + 1) }, nowMs) // ['b', 'a']
 */
export function secretsInForce<T>(secret: RotatingSecret<T>, nowMs: number): T[] {
  const { current, previous, previousExpiresAt } = secret;
  return previous !== null && previousExpiresAt !== null && previousExpiresAt.getTime() > nowMs
    ? [current, previous]
    : [current];
}

/**
 * What a rotation stores: the new secret, the replaced one (when there was one) and its expiry.
 * @example rotated('b', 'a', nowMs) // { current: 'b', previous: 'a', previousExpiresAt: new Date(nowMs + ROTATION_OVERLAP_MS) }
 */
export function rotated<T>(next: T, replaced: T | null, nowMs: number): RotatingSecret<T> {
  return {
    current: next,
    previous: replaced,
    previousExpiresAt: replaced === null ? null : new Date(nowMs + ROTATION_OVERLAP_MS),
  };
}
