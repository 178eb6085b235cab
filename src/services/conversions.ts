// Changes to stored conversions: status changes and refunds (by postback or by hand), attaching a click by hand.
import type { Db } from '../db/client';
import { getConversion, type HistoryEntry, updateConversionIf } from '../db/conversions';
import type { Click, Conversion, NewConversion } from '../db/schema';
import { type CommissionLine, reverseCommission } from '../domain/commission';
import { type ConversionStatus, transition } from '../domain/conversion-status';
import { type ReportingMoney, reportingMoney } from '../domain/exchange';
import { AppError } from '../http/errors';

/** How a conversion's commission was computed, kept with it. */
export type CommissionDetail = {
  planId: string | null;
  currency: string;
  /** What the conversion earned before any rejection or reversal. */
  earnedMinor: number;
  lines: CommissionLine[];
  reversal?: { refundedAmountMinor: number; takenBackMinor: number };
};

/** Where a change comes from, as written in the conversion's history. */
export type ChangeSource = HistoryEntry['source'];

const MAX_ATTEMPTS = 5;

/** The answer when a conversion kept changing under every attempt. */
export const busy = () =>
  new AppError(503, 'busy', 'This conversion is being changed by another request; retry shortly.', undefined, {
    'Retry-After': '1',
  });

export type StatusChange = {
  to: ConversionStatus;
  rawStatus?: string | null;
  reason?: string | null;
  /** For a reversal: the refunded part of the amount; 0, absent or the whole amount reverse it all. */
  refundedAmountMinor?: number;
  source: ChangeSource;
};

/** A status change worked out: what to write, and the conversion as it will then be. */
export type PlannedChange = { patch: Partial<NewConversion>; history: HistoryEntry; after: Conversion };

/**
 * Works out a move to a new status when the rules allow it: rejecting takes the whole commission
 * back, reversing takes back the share of the refunded amount (all of it for a full refund).
 * Answers null for the same status (nothing changes); a forbidden move is 409 `invalid_transition`.
 * Writes nothing.
 */
export function planStatusChange(conversion: Conversion, change: StatusChange, now = new Date()): PlannedChange | null {
  const from = conversion.status;
  const kind = transition(from, change.to);
  if (kind === 'same') return null;
  if (kind === 'invalid') {
    throw new AppError(
      409,
      'invalid_transition',
      `A ${from} conversion cannot become ${change.to}: pending may become approved, rejected or reversed; approved may become reversed; rejected and reversed are final.`,
      { from, to: change.to, conversionId: conversion.id },
    );
  }
  const patch: Partial<NewConversion> = { status: change.to };
  if (change.rawStatus) patch.rawStatus = change.rawStatus;
  let historyAmount = conversion.amountMinor;
  if (change.to === 'approved') patch.approvedAt = now;
  if (change.to === 'rejected') {
    patch.commissionMinor = 0;
    patch.reversalReason = change.reason ?? null;
  }
  if (change.to === 'reversed') {
    const asked = change.refundedAmountMinor ?? 0;
    const refunded = asked > 0 && asked < conversion.amountMinor ? asked : conversion.amountMinor;
    const takenBack = reverseCommission(conversion.commissionMinor, refunded, conversion.amountMinor);
    patch.commissionMinor = conversion.commissionMinor - takenBack;
    patch.refundedAmountMinor = refunded;
    patch.reversalReason = change.reason ?? null;
    patch.commissionDetail = {
      ...(conversion.commissionDetail as CommissionDetail | null),
      reversal: { refundedAmountMinor: refunded, takenBackMinor: takenBack },
    };
    historyAmount = refunded;
  }
  Object.assign(patch, reportingPatch(conversion, patch));
  return {
    patch,
    history: {
      fromStatus: from,
      toStatus: change.to,
      amountMinor: historyAmount,
      commissionBeforeMinor: conversion.commissionMinor,
      commissionMinor: patch.commissionMinor ?? conversion.commissionMinor,
      refundedAmountMinor: patch.refundedAmountMinor ?? conversion.refundedAmountMinor,
      reason: change.reason ?? null,
      source: change.source,
    },
    after: { ...conversion, ...patch, updatedAt: now } as Conversion,
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
 * Moves a conversion to a new status when the rules allow it (see `planStatusChange`). The same
 * status changes nothing; a forbidden move is 409 `invalid_transition`. Answers `retry` when the
 * conversion changed under it (read it again and call again).
 */
export async function changeStatus(
  db: Db,
  conversion: Conversion,
  change: StatusChange,
): Promise<{ changed: boolean; conversion: Conversion } | 'retry'> {
  const planned = planStatusChange(conversion, change);
  if (!planned) return { changed: false, conversion };
  const updated = await updateConversionIf(
    db,
    conversion.id,
    { status: conversion.status },
    planned.patch,
    planned.history,
  );
  return updated ? { changed: true, conversion: updated } : 'retry';
}

/** `changeStatus` for the API: reads the conversion again whenever another change came first. */
export async function changeStatusById(db: Db, id: string, change: StatusChange): Promise<Conversion | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getConversion(db, id);
    if (!current) return undefined;
    const result = await changeStatus(db, current, change);
    if (result !== 'retry') return result.conversion;
  }
  throw busy();
}

/**
 * Attaches an unattributed conversion to a human click of its partner, by hand. A conversion
 * already attributed is 409 `already_attributed`; the click must not be a bot's, nor later than
 * the conversion (400 naming `clickId`).
 */
export async function attachClick(db: Db, id: string, click: Click | undefined): Promise<Conversion | undefined> {
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
      },
    );
    if (updated) return updated;
  }
  throw busy();
}
