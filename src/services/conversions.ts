// Changes to stored conversions: status changes and refunds (by postback or by hand), attaching a click by hand.
import type { Db } from '../db/client';
import { getConversion, type HistoryEntry, updateConversionIf } from '../db/conversions';
import type { Click, Conversion, ConversionItemRow, NewConversion } from '../db/schema';
import type { CommissionLine } from '../domain/commission';
import { type ConversionStatus, transition } from '../domain/conversion-status';
import { type ReportingMoney, reportingMoney } from '../domain/exchange';
import { minorToMajor } from '../domain/money';
import { commissionAfterRefunds, type PricedLine, type RefundAsk, refundOf } from '../domain/refunds';
import { AppError, invalidRequest } from '../http/errors';

/** A priced line as kept with its conversion, with its refund once there is one. */
export type DetailLine = CommissionLine & { refundedAmountMinor?: number; takenBackMinor?: number };

/** How a conversion's commission was computed, kept with it. */
export type CommissionDetail = {
  planId: string | null;
  currency: string;
  /** What the conversion earned before any refund, rejection or reversal. */
  earnedMinor: number;
  lines: DetailLine[];
  /** The refunded total and the commission it took back, once anything is refunded. */
  refund?: { refundedAmountMinor: number; takenBackMinor: number };
  /** For a conversion read from an affiliate network: the commission it reported first, and what the rules gave. */
  network?: { commissionMinor: number; rulesCommissionMinor: number };
};

/** Where a change comes from, as written in the conversion's history. */
export type ChangeSource = HistoryEntry['source'];

const MAX_ATTEMPTS = 5;

/** The answer when a conversion kept changing under every attempt. */
export const busy = () =>
  new AppError(503, 'busy', 'This conversion is being changed by another request; retry shortly.', undefined, {
    'Retry-After': '1',
  });

/** A change asked of a conversion: a new status, a refunded total, or both at once. */
export type ConversionChange = {
  /** The status asked; absent, the status stays (unless the whole amount is refunded). */
  to?: ConversionStatus;
  rawStatus?: string | null;
  reason?: string | null;
  /** The refunded totals asked (of the conversion and/or of its lines); absent, refunds stay. */
  refund?: RefundAsk;
  source: ChangeSource;
  /**
   * The commission the conversion earns now, as its affiliate network reports it: taken as the
   * truth over the partner's rules while the conversion pays (pending or approved).
   */
  commissionMinor?: number;
  /** Who asked, for a change by hand (see `conversionHistory.actor`). */
  actor?: string | null;
};

/** A change worked out: what to write, and the conversion as it will then be. */
export type PlannedChange = { patch: Partial<NewConversion>; history: HistoryEntry; after: Conversion };

const invalidTransition = (conversion: Conversion, to: ConversionStatus, why: string) =>
  new AppError(409, 'invalid_transition', why, { from: conversion.status, to, conversionId: conversion.id });

/**
 * Works out a change of status and/or refunded total, when the rules allow it. A refunded total
 * below the amount is a partial refund: the status stays (or moves as asked, such as pending ->
 * approved) and the commission is computed again on what remains of each line. The whole amount
 * refunded, or `reversed` asked without a total, reverses the conversion: commission 0.
 * Rejecting keeps the refunds and pays nothing. Answers null when nothing would change (the same
 * status and the same totals: a duplicate).
 * Refuses a total above the amount, or a line's above its line's, with 400 `invalid_request`
 * naming the field; a total below what is refunded already with 409 `invalid_refund`; a refund of
 * a rejected conversion and a move the rules forbid with 409 `invalid_transition`. Writes nothing.
 */
