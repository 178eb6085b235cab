// Attribution of a conversion to a click: gathers the candidates of every method, then lets the pure rules decide.

import { type CandidateSet, findCandidates } from '../db/attribution';
import type { Db } from '../db/client';
import type { Conversion, Partner } from '../db/schema';
import { ATTRIBUTION_CONFIDENCE, ATTRIBUTION_ORDER, type Attribution, pickAttribution } from '../domain/attribution';
import { fingerprintDay, fingerprintOf, userHash } from '../domain/identity';
import type { KeptSignals } from '../domain/postback-log-entry';

export type { KeptSignals };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What a conversion says about who brought it. Raw values (`customerId`, `ip`, `userAgent`) come
 * from a postback and are hashed here, never stored; hashed ones (`customerHash`, `fingerprints`)
 * come from a stored conversion (see `signalsOfConversion`). Both may be given.
 */
export type AttributionSignals = {
  occurredAt: Date;
  clickId?: string | null;
  referralCode?: string | null;
  coupon?: string | null;
  customerId?: string | null;
  customerHash?: string | null;
  visitorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  fingerprints?: readonly string[];
};

/** What the candidate clicks of a conversion are looked up by: its signals, hashed, within the partner's window. */
export function candidateQuery(
  partner: Pick<Partner, 'id' | 'attributionWindowDays'>,
  input: Pick<AttributionSignals, 'occurredAt' | 'clickId' | 'referralCode' | 'coupon'>,
  kept: KeptSignals,
  visitorId: string | null,
) {
  return {
    partnerId: partner.id,
    occurredAt: input.occurredAt,
    windowDays: partner.attributionWindowDays,
    clickId: input.clickId,
    referralCode: input.referralCode,
    coupon: input.coupon,
    customerHash: kept.customerHash,
    visitorId,
    fingerprints: kept.fingerprints,
  };
}

/**
 * The keyed hashes of a postback's raw identifiers: the customer's user hash and the fingerprints
 * salted with the conversion's UTC day and the day before (a matching click is at most 24 h older).
 */
export async function hashSignals(env: Env, s: AttributionSignals): Promise<KeptSignals> {
  const customerHash = s.customerHash ?? (s.customerId ? await userHash(env.HASH_KEY, s.customerId) : null);
  const fingerprints = [...(s.fingerprints ?? [])];
  if (fingerprints.length === 0 && s.ip && s.userAgent) {
    const at = s.occurredAt.getTime();
    for (const day of [fingerprintDay(at), fingerprintDay(at - DAY_MS)]) {
      fingerprints.push(await fingerprintOf(env.HASH_KEY, s.ip, s.userAgent, day));
    }
  }
  return { customerHash, fingerprints };
}

/** The signals of a stored conversion, for attributing it again (the reconciliation job). */
export function signalsOfConversion(c: Conversion): AttributionSignals {
  return {
    occurredAt: c.occurredAt,
    clickId: c.reportedClickId,
    referralCode: c.referralCode,
    coupon: c.coupon,
    customerHash: c.customerHash,
    visitorId: c.visitorId,
    fingerprints: [c.fingerprint, c.previousDayFingerprint].filter((f): f is string => Boolean(f)),
  };
}

const rank = (method: Attribution['method']) => ATTRIBUTION_ORDER.indexOf(method as (typeof ATTRIBUTION_ORDER)[number]);

/**
 * Finds which click earns a conversion, in this order: the click id sent (a human click of this
 * partner), the referral code, the coupon, the customer's user hash (cross-device), the visitor
 * cookie, and a fingerprint matching exactly one click of the last 24 h. Only human clicks of
 * `partner` made inside its attribution window (both ends included) count; the newest wins.
 * A referral code or coupon of the partner with no click on its link still attributes, to the
 * code itself: `clickId` null, `linkId` the code's link. Nothing found: method `none`.
 *
 * Stable entry point, also used by the reconciliation job for late attribution: pass
 * `signalsOfConversion(row)` for a stored conversion. It reads D1 only and stores nothing.
 * @example await attributeConversion(db, env, partner, { occurredAt: new Date(), clickId: '01JD...' })
 * // { method: 'click_id', clickId: '01JD...', linkId: 'lnk_...', confidence: 1, clickToConversionMs: 5400000 }
 */
export async function attributeConversion(
  db: Db,
  env: Env,
  partner: Pick<Partner, 'id' | 'attributionWindowDays'>,
  input: AttributionSignals,
): Promise<Attribution> {
  const kept = await hashSignals(env, input);
  const found = await findCandidates(db, candidateQuery(partner, input, kept, input.visitorId ?? null));
  return attributionFrom(found, partner, input.occurredAt);
}

/**
 * The attribution the candidates found for a conversion earn, by the order of methods; a
 * referral code or coupon of the partner attributes to the code itself when no stronger method
 * found a click. Decides only: the candidates were read already.
 */
export function attributionFrom(
  found: CandidateSet,
  partner: Pick<Partner, 'id' | 'attributionWindowDays'>,
  occurredAt: Date,
): Attribution {
  const picked = pickAttribution(found.candidates, partner.id, occurredAt, partner.attributionWindowDays);
  // A code names its referrer even before any click on its link: it outranks every weaker method.
  const codes = [
    { method: 'referral_code' as const, linkId: found.referralCode?.linkId, exists: Boolean(found.referralCode) },
    { method: 'coupon' as const, linkId: found.coupon?.linkId, exists: Boolean(found.coupon) },
  ];
  for (const code of codes) {
    if (code.exists && (picked.method === 'none' || rank(picked.method) > rank(code.method))) {
      return {
        method: code.method,
        clickId: null,
        linkId: code.linkId ?? null,
        confidence: ATTRIBUTION_CONFIDENCE[code.method],
        clickToConversionMs: null,
      };
    }
  }
  return picked;
}
