import { describe, expect, it } from 'vitest';
import {
  conversionRate,
  dailyAggregatePayload,
  earningsPerClick,
  presentFigures,
  TIME_TO_CONVERSION_BUCKETS,
  timeToConversionDistribution,
} from '../../src/domain/aggregation';

const figures = (overrides = {}) => ({
  clicks: 300,
  uniqueClicks: 250,
  botClicks: 12,
  conversions: 3,
  leads: 1,
  addToCarts: 0,
  sales: 2,
  revenueMinor: 12_345,
  commissionMinor: 1_000,
  refundedMinor: 2_500,
  commissionReversedMinor: 200,
  unconvertedConversions: 1,
  medianTimeToConversionMs: 90_000,
  ...overrides,
});
const eur = (minor: number) => minor / 100;

describe('rates', () => {
  it('divides by counted clicks, and is 0 without clicks', () => {
    expect(conversionRate(3, 200)).toBe(0.015);
    expect(conversionRate(1, 3)).toBe(0.3333);
    expect(conversionRate(3, 0)).toBe(0);
    expect(earningsPerClick(10, 300)).toBe(0.0333);
    expect(earningsPerClick(10, 0)).toBe(0);
  });
});

describe('dailyAggregatePayload', () => {
  it('is the contract push body, money in major units, refunds beside it, links in a stable order', () => {
    const payload = dailyAggregatePayload(
      '2026-11-24',
      'ptn_1',
      'EUR',
      figures(),
      [
        { linkId: 'lnk_b', slug: 'b', ...figures({ clicks: 100, commissionMinor: 0 }) },
        { linkId: 'lnk_a', slug: 'a', ...figures({ clicks: 200 }) },
      ],
      eur,
    );
    expect(payload.type).toBe('daily_aggregate');
    expect(payload.date).toBe('2026-11-24');
    expect(payload.partnerId).toBe('ptn_1');
    expect(payload.totals).toEqual({
      clicks: 300,
      uniqueClicks: 250,
      botClicks: 12,
      conversions: 3,
      leads: 1,
      addToCarts: 0,
      sales: 2,
      revenue: 123.45,
      commission: 10,
      refunded: 25,
      commissionReversed: 2,
      unconvertedConversions: 1,
      conversionRate: 0.01,
      epc: 0.0333,
      medianTimeToConversionMs: 90_000,
    });
    expect(payload.links.map((l) => l.linkId)).toEqual(['lnk_a', 'lnk_b']);
    expect(payload.links[1]).toMatchObject({ slug: 'b', clicks: 100, commission: 0, epc: 0 });
  });

  it('presents zero figures without dividing by zero', () => {
    expect(presentFigures(figures({ clicks: 0, conversions: 0 }), eur)).toMatchObject({ conversionRate: 0, epc: 0 });
  });
});

describe('timeToConversionDistribution', () => {
  it('lists every bucket, shortest first, with its bounds and share', () => {
    const rows = timeToConversionDistribution(
      new Map([
        [0, 1],
        [2, 2],
        [7, 5],
      ]),
    );
    expect(rows).toHaveLength(TIME_TO_CONVERSION_BUCKETS.length);
    expect(rows[0]).toEqual({ bucket: '<1m', minMs: 0, maxMs: 60_000, conversions: 1, share: 0.125 });
    expect(rows[1]).toEqual({ bucket: '1-10m', minMs: 60_000, maxMs: 600_000, conversions: 0, share: 0 });
    expect(rows[2]).toEqual({ bucket: '10-60m', minMs: 600_000, maxMs: 3_600_000, conversions: 2, share: 0.25 });
    expect(rows[7]).toEqual({ bucket: '>30d', minMs: 30 * 86_400_000, maxMs: null, conversions: 5, share: 0.625 });
  });

  it('rounds shares to four decimals', () => {
    const rows = timeToConversionDistribution(
      new Map([
        [0, 1],
        [1, 2],
      ]),
    );
    expect(rows.map((r) => r.share).slice(0, 2)).toEqual([0.3333, 0.6667]);
  });

  it('has every share 0 without conversions', () => {
    expect(timeToConversionDistribution(new Map()).every((r) => r.conversions === 0 && r.share === 0)).toBe(true);
  });
});
