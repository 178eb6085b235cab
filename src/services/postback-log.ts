// The postback log's use cases: entries listed and read within reach, and replayed by an admin.
import { dbOf } from '../db/client';
import { getPartner } from '../db/partners';
import { getPostbackLog, insertPostbackLog, listPostbackLog, type PostbackLogRow } from '../db/postback-log';
import { newId } from '../domain/ids';
import type { ParsedForLog } from '../domain/postback-log-entry';
import type { PostbackOutcome } from '../domain/postback-outcome';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { AppError, notFound } from '../http/errors';
import { replayPostback } from './postback-replay';

export type { PostbackLogRow };

/** Log entries newest first, `limit + 1` of them; a partner's caller lists only its own partner's. */
export function listVisiblePostbacks(
  env: Env,
  scope: CallerScope,
  q: { limit: number; before?: string; partnerId?: string; outcome?: PostbackOutcome },
): Promise<PostbackLogRow[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listPostbackLog(dbOf(env), { ...q, ...filter });
}

/** The log entry, or 404 when it does not exist or is not the caller's partner's. */
export async function visiblePostback(env: Env, scope: CallerScope, id: string): Promise<PostbackLogRow> {
  const entry = await getPostbackLog(dbOf(env), id);
  // Entries of slugs naming no partner are an admin's only.
  if (!entry || !canSee(scope, entry.partnerId)) throw notFound('postback');
  return entry;
}

/** Whether an entry can be run again: only postbacks that proved who sent them, for a known partner. */
export const isReplayable = (entry: Pick<PostbackLogRow, 'isAuthenticated' | 'partnerId'>) =>
  entry.isAuthenticated && entry.partnerId !== null;

/** What a replay was answered, and the log entry that keeps it. */
export type Replayed = { logId: string; httpStatus: number; answer: unknown };

/**
 * Runs a logged postback through intake again with the partner's current settings (after fixing
 * its parameter names, say), without authenticating it again: it passed authentication when it
 * came in (else 409 `not_replayable`). A dry run stores nothing. The replay is logged, refused
 * or not; a refusal is answered as the partner would have read it, not thrown.
 */
export async function replayLoggedPostback(
  env: Env,
  scope: CallerScope,
  id: string,
  opts: { dryRun: boolean },
): Promise<Replayed> {
  const db = dbOf(env);
  const original = await visiblePostback(env, scope, id);
  const partner = original.partnerId ? await getPartner(db, original.partnerId) : undefined;
  if (!isReplayable(original) || !partner || !original.request) {
    throw new AppError(409, 'not_replayable', 'Only postbacks that passed authentication can be replayed.');
  }
  const { dryRun } = opts;
  const before = original.parsed as Partial<ParsedForLog> | null;
  const receivedAt = new Date();
  const log = {
    id: newId('pbl', receivedAt.getTime()),
    partnerId: partner.id,
    partnerSlug: partner.slug,
    method: original.method,
    webhookId: original.webhookId,
    request: original.request,
    contentType: original.contentType,
    body: original.body,
    ipHash: original.ipHash,
    isAuthenticated: true,
    replayOf: original.id,
  };
  try {
    const outcome = await replayPostback(db, env, {
      partner,
      params: original.request,
      dryRun,
      receivedAt,
      visitorId: before?.visitorId ?? null,
      ...(before?.fingerprints
        ? { kept: { customerHash: before.customerHash ?? null, fingerprints: before.fingerprints } }
        : {}),
    });
    await insertPostbackLog(db, {
      ...log,
      outcome: dryRun ? 'dry_run' : outcome.result.status,
      httpStatus: outcome.answer.status,
      parsed: outcome.parsed,
      conversionId: dryRun ? null : outcome.result.conversion.id,
    });
    const answer = outcome.answer.contentType.startsWith('application/json')
      ? JSON.parse(outcome.answer.body)
      : outcome.answer.body;
    return { logId: log.id, httpStatus: outcome.answer.status, answer };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await insertPostbackLog(db, {
      ...log,
      outcome: 'rejected',
      httpStatus: err.status,
      errorCode: err.code,
      errorMessage: err.message,
    });
    return { logId: log.id, httpStatus: err.status, answer: err.toBody() };
  }
}
