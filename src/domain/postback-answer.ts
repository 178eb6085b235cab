// What a partner is answered for its postback: the contract's JSON, or the partner's own answer template.

import { renderAnswer } from './answer-template';
import type { AttributionMethod } from './attribution';
import { minorToMajor } from './money';
import type { INTAKE_STATUSES } from './postback-outcome';

/** The answer's status, body and type, kept as such for a retried delivery. */
export type PostbackAnswer = { status: number; contentType: string; body: string };

export type IntakeStatus = (typeof INTAKE_STATUSES)[number];

/** The parts of a conversion an answer shows. */
export type AnsweredConversion = {
  id: string;
  transactionId: string;
  event: string;
  status: string;
  amountMinor: number;
  refundedAmountMinor: number;
  currency: string;
  commissionMinor: number;
  attributionMethod: AttributionMethod;
  clickId: string | null;
  linkId: string | null;
  attributionConfidence: number | null;
  clickToConversionMs: number | null;
};

/** The attribution part of answers: method, click and link, confidence, time from click to conversion. */
export function attributionView(c: AnsweredConversion) {
  return {
    method: c.attributionMethod,
    clickId: c.clickId,
    linkId: c.linkId,
    confidence: c.attributionConfidence,
    clickToConversionMs: c.clickToConversionMs,
  };
}

/**
 * The contract's answer (`{status, conversionId, attribution, commission, ...}`) or, when the
 * partner has one, its answer template as text. A dry run names no conversion it did not store.
 * @example answerOf({ answerTemplate: 'success=true;' }, conversion, 'recorded', false).body // 'success=true;'
 */
export function answerOf(
  partner: { answerTemplate: string | null },
  c: AnsweredConversion,
  status: IntakeStatus,
  dryRun: boolean,
): PostbackAnswer {
  const conversionId = dryRun && status === 'recorded' ? null : c.id;
  if (partner.answerTemplate) {
    return {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: renderAnswer(partner.answerTemplate, {
        status: dryRun ? 'dry_run' : status,
        conversionId: conversionId ?? '',
        transactionId: c.transactionId,
      }),
    };
  }
  const body = {
    status,
    conversionId,
    ...(dryRun ? { dryRun: true } : {}),
    transactionId: c.transactionId,
    event: c.event,
    conversionStatus: c.status,
    amount: minorToMajor(c.amountMinor, c.currency),
    refundedAmount: minorToMajor(c.refundedAmountMinor, c.currency),
    currency: c.currency,
    commission: minorToMajor(c.commissionMinor, c.currency),
    attribution: attributionView(c),
  };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}
