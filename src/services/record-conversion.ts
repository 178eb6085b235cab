// A postback's conversion attributed, priced and stored exactly once, its log row and kept answer in the same batch.
import type { NewAnomaly } from '../db/anomalies';
import type { CandidateSet } from '../db/attribution';
import type { Db } from '../db/client';
import { findConversion, type HistoryEntry, insertConversionOnce, updateConversionIf } from '../db/conversions';
import type { CommissionPlan } from '../db/intake';
import { insertTrail, type PostbackTrail } from '../db/postback-log';
import type { Conversion, NewConversion, Partner } from '../db/schema';
import { type CommissionRule, commissionFor } from '../domain/commission';
import { planInForce } from '../domain/commission-plan';
import { crossRate, type QuotedRate, reportingMoney } from '../domain/exchange';
import { newId } from '../domain/ids';
import { networkStatusFor } from '../domain/networks/disagreement';
import type { IntakeStatus } from '../domain/postback-answer';
import type { KeptSignals } from '../domain/postback-log-entry';
import type { ConversionInput } from '../domain/postback-schema';
import { AppError } from '../http/errors';
import { attributionFrom } from './attribution';
import { busy, type CommissionDetail, type ConversionChange, expectedOf, planChange } from './conversions';

/** The conversion as stored (or, in a dry run, as it would be) and what the postback did to it. */
export type IntakeResult = { status: IntakeStatus; dryRun: boolean; conversion: Conversion };

/** A postback's conversion as parsed, dated (a conversion without a time occurred when it was received). */
export type DatedInput = ConversionInput & { occurredAt: Date };

export type RecordOptions = {
  /** Work everything out, store nothing but the trail. */
  dryRun: boolean;
  /** The `rl_vid` cookie, when the postback came from the visitor's browser. */
  visitorId: string | null;
  /** The keyed hashes of the postback's customer id and fingerprints. */
  kept: KeptSignals;
  /** The partner's commission plans, all of them. */
  plans: readonly CommissionPlan[];
  /**
   * The conversion stored under the postback's key and the candidate clicks of its signals, when
   * they were read. Null when there was no signal to look up: the conversion is then inserted at
   * once, and a repeat is told by the insert's conflict, in the same round trip.
   */
  lookups: { existing: Conversion | undefined; found: CandidateSet } | null;
  /**
   * The exchange rates of the day the conversion occurred (in the programme's time zone), read
   * only when its currency is not the partner's: without a rate between the two, the conversion
   * is stored waiting for one, and flagged `missing_rate`.
   */
  rates?: { date: string; quotes: readonly QuotedRate[] } | null;
  /** The log row and kept answer of a result, written in the same batch as the conversion. */
  trailOf?: (result: IntakeResult) => PostbackTrail;
  /**
   * For a transaction read from the partner's affiliate network (see services/network-sync.ts):
   * the commission the network pays, stored as the conversion's instead of the rules' (which are
   * kept beside it, in its commission detail). The input's amount is then the amount as it stands
   * now: below the one stored, the difference is the refunded total (an amendment). Its changes
   * are written to the history with the source `network`. `ref` is the network's own id of the
   * transaction, stored with a new conversion (`networkRef`).
   */
  network?: { commissionMinor: number; ref?: string };
};

const MAX_ATTEMPTS = 5;
const NO_CANDIDATES: CandidateSet = { candidates: [], referralCode: null, coupon: null };

/**
 * Records a partner's conversion once per `(partner, transactionId, event)`: a new one is
 * attributed, priced (and refunded, if it says so) and inserted (`recorded`); the same status
 * and refunded total again change nothing (`duplicate`); a new allowed status or a larger
 * refunded total is applied (`updated`; see `planChange` for what is refused). Each outcome is
 * one D1 batch with its trail, so the log never says what the store did not do. Under
 * concurrency the unique index decides inserts, and a change applies only while the status and
 * the refunded total are still the ones read; the loser reads the winner and decides again
 * (503 `busy` after five tries).
 * @example await recordConversion(db, partner, input, { dryRun: false, visitorId: null, kept, plans, lookups: null })
 * // { status: 'recorded', dryRun: false, conversion: { id: 'cnv_...', ... } }
 */
