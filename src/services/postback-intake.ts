// Postback intake, one pipeline: authenticate, parse, attribute, price, store (one D1 batch with its log), answer.
import { hasCandidateSignals } from '../db/attribution';
import { type Db, dbOf } from '../db/client';
import { readIntakeContext, readIntakeLookups, readRateDay } from '../db/intake';
import { insertPostbackLog, type NewPostbackLogRow, type PostbackTrail } from '../db/postback-log';
import type { Partner } from '../db/schema';
import { dryRunConflict, isDryRunId } from '../domain/dry-run';
import { keyedHash } from '../domain/hashing';
import { visitorIdOf } from '../domain/identity';
import { newId } from '../domain/ids';
import { answerOf, type PostbackAnswer } from '../domain/postback-answer';
import { authenticatePostback, postbackTokenOf } from '../domain/postback-auth';
import { isCountedFailure } from '../domain/postback-failure';
import {
  type KeptSignals,
  type ParsedForLog,
  parsedForLog,
  redactedBody,
  redactParams,
} from '../domain/postback-log-entry';
import { AppError } from '../http/errors';
import { ipBucket, partnerBucket, postbackLimits, takeToken } from '../isolate/rate-limit';
import { candidateQuery, hashSignals } from './attribution';
import { rateDayOf } from './exchange-rates';
import { admitAttempt, countFailedPostback } from './postback-failures';
import { paramsOfPostback, readPostback } from './postback-parse';
import { type DatedInput, type IntakeResult, recordConversion } from './record-conversion';

/** A postback as the HTTP edge hands it over: nothing read from it yet but its headers. */
export type PostbackRequest = {
  method: 'GET' | 'POST';
  partnerSlug: string;
  /** The body of a POST, refused with 413 over the size limit. */
  readBody: () => Promise<string>;
  query: URLSearchParams;
  headers: {
    contentType: string | null;
    webhookId: string | null;
    webhookTimestamp: string | null;
    webhookSignature: string | null;
    /** A GET's token may come as `Authorization: Bearer <token>`. */
    authorization: string | null;
    cookie: string | null;
  };
  clientIp: string | null;
  receivedAt: Date;
};

/** What the partner is answered, with any header beside the answer's type. */
export type PostbackReply = PostbackAnswer & { headers: Record<string, string> };

type LogRow = NewPostbackLogRow & { id: string };

const rateLimited = (retryAfterSec: number, what: string) =>
  new AppError(
    429,
    'rate_limited',
    `Too many postbacks from this ${what}; retry after ${retryAfterSec} s.`,
    undefined,
    {
      'Retry-After': String(retryAfterSec),
    },
  );

/**
 * Partners that may post: `active` ones; `prospect` and `negotiating` ones only with `?dryRun=1`,
 * to test their integration; `paused` and `ended` ones never.
 */
export const mayPost = (partner: Partner, dryRun: boolean) =>
  partner.status === 'active' || (dryRun && (partner.status === 'prospect' || partner.status === 'negotiating'));

/** Refuses a partner that may not post (see `mayPost`) with 403 `partner_inactive`. */
export function assertMayPost(partner: Partner, dryRun: boolean): void {
  if (mayPost(partner, dryRun)) return;
  const message =
    partner.status === 'paused' || partner.status === 'ended'
      ? `The partnership is ${partner.status}: postbacks are refused.`
      : `The partnership is not active yet (${partner.status}): only test postbacks with ?dryRun=1 are accepted.`;
  throw new AppError(403, 'partner_inactive', message, { partnerStatus: partner.status });
}