export function planChange(conversion: Conversion, change: ConversionChange, now = new Date()): PlannedChange | null {
  const from = conversion.status;
  const lines = linesOf(conversion);
  const amount = conversion.amountMinor;
  const major = (minor: number) => minorToMajor(minor, conversion.currency);
  let refund = { refundedAmountMinor: conversion.refundedAmountMinor, lines: lines.refunded };
  if (change.refund) {
    const asked = refundOf(amount, lines.amounts, change.refund, lines.refunded);
    if (!asked.ok) {
      const { path, message } = asked.problem;
      const field = path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .slice(1);
      throw invalidRequest(`${field} ${message}.`, [{ path, message, code: 'custom' }]);
    }
    if (asked.refundedAmountMinor < conversion.refundedAmountMinor) {
      throw new AppError(
        409,
        'invalid_refund',
        `refundedAmount is the total refunded so far: ${major(conversion.refundedAmountMinor)} is refunded already, so it cannot be ${major(asked.refundedAmountMinor)}.`,
        {
          conversionId: conversion.id,
          refundedAmount: major(conversion.refundedAmountMinor),
          asked: major(asked.refundedAmountMinor),
        },
      );
    }
    // Line figures are totals too: a line's refund may grow, never shrink.
    const lower = asked.lines.findIndex((r, i) => r < (lines.refunded[i] ?? 0));
    if (lower >= 0) {
      throw new AppError(
        409,
        'invalid_refund',
        `items[${lower}].refundedAmount is the total refunded of that line so far: ${major(lines.refunded[lower] ?? 0)} is refunded already, so it cannot be ${major(asked.lines[lower] ?? 0)}.`,
        {
          conversionId: conversion.id,
          line: lower,
          refundedAmount: major(lines.refunded[lower] ?? 0),
          asked: major(asked.lines[lower] ?? 0),
        },
      );
    }
    refund = asked;
  }
  let to = change.to ?? from;
  if (transition(from, to) === 'invalid') {
    throw invalidTransition(
      conversion,
      to,
      `A ${from} conversion cannot become ${to}: pending may become approved, rejected or reversed; approved may become reversed; rejected and reversed are final.`,
    );
  }
  if (to === 'reversed' && from !== 'reversed') {
    if (!change.refund) refund = { refundedAmountMinor: amount, lines: [...lines.amounts] };
    else if (refund.refundedAmountMinor < amount) {
      const message =
        'is less than the amount: a reversal refunds all of it (leave the status out for a partial refund)';
      throw invalidRequest(`refundedAmount ${message}.`, [{ path: ['refundedAmount'], message, code: 'custom' }]);
    }
  }
  const isRefundChanged =
    refund.refundedAmountMinor !== conversion.refundedAmountMinor ||
    refund.lines.some((r, i) => r !== lines.refunded[i]);
  if (isRefundChanged && (to === 'rejected' || from === 'rejected')) {
    throw invalidTransition(conversion, to, 'A rejected conversion takes no refund: it earns nothing already.');
  }
  // The whole amount refunded is a reversal, whatever status came with it.
  if (amount > 0 && refund.refundedAmountMinor >= amount) to = 'reversed';
  const isPaying = to !== 'rejected' && to !== 'reversed';
  const askedCommission = isPaying ? change.commissionMinor : undefined;
  const isCommissionAsked = askedCommission !== undefined && askedCommission !== conversion.commissionMinor;
  if (to === from && !isRefundChanged && !isCommissionAsked) return null;

  const patch: Partial<NewConversion> = {};
  if (to !== from) {
    patch.status = to;
    if (to === 'approved') patch.approvedAt = now;
    if (to === 'rejected' || to === 'reversed') patch.reversalReason = change.reason ?? null;
  }
  if (change.rawStatus) patch.rawStatus = change.rawStatus;
  if (to === 'rejected' || to === 'reversed') patch.commissionMinor = 0;
  if (isRefundChanged) {
    patch.refundedAmountMinor = refund.refundedAmountMinor;
    if (conversion.items) {
      patch.items = conversion.items.map(
        (item, i): ConversionItemRow => ({
          ...item,
          refundedAmountMinor: refund.lines[i] ?? 0,
        }),
      );
    }
    const after = refunded(conversion, lines.priced, refund, to);
    if (to !== 'rejected' && to !== 'reversed') patch.commissionMinor = after.commissionMinor;
    if (after.detail) patch.commissionDetail = after.detail;
  }
  if (askedCommission !== undefined) patch.commissionMinor = askedCommission;
  Object.assign(patch, reportingPatch(conversion, patch));
  return {
    patch,
    history: {
      fromStatus: from,
      toStatus: to,
      amountMinor: amount,
      commissionBeforeMinor: conversion.commissionMinor,
      commissionMinor: patch.commissionMinor ?? conversion.commissionMinor,
      refundedAmountMinor: refund.refundedAmountMinor,
      reason: change.reason ?? null,
      source: change.source,
      actor: change.actor ?? null,
    },
    after: { ...conversion, ...patch, updatedAt: now } as Conversion,
  };
}

/**
 * A conversion's order lines: their amounts and refunded totals (one line of the whole amount
 * without items), and how they were priced when its commission detail lists them (older rows and
 * conversions priced elsewhere may not).
 */
function linesOf(c: Conversion): { amounts: number[]; refunded: number[]; priced: PricedLine[] | null } {
  const amounts = c.items?.length ? c.items.map((i) => i.amountMinor) : [c.amountMinor];
  const refunded = c.items?.length ? c.items.map((i) => i.refundedAmountMinor ?? 0) : [c.refundedAmountMinor];
  const detail = c.commissionDetail as CommissionDetail | null;
  const pricedLines = detail?.lines;
  const priced =
    Array.isArray(pricedLines) &&
    pricedLines.length === amounts.length &&
    pricedLines.every((l, i) => l.amountMinor === amounts[i])
      ? pricedLines
      : null;
  return { amounts, refunded, priced };
}