export async function recordConversion(
  db: Db,
  partner: Partner,
  input: DatedInput,
  opts: RecordOptions,
): Promise<IntakeResult> {
  const key = { partnerId: partner.id, transactionId: input.transactionId, event: input.event };
  const written = async (result: IntakeResult) => {
    if (opts.trailOf) await insertTrail(db, opts.trailOf(result));
    return result;
  };
  let existing = opts.lookups ? opts.lookups.existing : opts.dryRun ? await findConversion(db, key).get() : undefined;
  let fresh: (NewConversion & { id: string }) | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (existing) {
      const planned = planChange(
        existing,
        opts.network ? networkChangeOf(existing, input, opts.network.commissionMinor) : changeOf(input),
      );
      if (!planned) return written({ status: 'duplicate', dryRun: opts.dryRun, conversion: existing });
      const result: IntakeResult = { status: 'updated', dryRun: opts.dryRun, conversion: planned.after };
      if (opts.dryRun) return written(result);
      const { patch, history } = planned;
      if (await updateConversionIf(db, existing.id, expectedOf(existing), patch, history, opts.trailOf?.(result))) {
        return result;
      }
      // Changed meanwhile by another request: read it again and decide anew.
      existing = await findConversion(db, key).get();
      continue;
    }
    try {
      fresh ??= newConversion(partner, input, opts);
    } catch (err) {
      // A refund or a status refused for a new conversion may be fine for one stored already
      // (looked up only now when nothing was read before the insert): decided as a repeat then.
      if (!(err instanceof AppError)) throw err;
      existing = await findConversion(db, key).get();
      if (!existing) throw err;
      continue;
    }
    const result: IntakeResult = { status: 'recorded', dryRun: opts.dryRun, conversion: fresh as Conversion };
    if (opts.dryRun) return written(result);
    const history = firstHistoryOf(fresh, {
      reason: input.reason ?? null,
      source: opts.network ? 'network' : 'postback',
    });
    const { inserted, stored } = await insertConversionOnce(
      db,
      fresh,
      history,
      opts.trailOf?.(result),
      fresh.exchangeRate === null ? missingRate(fresh, opts.rates?.date ?? null) : undefined,
    );
    if (inserted) return result;
    // Stored already, by an earlier postback or a concurrent one: answered as a repeat.
    existing = stored;
  }
  throw busy();
}

/**
 * What a postback asks of the conversion it names: its status, and the refunded totals it
 * carries. Without a status, a postback with a refund keeps the status the conversion has (it
 * is only a refund); any other postback states its status (`pending` when it names none).
 */
export function changeOf(input: ConversionInput): ConversionChange {
  const lines = input.items?.some((i) => i.refundedAmountMinor !== undefined)
    ? input.items.map((i) => i.refundedAmountMinor)
    : undefined;
  const refund =
    input.refundedAmountMinor !== undefined || lines
      ? { refundedAmountMinor: input.refundedAmountMinor, lines }
      : undefined;
  return {
    to: refund && input.rawStatus === undefined ? undefined : input.status,
    rawStatus: input.rawStatus,
    reason: input.reason,
    refund,
    source: 'postback',
  };
}

/**
 * What a network's transaction asks of the conversion stored for it: the status
 * `networkStatusFor` gives (never a move the rules forbid: Relais's status is kept then), the
 * amount it lost since (a lower sale amount is a partial refund, as a refunded total; an amount
 * back up undoes no refund, refunded totals only grow) and the commission the network now pays.
 * A rejected or reversed transaction asks its status alone. What Relais keeps against the
 * network is flagged by the sync (`networkDisagreement`), not refused.
 */
export function networkChangeOf(
  existing: Conversion,
  input: ConversionInput,
  commissionMinor: number,
): ConversionChange {
  const to = networkStatusFor(existing.status, input.status);
  const isPaying = to === 'pending' || to === 'approved';
  const refundedAmountMinor = existing.amountMinor - input.amountMinor;
  return {
    to,
    rawStatus: input.rawStatus,
    reason: input.reason,
    refund: isPaying && refundedAmountMinor > existing.refundedAmountMinor ? { refundedAmountMinor } : undefined,
    commissionMinor: isPaying ? commissionMinor : undefined,
    source: 'network',
  };
}

/**
 * The history row a conversion starts with: from no status to its first, with its amount,
 * commission and refunded total as recorded.
 * @example firstHistoryOf(newConversion(partner, input, opts), { reason: null, source: 'postback' })
 */
