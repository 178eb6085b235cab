// Failed postback attempts: which refusals are counted instead of logged, and the row each one is counted in.
import { keyedHash } from './hashing';

/** Failed attempts are counted per minute. */
export const FAILURE_WINDOW_MS = 60_000;

/**
 * What a failed attempt is counted under: its partner (null for a slug that names none, so that
 * made-up slugs share one row), the keyed hash of the client address, the error code, the time.
 */
export type FailureKey = { partnerId: string | null; ipHash: string | null; errorCode: string; atMs: number };

/** The minute of `atMs` as row ids write it: zero-padded, so that ids sort by time. */
const minuteOfId = (atMs: number) => String(Math.floor(atMs / FAILURE_WINDOW_MS)).padStart(9, '0');

/** The first millisecond of the minute of `atMs`. */
export const failureMinute = (atMs: number) => atMs - (atMs % FAILURE_WINDOW_MS);

/**
 * Whether a refusal is counted rather than logged one row each: a client error (4xx, rate limits
 * aside, which are neither) given before the sender proved who it is. Unknown slugs, bad tokens or
 * signatures, addresses off the allowlist, oversized bodies: anyone can send them, by the thousand.
 * @example isCountedFailure(401, false) // true
 * isCountedFailure(400, true) // false: an authenticated postback keeps its full log row
 */
export const isCountedFailure = (status: number, isAuthenticated: boolean) =>
  !isAuthenticated && status >= 400 && status < 500 && status !== 429;

/**
 * The id of the row counting every failed attempt of `key`'s partner, address and code in its
 * minute: `pbf_` and the minute (so that ids sort by time, for paging) then a keyed hash of the rest.
 * @example await failureRowId(env.HASH_KEY, { partnerId: 'ptn_1', ipHash: 'x', errorCode: 'invalid_token', atMs })
 * // 'pbf_029512345_Yx3...' (46 characters)
 */
export async function failureRowId(hashKey: string, key: FailureKey): Promise<string> {
  const minute = minuteOfId(key.atMs);
  const rest = [key.partnerId ?? '', key.ipHash ?? '', key.errorCode].join('\u0000');
  return `pbf_${minute}_${await keyedHash(hashKey, 'postback-failure', rest)}`;
}

/**
 * The least id a row counting a minute at or after `atMs`'s can have: the ids of rows of earlier
 * minutes sort before it, so that old counts are found through the primary key.
 * @example failureIdFloor(Date.parse('2026-01-01T00:00:00Z')) // 'pbf_029453760'
 */
export const failureIdFloor = (atMs: number) => `pbf_${minuteOfId(atMs)}`;
