// Failed postback attempts: an address that failed too often is refused first thing; each failure is counted, not logged, and listed.
import { type Db, dbOf } from '../db/client';
import type { PageOptions } from '../db/paging';
import { countPostbackFailure, listPostbackFailures, type PostbackFailureRow } from '../db/postback-failures';
import { failureMinute, failureRowId } from '../domain/postback-failure';
import { type CallerScope, partnerFilterOf } from '../domain/visibility';
import { AppError, notFound } from '../http/errors';
import { failureBucket, failureLimit, failuresOf } from '../isolate/rate-limit';

export type { PostbackFailureRow };

/**
 * Lets a postback from a client address go on, or refuses it with 429 and `Retry-After` when the
 * address's failed postbacks emptied its bucket (or it has as many attempts under way as tokens
 * left). Answered from the isolate's memory: no D1 or Durable Object call. Answers what to call
 * once the postback is answered.
 */
export function admitAttempt(env: Env, ipHash: string): () => void {
  const attempt = failuresOf(env).admit(failureBucket(ipHash), failureLimit(env));
  if (attempt.admitted) return attempt.settle;
  const retryAfterSec = Math.max(1, Math.ceil(attempt.waitMs / 1000));
  throw new AppError(
    429,
    'rate_limited',
    `Too many failed postbacks from this address; retry after ${retryAfterSec} s.`,
    undefined,
    { 'Retry-After': String(retryAfterSec) },
  );
}

/** A postback refused before its sender proved who it is. */
export type FailedPostback = {
  partnerId: string | null;
  partnerSlug: string;
  ipHash: string | null;
  httpStatus: number;
  errorCode: string;
  at: Date;
};

/**
 * Counts a failed postback against its client address (isolate and RateLimiter bucket) and adds
 * it to the D1 row of its partner, address, code and minute: one row a minute however many come.
 * A count that cannot be written is reported to the console only: the refusal stands.
 */
export async function countFailedPostback(env: Env, db: Db, failed: FailedPostback): Promise<void> {
  const atMs = failed.at.getTime();
  const id = await failureRowId(env.HASH_KEY, { ...failed, atMs });
  await Promise.all([
    failed.ipHash ? failuresOf(env).recordFailure(failureBucket(failed.ipHash), failureLimit(env)) : null,
    countPostbackFailure(db, {
      id,
      minute: new Date(failureMinute(atMs)),
      partnerId: failed.partnerId,
      // The slug is the sender's text: kept short.
      partnerSlug: failed.partnerSlug.slice(0, 64),
      ipHash: failed.ipHash,
      errorCode: failed.errorCode,
      httpStatus: failed.httpStatus,
      lastAt: failed.at,
    }).catch((e) => console.error('postback failure count failed', e instanceof Error ? e.message : String(e))),
  ]);
}

/**
 * Counts of failed attempts newest minute first, `limit + 1` of them; a partner key lists only its
 * own partner's (those of slugs naming no partner are an admin's).
 */
export function listVisiblePostbackFailures(
  env: Env,
  scope: CallerScope,
  q: PageOptions & { errorCode?: string },
): Promise<PostbackFailureRow[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listPostbackFailures(dbOf(env), { ...q, ...filter });
}