/** The commission and the commission detail once `refund` is applied to a conversion going `to`. */
function refunded(
  c: Conversion,
  priced: PricedLine[] | null,
  refund: { refundedAmountMinor: number; lines: number[] },
  to: ConversionStatus,
): { commissionMinor: number; detail: CommissionDetail | null } {
  // Lines priced by rules of ours are refunded one by one; anything else in proportion to the whole.
  const after = priced
    ? commissionAfterRefunds(priced, refund.lines)
    : commissionAfterRefunds(
        [{ amountMinor: c.amountMinor, rule: null, commissionMinor: c.earnedCommissionMinor }],
        [refund.refundedAmountMinor],
      );
  const isPaying = to !== 'rejected' && to !== 'reversed';
  const commissionMinor = isPaying ? after.commissionMinor : 0;
  const detail = c.commissionDetail as (CommissionDetail & { reversal?: unknown }) | null;
  if (!detail) return { commissionMinor, detail: null };
  // `reversal` was how a refund was kept before refunds were totals; `refund` replaces it.
  const { reversal: _replaced, ...kept } = detail;
  return {
    commissionMinor,
    detail: {
      ...kept,
      ...(priced && {
        lines: detail.lines.map((line, i) => ({
          ...line,
          refundedAmountMinor: refund.lines[i] ?? 0,
          takenBackMinor: line.commissionMinor - (isPaying ? (after.lines[i]?.commissionMinor ?? 0) : 0),
        })),
      }),
      refund: {
        refundedAmountMinor: refund.refundedAmountMinor,
        takenBackMinor: c.earnedCommissionMinor - commissionMinor,
      },
    },
  };
}

/**
 * The reporting figures of a conversion once `patch` is applied, at the rate it already has: a
 * change of commission or refund is converted at the rate of the day the conversion occurred.
 */
export function reportingPatch(conversion: Conversion, patch: Partial<NewConversion>): ReportingMoney {
  const after = { ...conversion, ...patch };
  return reportingMoney(after, after.reportingCurrency, after.exchangeRate ?? null);
}

/**
 * Applies a change of status and/or refund (see `planChange`): nothing when nothing changes,
 * else the patch with its history row, only while the conversion is still as read. Answers
 * `retry` when it changed under it (read it again and call again).
 */
export async function changeConversion(
  db: Db,
  conversion: Conversion,
  change: ConversionChange,
): Promise<{ changed: boolean; conversion: Conversion } | 'retry'> {
  const planned = planChange(conversion, change);
  if (!planned) return { changed: false, conversion };
  const updated = await updateConversionIf(db, conversion.id, expectedOf(conversion), planned.patch, planned.history);
  return updated ? { changed: true, conversion: updated } : 'retry';
}

/**
 * What a change was planned from: another change of status or refund since then voids the plan,
 * and so does the conversion's exchange rate arriving meanwhile (the plan's reporting figures were
 * computed without it, and writing them would take the conversion back to unconverted).
 */
export const expectedOf = (c: Conversion) => ({
  status: c.status,
  refundedAmountMinor: c.refundedAmountMinor,
  exchangeRate: c.exchangeRate,
});

/** `changeConversion` for the API: reads the conversion again whenever another change came first. */
export async function changeConversionById(
  db: Db,
  id: string,
  change: ConversionChange,
): Promise<Conversion | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getConversion(db, id);
    if (!current) return undefined;
    const result = await changeConversion(db, current, change);
    if (result !== 'retry') return result.conversion;
  }
  throw busy();
}

/**
 * Attaches an unattributed conversion to a human click of its partner, by hand. A conversion
 * already attributed is 409 `already_attributed`; the click must not be a bot's, nor later than
 * the conversion (400 naming `clickId`).
 */
export async function attachClick(
  db: Db,
  id: string,
  click: Click | undefined,
  actor: string,
): Promise<Conversion | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getConversion(db, id);
    if (!current) return undefined;
    if (current.attributionMethod !== 'none') {
      throw new AppError(
        409,
        'already_attributed',
        `This conversion is already attributed (${current.attributionMethod}).`,
        {
          method: current.attributionMethod,
          clickId: current.clickId,
        },
      );
    }
    const bad = (message: string) =>
      new AppError(400, 'invalid_request', message, [{ path: ['clickId'], message, code: 'custom' }]);
    if (!click || click.partnerId !== current.partnerId)
      throw bad('No click of this conversion’s partner has this id.');
    if (click.isBot) throw bad('This click was made by a bot; bots never earn a conversion.');
    const ageMs = current.occurredAt.getTime() - click.createdAt.getTime();
    if (ageMs < 0) throw bad('This click was made after the conversion.');
    const updated = await updateConversionIf(
      db,
      id,
      { status: current.status, attributionMethod: 'none' },
      {
        attributionMethod: 'click_id',
        clickId: click.id,
        linkId: click.linkId,
        attributionConfidence: 1,
        clickToConversionMs: ageMs,
      },
      {
        fromStatus: current.status,
        toStatus: current.status,
        amountMinor: current.amountMinor,
        commissionBeforeMinor: current.commissionMinor,
        commissionMinor: current.commissionMinor,
        refundedAmountMinor: current.refundedAmountMinor,
        reason: `attributed by hand to click ${click.id}`,
        source: 'api',
        actor,
      },
    );
    if (updated) return updated;
  }
  throw busy();
}
