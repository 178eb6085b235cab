// A postback after authentication: the partner's state, its format read, the conversion recorded, the answer built.
import type { Db } from '../db/client';
import type { IntakeSnapshot } from '../db/conversions';
import type { Conversion, Partner } from '../db/schema';
import { renderAnswer } from '../domain/answer-template';
import { parseIp } from '../domain/ip-allowlist';
import { minorToMajor } from '../domain/money';
import { parsePostback } from '../domain/postback-input';
import type { ConversionInput } from '../domain/postback-schema';
import { AppError, invalidRequest } from '../http/errors';
import { hashSignals } from './attribution';
import { type IntakeResult, type IntakeStatus, recordConversion } from './conversions';

/** What a postback asks, once its transport (query, form, JSON) is read. */
export type PostbackRequest = {
  partner: Partner;
  params: Record<string, unknown>;
  dryRun: boolean;
  receivedAt: Date;
  /** The `rl_vid` cookie when the postback came from the visitor's browser (a pixel). */
  visitorId: string | null;
  /** Hashes kept by the log entry being replayed. */
  kept?: { customerHash: string | null; fingerprints: string[] };
};

/** The answer body and type: the contract's JSON or the partner's answer template. */
export type PostbackAnswer = { status: number; contentType: string; body: string };

/** What the log keeps of a parsed postback: no raw IP, no raw customer id, only their keyed hashes. */
export type ParsedForLog = Omit<ConversionInput, 'ip' | 'customerId' | 'occurredAt'> & {
  occurredAt: string;
  customerHash: string | null;
  fingerprints: string[];
  visitorId: string | null;
};

export type PostbackOutcome = {
  result: IntakeResult;
  answer: PostbackAnswer;
  /** The answer a retry of the same delivery gets: the same, as a `duplicate`. */
  retryAnswer: PostbackAnswer;
  parsed: ParsedForLog;
};

/**
 * Partners that may post: `active` ones; `prospect` and `negotiating` ones only with `?dryRun=1`,
 * to test their integration; `paused` and `ended` ones never (403 `partner_inactive`).
 */
export function assertMayPost(partner: Partner, dryRun: boolean): void {
  if (partner.status === 'active') return;
  if (dryRun && (partner.status === 'prospect' || partner.status === 'negotiating')) return;
  const message =
    partner.status === 'paused' || partner.status === 'ended'
      ? `The partnership is ${partner.status}: postbacks are refused.`
      : `The partnership is not active yet (${partner.status}): only test postbacks with ?dryRun=1 are accepted.`;
  throw new AppError(403, 'partner_inactive', message, { partnerStatus: partner.status });
}

/** Turns "items[0].amount" into the path list the contract's `details` use. */
const pathOf = (path: string) => (path === '' ? [] : path.replace(/\[(\d+)\]/g, '.$1').split('.'));

/** A postback read in the partner's format: the conversion it reports, or the 400 naming every bad field. */
export type ReadPostback = { ok: true; input: ConversionInput & { occurredAt: Date } } | { ok: false; error: AppError };

/**
 * Reads a postback's parameters with the partner's names, status map and units; a conversion
 * without a time occurred when it was received. Pure: nothing is read or written.
 */
