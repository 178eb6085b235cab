import { describe, expect, it } from 'vitest';
import { type ConversionFacts, findAnomalies, isAmountOutlier } from '../../src/domain/anomalies';

const facts = (overrides: Partial<ConversionFacts> = {}): ConversionFacts => ({
  conversionId: 'cnv_1',
  clickId: 'CLICK1',
  event: 'sale',
  amountMinor: 5_000,
  clickToConversionMs: 600_000,
  clickIsBot: false,
  conversionsOnClick: 1,
  usualAmount: { medianMinor: 4_000, samples: 50 },
  ...overrides,
});

describe('findAnomalies', () => {
  it('finds nothing in an ordinary conversion', () => {
    expect(findAnomalies(facts())).toEqual([]);
  });

  it('flags a conversion a few seconds after its click', () => {
    expect(findAnomalies(facts({ clickToConversionMs: 1_200 }))).toEqual([
      { kind: 'fast_conversion', subjectId: 'cnv_1', details: { clickToConversionMs: 1_200, thresholdMs: 5_000 } },
    ]);
    expect(findAnomalies(facts({ clickToConversionMs: 5_000 }))).toEqual([]);
  });

  it('flags a conversion on a bot click', () => {
    expect(findAnomalies(facts({ clickIsBot: true }))).toEqual([
      { kind: 'bot_click', subjectId: 'cnv_1', details: { clickId: 'CLICK1' } },
    ]);
  });

  it('flags a click carrying many conversions, once per click', () => {
    expect(findAnomalies(facts({ conversionsOnClick: 3 }))).toEqual([]);
    expect(findAnomalies(facts({ conversionsOnClick: 4 }))).toEqual([
      { kind: 'click_reused', subjectId: 'CLICK1', details: { conversions: 4, threshold: 3 } },
    ]);
  });

  it('flags an amount far off the usual one', () => {
    expect(findAnomalies(facts({ amountMinor: 40_000 }))).toEqual([
      { kind: 'amount_outlier', subjectId: 'cnv_1', details: { amountMinor: 40_000, medianMinor: 4_000, factor: 10 } },
    ]);
  });

  it('says nothing of a conversion without a click', () => {
    expect(
      findAnomalies(facts({ clickId: null, clickIsBot: null, clickToConversionMs: null, conversionsOnClick: 0 })),
    ).toEqual([]);
  });

  it('can find several things at once', () => {
    const kinds = findAnomalies(facts({ clickIsBot: true, clickToConversionMs: 10 })).map((f) => f.kind);
    expect(kinds).toEqual(['fast_conversion', 'bot_click']);
  });
});

describe('isAmountOutlier', () => {
  const usual = { medianMinor: 4_000, samples: 50 };
  it.each([
    [40_000, true],
    [39_999, false],
    [400, true],
    [401, false],
    [0, false],
  ])('%i against a median of 40.00: %s', (amount, outlier) => {
    expect(isAmountOutlier('sale', amount, usual)).toBe(outlier);
  });

  it('needs enough past sales to know what is usual', () => {
    expect(isAmountOutlier('sale', 1_000_000, { medianMinor: 4_000, samples: 19 })).toBe(false);
    expect(isAmountOutlier('sale', 1_000_000, null)).toBe(false);
  });

  it('looks at sales only', () => {
    expect(isAmountOutlier('lead', 1_000_000, usual)).toBe(false);
  });
});
