// Recording conversions exactly once, changing their status, and attaching them to clicks by hand.
import type { Db } from '../db/client';
import {
  findConversion,
  getConversion,
  type HistoryEntry,
  type IntakeSnapshot,
  insertConversionOnce,
  updateConversionIf,
} from '../db/conversions';
import { rulesInForce } from '../db/partners';
import type { Click, Conversion, NewConversion, Partner } from '../db/schema';
import type { Attribution } from '../domain/attribution';
import { type CommissionLine, type CommissionRule, commissionFor, reverseCommission } from '../domain/commission';
import { type ConversionStatus, transition } from '../domain/conversion-status';
import { newId } from '../domain/ids';
import type { ConversionInput } from '../domain/postback-schema';
import { AppError } from '../http/errors';
import { attributeConversion, hashSignals } from './attribution';

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

export type IntakeOptions = {
  /** Compute everything, store nothing. */
  dryRun: boolean;
  /** The `rl_vid` cookie, when the postback came from the visitor's browser. */
  visitorId?: string | null;
  /** Hashes kept from an earlier run of the same postback (a replay), used instead of raw values. */
  customerHash?: string | null;
  fingerprints?: string[];
  /** The stored conversion and plan in force, when already read (see `intakeSnapshot`). */
  snapshot?: Pick<IntakeSnapshot, 'existing' | 'plan'>;
};

export type IntakeStatus = 'recorded' | 'duplicate' | 'updated';

/** The conversion as stored (or, in a dry run, as it would be) and what the postback did to it. */
export type IntakeResult = { status: IntakeStatus; dryRun: boolean; conversion: Conversion };

const MAX_ATTEMPTS = 5;

const busy = () =>
  new AppError(503, 'busy', 'This conversion is being changed by another request; retry shortly.', undefined, {
    'Retry-After': '1',
  });

/**
 * Records a partner's conversion once per `(partner, transactionId, event)`: new ones are
 * attributed, priced and inserted (`recorded`); the same status again changes nothing
 * (`duplicate`); a new allowed status is applied (`updated`); any other is 409
 * `invalid_transition`. Concurrent identical calls store one row: the unique index decides
 * inserts and status changes only apply while the status is still the one read.
 * @example await recordConversion(db, env, partner, input, { dryRun: false }) // { status: 'recorded', conversion }
 */
export async function recordConversion(
  db: Db,
  env: Env,
  partner: Partner,
  input: ConversionInput,
  opts: IntakeOptions,
): Promise<IntakeResult> {
  // Unless it is known to exist, attributing and pricing start at once, beside the lookup: a repeat
  // wastes them, a new conversion (the usual case) saves a round trip.
  let fresh = opts.snapshot?.existing ? null : newConversion(db, env, partner, input, opts);
  fresh?.catch(() => {});
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existing =
      attempt === 0 && opts.snapshot
        ? opts.snapshot.existing
        : await findConversion(db, partner.id, input.transactionId, input.event);
    if (existing) {
      const change = await changeStatus(db, existing, {
        to: input.status,
        rawStatus: input.rawStatus,
        reason: input.reason,
        refundedAmountMinor: input.amountMinor,
        source: 'postback',
        dryRun: opts.dryRun,
      });
      if (change === 'retry') continue;
      return { status: change.changed ? 'updated' : 'duplicate', dryRun: opts.dryRun, conversion: change.conversion };
    }
    fresh ??= newConversion(db, env, partner, input, opts);
    const row = await fresh;
    if (opts.dryRun) return { status: 'recorded', dryRun: true, conversion: row };
    const inserted = await insertConversionOnce(db, row, {
      fromStatus: null,
      toStatus: row.status,
      amountMinor: row.amountMinor,
      commissionMinor: row.commissionMinor,
      reason: input.reason ?? null,
      source: 'postback',
    });
    if (inserted) return { status: 'recorded', dryRun: false, conversion: inserted };
    // Another request inserted the same conversion meanwhile: read it and answer as a repeat.
  }
  throw busy();
}

