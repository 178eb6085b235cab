// Which click earns a conversion: the pure decision, once the candidate clicks of each method are known.
import { z } from 'zod';

export const ATTRIBUTION_METHODS = [
  'click_id',
  'cookie',
  'referral_code',
  'coupon',
  'user',
  'fingerprint',
  'none',
] as const;
export const attributionMethodSchema = z.enum(ATTRIBUTION_METHODS);
export type AttributionMethod = z.infer<typeof attributionMethodSchema>;

/** Methods from the most to the least certain; the first that finds an eligible click wins. */
export const ATTRIBUTION_ORDER = [
  'click_id',
  'referral_code',
  'coupon',
  'user',
  'cookie',
  'fingerprint',
] as const satisfies readonly AttributionMethod[];

/** How sure each method is that the click led to the conversion. */
export const ATTRIBUTION_CONFIDENCE: Readonly<Record<Exclude<AttributionMethod, 'none'>, number>> = {
  click_id: 1,
  referral_code: 1,
  coupon: 1,
  user: 1,
  cookie: 0.9,
  fingerprint: 0.6,
};

// A fingerprint (IP, user agent, language) is shared by whole offices and households, so it
// is trusted only for a recent click that no other click of the partner could be mistaken for.
export const FINGERPRINT_LOOKBACK_MS = 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

export type CandidateClick = { id: string; partnerId: string; linkId: string; createdAt: Date; isBot: boolean };

export type Candidates = { method: AttributionMethod; clicks: CandidateClick[] };

export type Attribution = {
  method: AttributionMethod;
  clickId: string | null;
  linkId: string | null;
  confidence: number | null;
  clickToConversionMs: number | null;
};

const NONE: Attribution = { method: 'none', clickId: null, linkId: null, confidence: null, clickToConversionMs: null };

/**
 * Whether `click` may earn a conversion made at `conversionAt`: not after it, and at most
 * `windowDays` before it (both ends included).
 * @example isWithinWindow(click, new Date('2026-03-31T00:00:00Z'), 30) // true for a click on 2026-03-01T00:00:00Z
 */
export function isWithinWindow(
  click: Pick<CandidateClick, 'createdAt'>,
  conversionAt: Date,
  windowDays: number,
): boolean {
  const ageMs = conversionAt.getTime() - click.createdAt.getTime();
  return ageMs >= 0 && ageMs <= windowDays * DAY_MS;
}

/**
 * Walks the methods in `ATTRIBUTION_ORDER`; for each, keeps the clicks of `partnerId` that are
 * not bots and are within the window, and the most recent one wins (last click). A fingerprint
 * is accepted only when exactly one such click is less than 24 h old. Nothing found: `none`.
 * @example pickAttribution([{ method: 'cookie', clicks: [click] }], 'ptn_1', new Date(), 30)
 * // { method: 'cookie', clickId: click.id, linkId: click.linkId, confidence: 0.9, clickToConversionMs: ... }
 */
export function pickAttribution(
  candidates: Candidates[],
  partnerId: string,
  conversionAt: Date,
  windowDays: number,
): Attribution {
  for (const method of ATTRIBUTION_ORDER) {
    const eligible = new Map<string, CandidateClick>();
    for (const entry of candidates) {
      if (entry.method !== method) continue;
      for (const click of entry.clicks) {
        if (click.partnerId === partnerId && !click.isBot && isWithinWindow(click, conversionAt, windowDays)) {
          eligible.set(click.id, click);
        }
      }
    }
    let clicks = [...eligible.values()];
    if (method === 'fingerprint') {
      clicks = clicks.filter((c) => conversionAt.getTime() - c.createdAt.getTime() <= FINGERPRINT_LOOKBACK_MS);
      if (clicks.length !== 1) continue;
    }
    const last = clicks.reduce<CandidateClick | null>((best, c) => (best && !isLater(c, best) ? best : c), null);
    if (!last) continue;
    return {
      method,
      clickId: last.id,
      linkId: last.linkId,
      confidence: ATTRIBUTION_CONFIDENCE[method],
      clickToConversionMs: conversionAt.getTime() - last.createdAt.getTime(),
    };
  }
  return { ...NONE };
}

// Ties on time go to the greater id: click ids are ULIDs, which sort by creation.
function isLater(a: CandidateClick, b: CandidateClick): boolean {
  const diff = a.createdAt.getTime() - b.createdAt.getTime();
  return diff > 0 || (diff === 0 && a.id > b.id);
}