export function readPostback(partner: Partner, params: Record<string, unknown>, receivedAt: Date): ReadPostback {
  const parsed = parsePostback(params, {
    postbackParams: partner.postbackParams,
    statusMap: partner.statusMap,
    amountsInMinorUnits: partner.amountsInMinorUnits,
    defaultCurrency: partner.currency,
  });
  if (parsed.ok) return { ok: true, input: { ...parsed.value, occurredAt: parsed.value.occurredAt ?? receivedAt } };
  const fields = [...new Set(parsed.issues.map((i) => i.path.split(/[.[]/)[0]))].join(', ');
  return {
    ok: false,
    error: invalidRequest(
      `The postback is not valid (${fields}): ${parsed.issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
      parsed.issues.map((i) => ({ path: pathOf(i.path), message: i.message, code: 'invalid_postback_field' })),
    ),
  };
}

/**
 * Records the conversion a postback reports (or, in a dry run, works out what would happen).
 * Throws 403 for a partner that may not post, 400 naming every bad field, 409 for a forbidden
 * status change. `read` and `snapshot` save work already done by the caller.
 */
export async function processPostback(
  db: Db,
  env: Env,
  req: PostbackRequest & { read?: ReadPostback; snapshot?: Pick<IntakeSnapshot, 'existing' | 'plan'> },
): Promise<PostbackOutcome> {
  const { partner } = req;
  assertMayPost(partner, req.dryRun);
  const read = req.read ?? readPostback(partner, req.params, req.receivedAt);
  if (!read.ok) throw read.error;
  const { input } = read;
  const kept =
    req.kept ??
    (await hashSignals(env, {
      occurredAt: input.occurredAt,
      customerId: input.customerId,
      ip: input.ip,
      userAgent: input.userAgent,
    }));
  const result = await recordConversion(db, env, partner, input, {
    dryRun: req.dryRun,
    visitorId: req.visitorId,
    customerHash: kept.customerHash,
    fingerprints: kept.fingerprints,
    snapshot: req.snapshot,
  });
  const { ip: _ip, customerId: _customerId, ...rest } = input;
  return {
    result,
    answer: answerOf(partner, result, result.status),
    retryAnswer: answerOf(partner, result, 'duplicate'),
    parsed: {
      ...rest,
      occurredAt: input.occurredAt.toISOString(),
      customerHash: kept.customerHash,
      fingerprints: kept.fingerprints,
      visitorId: req.visitorId,
    },
  };
}

/** The attribution part of answers: method, click and link, confidence, time from click to conversion. */
export function attributionView(c: Conversion) {
  return {
    method: c.attributionMethod,
    clickId: c.clickId,
    linkId: c.linkId,
    confidence: c.attributionConfidence,
    clickToConversionMs: c.clickToConversionMs,
  };
}

/** The contract's answer (`{status, conversionId, attribution, commission, ...}`) or the partner's template. */
export function answerOf(partner: Partner, result: IntakeResult, status: IntakeStatus): PostbackAnswer {
  const c = result.conversion;
  const conversionId = result.dryRun && status === 'recorded' ? null : c.id;
  if (partner.answerTemplate) {
    return {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: renderAnswer(partner.answerTemplate, {
        status: result.dryRun ? 'dry_run' : status,
        conversionId: conversionId ?? '',
        transactionId: c.transactionId,
      }),
    };
  }
  const body = {
    status,
    conversionId,
    ...(result.dryRun ? { dryRun: true } : {}),
    transactionId: c.transactionId,
    event: c.event,
    conversionStatus: c.status,
    amount: minorToMajor(c.amountMinor, c.currency),
    currency: c.currency,
    commission: minorToMajor(c.commissionMinor, c.currency),
    attribution: attributionView(c),
  };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}

const REDACTED = '[redacted]';
const loose = (name: string) => name.toLowerCase().replace(/[_\-\s]/g, '');

/**
 * A copy of a postback's parameters fit for the log: the token removed, the customer id removed
 * (its keyed hash is kept beside), and every value that is an IP address replaced.
 */
export function redactParams(params: Record<string, unknown>, postbackParams: Record<string, string>) {
  const customerNames = new Set(
    (postbackParams.customerId ?? '')
      .split('|')
      .map((n) => n.trim())
      .filter(Boolean),
  );
  const drop = (key: string) =>
    loose(key) === 'token' || customerNames.has(key) || (customerNames.size === 0 && loose(key) === 'customerid');
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return parseIp(value) ? REDACTED : value;
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (!drop(key)) out[key] = scrub(value, 0);
  return out;
}