export function firstHistoryOf(
  row: NewConversion,
  { reason, source }: { reason: string | null; source: HistoryEntry['source'] },
): HistoryEntry {
  return {
    fromStatus: null,
    toStatus: row.status,
    amountMinor: row.amountMinor,
    commissionBeforeMinor: null,
    commissionMinor: row.commissionMinor,
    refundedAmountMinor: row.refundedAmountMinor,
    reason,
    source,
  };
}

/**
 * A new conversion as intake stores it, not stored yet: attributed from the candidates read,
 * priced by the plan in force (or the partner's rules), with its status and refund applied.
 */
export function newConversion(
  partner: Partner,
  input: DatedInput,
  opts: Pick<RecordOptions, 'visitorId' | 'kept' | 'plans' | 'lookups' | 'rates' | 'network'>,
): NewConversion & { id: string } {
  const now = new Date();
  const { occurredAt } = input;
  const attribution = attributionFrom(opts.lookups?.found ?? NO_CANDIDATES, partner, occurredAt);
  const plan = planInForce(opts.plans, occurredAt);
  const commission = commissionFor((plan?.rules ?? partner.commissionRules) as CommissionRule[], {
    event: input.event,
    category: input.category,
    amountMinor: input.amountMinor,
    currency: input.currency,
    items: input.items,
  });
  // A network's commission is the truth: the rules' is kept beside it, and refunds take back of it in proportion.
  const earnedMinor = opts.network?.commissionMinor ?? commission.commissionMinor;
  const detail: CommissionDetail = {
    planId: plan?.id ?? null,
    currency: commission.currency,
    earnedMinor,
    lines: opts.network ? [] : commission.lines,
    ...(opts.network && {
      network: { commissionMinor: earnedMinor, rulesCommissionMinor: commission.commissionMinor },
    }),
  };
  const money = {
    currency: input.currency,
    amountMinor: input.amountMinor,
    refundedAmountMinor: 0,
    commissionMinor: earnedMinor,
    earnedCommissionMinor: earnedMinor,
  };
  // Same currency: rate 1. Another: the day's rate, or none yet (converted once it is known).
  const rate = crossRate(opts.rates?.quotes ?? [], input.currency, partner.currency);
  const priced = {
    ...reportingMoney(money, partner.currency, rate),
    ...money,
    id: newId('cnv'),
    partnerId: partner.id,
    transactionId: input.transactionId,
    event: input.event,
    status: 'pending',
    rawStatus: input.rawStatus ?? null,
    reportingCurrency: partner.currency,
    commissionDetail: detail,
    category: input.category ?? null,
    items: input.items?.map(({ refundedAmountMinor: _asked, ...item }) => item) ?? null,
    coupon: input.coupon ?? null,
    referralCode: input.referralCode?.toUpperCase() ?? null,
    customerHash: opts.kept.customerHash,
    attributionMethod: attribution.method,
    clickId: attribution.clickId,
    linkId: attribution.linkId,
    attributionConfidence: attribution.confidence,
    clickToConversionMs: attribution.clickToConversionMs,
    reportedClickId: input.clickId ?? null,
    visitorId: opts.visitorId,
    fingerprint: opts.kept.fingerprints[0] ?? null,
    previousDayFingerprint: opts.kept.fingerprints[1] ?? null,
    occurredAt,
    reversalReason: null,
    approvedAt: null,
    networkRef: opts.network?.ref ?? null,
    createdAt: now,
    updatedAt: now,
  } satisfies NewConversion & { id: string };
  // Priced as pending and unrefunded first, so that a first postback is read as any later one.
  const change = opts.network
    ? { ...networkChangeOf(priced as Conversion, input, opts.network.commissionMinor), to: input.status }
    : { ...changeOf(input), to: input.status };
  const planned = planChange(priced as Conversion, change, now);
  return planned ? { ...priced, ...planned.patch } : priced;
}

/** The flag of a conversion stored without its day's exchange rate; resolved once it is converted. */
function missingRate(conversion: NewConversion & { id: string }, date: string | null): NewAnomaly {
  return {
    id: newId('anm'),
    partnerId: conversion.partnerId,
    conversionId: conversion.id,
    clickId: conversion.clickId ?? null,
    kind: 'missing_rate',
    subjectId: conversion.id,
    details: { date, currency: conversion.currency, reportingCurrency: conversion.reportingCurrency },
  };
}
