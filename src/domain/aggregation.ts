// Daily figures: the dimensions of breakdowns, derived rates and the partner push payload (days are
// the programme's, src/domain/calendar.ts).
import type { ConversionStatus } from './conversion-status';
import { SUB_ID_PARAMS } from './destination';

/** 24 hours: a duration (time-to-conversion buckets, look-backs), never the length of a calendar day. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Dimensions a day can be broken down by; `source` is the utm_source, else the referrer host. */
export const BREAKDOWN_DIMENSIONS = ['source', 'device', 'country', 'placement', ...SUB_ID_PARAMS] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** Breakdown value of a click without the dimension, and of a conversion without a click. */
export const NO_VALUE = '(none)';
export const UNATTRIBUTED = '(unattributed)';

/** The partner-total row among the per-link rows of `daily_aggregates`. */
export const TOTAL_LINK_ID = '*';

/** Conversions counted in figures: rejected and reversed ones earned nothing. */
export const COUNTED_STATUSES = ['pending', 'approved'] as const satisfies readonly ConversionStatus[];

/**
 * Conversions per counted click (four decimals), 0 without clicks.
 * @example conversionRate(3, 200) // 0.015
 */
export function conversionRate(conversions: number, clicks: number): number {
  return clicks > 0 ? Math.round((conversions / clicks) * 10_000) / 10_000 : 0;
}

/**
 * Earnings per click: commission (major units) per counted click, four decimals, 0 without clicks.
 * @example earningsPerClick(10, 300) // 0.0333
 */
export function earningsPerClick(commissionMajor: number, clicks: number): number {
  return clicks > 0 ? Math.round((commissionMajor / clicks) * 10_000) / 10_000 : 0;
}

/** Upper bounds (excluded) of the time-to-conversion buckets; the last bucket is open. */
export const TIME_TO_CONVERSION_BUCKETS = [
  { label: '<1m', maxMs: 60_000 },
  { label: '1-10m', maxMs: 10 * 60_000 },
  { label: '10-60m', maxMs: 60 * 60_000 },
  { label: '1-6h', maxMs: 6 * 60 * 60_000 },
  { label: '6-24h', maxMs: DAY_MS },
  { label: '1-7d', maxMs: 7 * DAY_MS },
  { label: '7-30d', maxMs: 30 * DAY_MS },
  { label: '>30d', maxMs: null },
] as const;

/**
 * Conversions per time-to-conversion bucket, with the bucket's bounds and its share of all of
 * them (four decimals). `counts` maps a bucket's index to its conversions; a missing one is 0.
 * @example timeToConversionDistribution(new Map([[0, 1], [7, 3]]))[7]
 * // { bucket: '>30d', minMs: 2592000000, maxMs: null, conversions: 3, share: 0.75 }
 */
export function timeToConversionDistribution(counts: ReadonlyMap<number, number>) {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return TIME_TO_CONVERSION_BUCKETS.map((b, i) => {
    const conversions = counts.get(i) ?? 0;
    return {
      bucket: b.label,
      minMs: i === 0 ? 0 : (TIME_TO_CONVERSION_BUCKETS[i - 1]?.maxMs ?? 0),
      maxMs: b.maxMs,
      conversions,
      share: total ? Math.round((conversions / total) * 10_000) / 10_000 : 0,
    };
  });
}

/** Figures of one row of `daily_aggregates`, as the push sends them. */
export type DayFigures = {
  clicks: number;
  uniqueClicks: number;
  botClicks: number;
  conversions: number;
  leads: number;
  addToCarts: number;
  sales: number;
  revenueMinor: number;
  commissionMinor: number;
  refundedMinor: number;
  commissionReversedMinor: number;
  unconvertedConversions: number;
  medianTimeToConversionMs: number | null;
};

/**
 * Public figures: money in major units of `currency`, rates derived. Revenue and commission are
 * what remains after refunds; what refunds took is given beside them.
 */
export function presentFigures(f: DayFigures, toMajor: (minor: number) => number) {
  return {
    clicks: f.clicks,
    uniqueClicks: f.uniqueClicks,
    botClicks: f.botClicks,
    conversions: f.conversions,
    leads: f.leads,
    addToCarts: f.addToCarts,
    sales: f.sales,
    revenue: toMajor(f.revenueMinor),
    commission: toMajor(f.commissionMinor),
    refunded: toMajor(f.refundedMinor),
    commissionReversed: toMajor(f.commissionReversedMinor),
    unconvertedConversions: f.unconvertedConversions,
    conversionRate: conversionRate(f.conversions, f.clicks),
    epc: earningsPerClick(toMajor(f.commissionMinor), f.clicks),
    medianTimeToConversionMs: f.medianTimeToConversionMs,
  };
}

/**
 * The body of the daily push: `{type: 'daily_aggregate', date, partnerId, currency, totals, links}`,
 * links ordered by id so that the same figures always make the same bytes.
 * @example dailyAggregatePayload('2026-11-24', 'ptn_1', 'EUR', total, [{ linkId: 'lnk_1', slug: 'frein', ...figures }], m)
 */
export function dailyAggregatePayload(
  date: string,
  partnerId: string,
  currency: string,
  totals: DayFigures,
  links: (DayFigures & { linkId: string; slug: string | null })[],
  toMajor: (minor: number) => number,
) {
  return {
    type: 'daily_aggregate' as const,
    date,
    partnerId,
    currency,
    totals: presentFigures(totals, toMajor),
    links: [...links]
      .sort((a, b) => (a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0))
      .map((l) => ({ linkId: l.linkId, slug: l.slug, ...presentFigures(l, toMajor) })),
  };
}