/**
 * Takes a partner's postback through intake and answers it:
 * 0. an address whose failed postbacks emptied its bucket is refused at once, from memory;
 * 1. the client address's rate limit, beside the one read of what the slug names (partner,
 *    commission plans, the answer already given to the delivery's `webhook-id`);
 * 2. authentication, in the isolate; then the dry-run flag against the `webhook-id` (see
 *    domain/dry-run.ts); only then the partner's rate limit, so that neither forged postbacks
 *    nor dry runs spend it;
 * 3. parsing in the partner's format, and the keyed hashes of its identifiers;
 * 4. attribution and commission, from one read of the stored conversion and the candidate clicks
 *    (no read at all for a postback with no signal: the insert itself tells a repeat), and, for a
 *    conversion in another currency than the partner's, the exchange rates of its day (read with
 *    them, or alone when nothing else is read);
 * 5. one D1 batch that stores the conversion, its history, the log row and the kept answer;
 * 6. the answer, only once that batch has succeeded.
 * A new conversion costs two D1 round trips without attribution signals, three with some (or
 * in another currency than the partner's).
 * A postback that passed authentication is logged in full; one refused before (unknown slug, bad
 * credentials, address not allowed) is only counted, per partner, address, code and minute, and
 * counts against its address. Refusals by a rate limit are neither. Refusals are thrown as AppError.
 * `?dryRun=1` works everything out and stores only its log row (and, for a `webhook-id` not
 * marked `dryrun_`, the receipt that spends that id).
 */
export async function intakePostback(env: Env, req: PostbackRequest): Promise<PostbackReply> {
  const db = dbOf(env);
  const webhookId = req.method === 'POST' ? (req.headers.webhookId?.slice(0, 200) ?? null) : null;
  const log: LogRow = {
    id: newId('pbl', req.receivedAt.getTime()),
    partnerId: null,
    partnerSlug: req.partnerSlug,
    method: req.method,
    outcome: 'rejected',
    httpStatus: 0,
    webhookId,
    contentType: req.headers.contentType?.slice(0, 200) ?? null,
    ipHash: req.clientIp ? await keyedHash(env.HASH_KEY, 'postback-ip', req.clientIp) : null,
    isAuthenticated: false,
  };
  // Before the body, D1 or any Durable Object: a flood from one address stops here.
  const settle = log.ipHash ? admitAttempt(env, log.ipHash) : null;
  try {
    return await admit(env, db, req, log, webhookId);
  } catch (err) {
    if (err instanceof AppError && isCountedFailure(err.status, log.isAuthenticated === true)) {
      await countFailedPostback(env, db, {
        partnerId: log.partnerId ?? null,
        partnerSlug: req.partnerSlug,
        ipHash: log.ipHash ?? null,
        httpStatus: err.status,
        errorCode: err.code,
        at: req.receivedAt,
      });
    } else if (!(err instanceof AppError && err.status === 429)) {
      // Refusals by the rate limiter are not logged: under a flood, logging would be the flood.
      const status = err instanceof AppError ? err.status : 500;
      const code = err instanceof AppError ? err.code : 'internal_error';
      const message = err instanceof AppError ? err.message : 'internal error';
      await insertPostbackLog(db, { ...log, httpStatus: status, errorCode: code, errorMessage: message }).catch((e) =>
        console.error('postback log write failed', e instanceof Error ? e.message : String(e)),
      );
    }
    throw err;
  } finally {
    // Once its failure, if any, is counted.
    settle?.();
  }
}