async function newConversion(
  db: Db,
  env: Env,
  partner: Partner,
  input: ConversionInput,
  opts: IntakeOptions,
): Promise<Conversion> {
  const now = new Date();
  const occurredAt = input.occurredAt ?? now;
  const kept = await hashSignals(env, {
    occurredAt,
    customerId: input.customerId,
    customerHash: opts.customerHash,
    ip: input.ip,
    userAgent: input.userAgent,
    fingerprints: opts.fingerprints,
  });
  const [attribution, plan] = await Promise.all([
    attributeConversion(db, env, partner, {
      occurredAt,
      clickId: input.clickId,
      referralCode: input.referralCode,
      coupon: input.coupon,
      customerHash: kept.customerHash,
      visitorId: opts.visitorId,
      fingerprints: kept.fingerprints,
    }),
    opts.snapshot ? opts.snapshot.plan : rulesInForce(db, partner.id, occurredAt),
  ]);
  const commission = commissionFor((plan?.rules ?? partner.commissionRules) as CommissionRule[], {
    event: input.event,
    category: input.category,
    amountMinor: input.amountMinor,
    currency: input.currency,
    items: input.items,
  });
  const detail: CommissionDetail = {
    planId: plan?.planId ?? null,
    currency: commission.currency,
    earnedMinor: commission.commissionMinor,
    lines: commission.lines,
  };
  let commissionMinor = commission.commissionMinor;
  let refundedAmountMinor = 0;
  // Reported already rejected or reversed: it is kept (with what it would have earned) but pays nothing.
  if (input.status === 'rejected' || input.status === 'reversed') {
    commissionMinor = 0;
    if (input.status === 'reversed') {
      refundedAmountMinor = input.amountMinor;
      detail.reversal = { refundedAmountMinor, takenBackMinor: commission.commissionMinor };
    }
  }
  const row: NewConversion & { id: string } = {
    id: newId('cnv'),
    partnerId: partner.id,
    transactionId: input.transactionId,
    event: input.event,
    status: input.status,
    rawStatus: input.rawStatus ?? null,
    amountMinor: input.amountMinor,
    currency: input.currency,
    commissionMinor,
    commissionDetail: detail,
    category: input.category ?? null,
    items: input.items ?? null,
    coupon: input.coupon ?? null,
    referralCode: input.referralCode?.toUpperCase() ?? null,
    customerHash: kept.customerHash,
    ...attributionColumns(attribution),
    reportedClickId: input.clickId ?? null,
    visitorId: opts.visitorId ?? null,
    fingerprint: kept.fingerprints[0] ?? null,
    previousDayFingerprint: kept.fingerprints[1] ?? null,
    occurredAt,
    refundedAmountMinor,
    reversalReason: input.status === 'pending' || input.status === 'approved' ? null : (input.reason ?? null),
    approvedAt: input.status === 'approved' ? now : null,
    createdAt: now,
    updatedAt: now,
  };
  return row as Conversion;
}

function attributionColumns(a: Attribution) {
  return {
    attributionMethod: a.method,
    clickId: a.clickId,
    linkId: a.linkId,
    attributionConfidence: a.confidence,
    clickToConversionMs: a.clickToConversionMs,
  };
}

export type StatusChange = {
  to: ConversionStatus;
  rawStatus?: string | null;
  reason?: string | null;
  /** For a reversal: the refunded part of the amount; 0, absent or the whole amount reverse it all. */
  refundedAmountMinor?: number;
  source: ChangeSource;
  dryRun?: boolean;
};

/**
 * Moves a conversion to a new status when the rules allow it: rejecting takes its whole
 * commission back, reversing takes back the share of the refunded amount (all of it for a full
 * refund). The same status changes nothing; a forbidden move is 409 `invalid_transition`.
 * Answers `retry` when the conversion changed under it (read it again and call again).
 */
export async function changeStatus(
  db: Db,
  conversion: Conversion,
  change: StatusChange,
): Promise<{ changed: boolean; conversion: Conversion } | 'retry'> {
  const from = conversion.status;
  const kind = transition(from, change.to);
  if (kind === 'same') return { changed: false, conversion };
  if (kind === 'invalid') {
    throw new AppError(
      409,
      'invalid_transition',
      `A ${from} conversion cannot become ${change.to}: pending may become approved, rejected or reversed; approved may become reversed; rejected and reversed are final.`,
      { from, to: change.to, conversionId: conversion.id },
    );
  }
  const now = new Date();
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
  const commissionMinor = patch.commissionMinor ?? conversion.commissionMinor;
  if (change.dryRun) {
    return { changed: true, conversion: { ...conversion, ...patch, updatedAt: now } as Conversion };
  }
  const updated = await updateConversionIf(db, conversion.id, { status: from }, patch, {
    fromStatus: from,
    toStatus: change.to,
    amountMinor: historyAmount,
    commissionMinor,
    reason: change.reason ?? null,
    source: change.source,
  });
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
        commissionMinor: current.commissionMinor,
        reason: `attributed by hand to click ${click.id}`,
        source: 'api',
      },
    );
    if (updated) return updated;
  }
  throw busy();
}