async function admit(
  env: Env,
  db: Db,
  req: PostbackRequest,
  log: LogRow,
  webhookId: string | null,
): Promise<PostbackReply> {
  const dryRun = ['1', 'true'].includes(req.query.get('dryRun') ?? '');
  const body = req.method === 'POST' ? await req.readBody() : '';
  const limits = postbackLimits(env);
  const [ipVerdict, context] = await Promise.all([
    log.ipHash ? takeToken(env, ipBucket(log.ipHash), limits.ip) : null,
    readIntakeContext(db, req.partnerSlug, dryRun ? null : webhookId),
  ]);
  if (ipVerdict && !ipVerdict.allowed) throw rateLimited(ipVerdict.retryAfterSec, 'address');
  const { partner } = context;
  if (!partner) throw new AppError(404, 'not_found', `No partner with the slug "${req.partnerSlug}".`);
  log.partnerId = partner.id;

  const refusal = await authenticatePostback(
    partner,
    {
      method: req.method,
      clientIp: req.clientIp,
      token: postbackTokenOf(req.headers.authorization, req.query.get('token')),
      webhookId: req.headers.webhookId,
      webhookTimestamp: req.headers.webhookTimestamp,
      webhookSignature: req.headers.webhookSignature,
      body,
    },
    { hashKey: env.HASH_KEY, secretsKey: env.SECRETS_KEY },
    req.receivedAt.getTime(),
  );
  if (refusal) throw new AppError(refusal.status, refusal.code, refusal.message, refusal.details);
  log.isAuthenticated = true;
  if (req.method === 'POST') {
    const conflict = dryRunConflict({
      webhookId,
      isDryRun: dryRun,
      isIdSpentByDryRun: context.receipt?.dryRun === true,
    });
    if (conflict) throw new AppError(400, conflict.code, conflict.message);
  }
  // A dry run changes nothing, so it takes nothing from the partner's bucket.
  const partnerVerdict = dryRun ? null : takeToken(env, partnerBucket(partner.id), limits.partner);

  // Parsing is pure: done beside the partner's bucket, acted upon once the bucket has answered.
  const { params, malformed } = paramsOfPostback(req.method, req.query, log.contentType ?? null, body);
  const read = malformed ? null : readPostback(partner, params, req.receivedAt);
  const input = read?.ok ? read.input : null;
  const visitorId = visitorIdOf(req.headers.cookie);
  const kept = input ? await hashSignals(env, input) : NOTHING_KEPT;
  // Reads that only the conversion's key and signals need, beside the bucket; none without a
  // signal to look up, unless a dry run must tell a repeat without trying to insert.
  const signals = input && candidateQuery(partner, input, kept, visitorId);
  const rateDay = input && !context.receipt && mayPost(partner, dryRun) ? rateDayOf(env, partner, input) : null;
  const lookups =
    input && signals && !context.receipt && mayPost(partner, dryRun) && (dryRun || hasCandidateSignals(signals))
      ? readIntakeLookups(db, keyOf(partner, input), signals, false, rateDay)
      : null;
  lookups?.catch(() => {});
  const quotes = rateDay && !lookups ? readRateDay(db, rateDay) : null;
  quotes?.catch(() => {});

  const verdict = await partnerVerdict;
  if (verdict && !verdict.allowed) throw rateLimited(verdict.retryAfterSec, 'partner');
  if (malformed || !read) throw malformed;
  const redacted = redactParams(params, partner.postbackParams);
  log.request = redacted;
  if (req.method === 'POST') log.body = redactedBody(log.contentType ?? null, redacted);
  if (context.receipt) {
    await insertPostbackLog(db, { ...log, outcome: 'duplicate', httpStatus: context.receipt.status });
    return { ...context.receipt, headers: { 'idempotent-replayed': 'true' } };
  }
  assertMayPost(partner, dryRun);
  if (!read.ok) throw read.error;

  const parsed = parsedForLog(read.input, kept, visitorId);
  const found = lookups ? await lookups : null;
  const result = await recordConversion(db, partner, read.input, {
    dryRun,
    visitorId,
    kept,
    plans: context.plans,
    lookups: found,
    rates: rateDay && { date: rateDay.date, quotes: found ? found.quotes : ((await quotes) ?? []) },
    // A dry run under an id not marked `dryrun_` keeps a receipt that spends the id.
    trailOf: (r) => trailOf(partner, log, r, parsed, isDryRunId(webhookId) ? null : webhookId),
  });
  return { ...answerOf(partner, result.conversion, result.status, dryRun), headers: {} };
}

const NOTHING_KEPT: KeptSignals = { customerHash: null, fingerprints: [] };

/** The key a partner's conversion is stored under, once. */
export const keyOf = (partner: Partner, input: DatedInput) => ({
  partnerId: partner.id,
  transactionId: input.transactionId,
  event: input.event,
});

/**
 * The log row of a result and, for a signed delivery, the answer its retries get: the same, as a
 * `duplicate`; for a dry run, its own answer marked `dryRun`, which refuses the id to real postbacks.
 */
function trailOf(
  partner: Partner,
  log: LogRow,
  result: IntakeResult,
  parsed: ParsedForLog,
  webhookId: string | null,
): PostbackTrail {
  const answer = answerOf(partner, result.conversion, result.status, result.dryRun);
  return {
    log: {
      ...log,
      outcome: result.dryRun ? 'dry_run' : result.status,
      httpStatus: answer.status,
      parsed,
      conversionId: result.dryRun ? null : result.conversion.id,
    },
    ...(webhookId
      ? {
          receipt: {
            partnerId: partner.id,
            webhookId,
            answer: result.dryRun
              ? { ...answer, dryRun: true }
              : answerOf(partner, result.conversion, 'duplicate', false),
          },
        }
      : {}),
  };
}
