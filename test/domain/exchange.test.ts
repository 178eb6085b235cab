import { describe, expect, it } from 'vitest';
import { convertMinor, crossRate, rateText, reportingMoney } from '../../src/domain/exchange';

const EUR_BASED = [
  { base: 'EUR', quote: 'USD', rate: '1.08' },
  { base: 'EUR', quote: 'GBP', rate: '0.8523' },
  { base: 'EUR', quote: 'JPY', rate: '162.47' },
];

describe('exchange rates', () => {
  it('reads a quoted rate directly, and its inverse through the base', () => {
    expect(crossRate(EUR_BASED, 'EUR', 'USD')).toBe('1.08');
    expect(crossRate(EUR_BASED, 'USD', 'EUR')).toBe('0.925925925926');
    expect(crossRate(EUR_BASED, 'EUR', 'EUR')).toBe('1');
  });

  it('crosses two quoted currencies through their common base', () => {
    // 0.8523 / 1.08 = 0.78916666...
    expect(crossRate(EUR_BASED, 'USD', 'GBP')).toBe('0.789166666667');
  });

  it('finds no rate for a currency the day does not quote', () => {
    expect(crossRate(EUR_BASED, 'CHF', 'EUR')).toBeNull();
    expect(crossRate([], 'USD', 'EUR')).toBeNull();
  });

  it('converts minor units between currencies of different decimals, half away from zero', () => {
    expect(convertMinor(10_000, 'USD', 'EUR', '0.925925925926')).toBe(9259);
    expect(convertMinor(1000, 'EUR', 'JPY', '162.47')).toBe(1625);
    expect(convertMinor(1625, 'JPY', 'EUR', '0.006154828584')).toBe(1000);
    expect(convertMinor(5, 'EUR', 'EUR', '1')).toBe(5);
    expect(convertMinor(1, 'EUR', 'USD', '1.5')).toBe(2);
  });

  it('keeps posted rates as their exact decimal text, and refuses noise', () => {
    expect(rateText(1.0856)).toBe('1.0856');
    expect(rateText(17253.41)).toBe('17253.41');
    expect(rateText(0.1 + 0.2)).toBeNull();
    expect(rateText(0)).toBeNull();
  });

  it('converts each figure of a conversion on its own, or none while the rate is missing', () => {
    const money = {
      currency: 'USD',
      amountMinor: 10_000,
      refundedAmountMinor: 3000,
      commissionMinor: 560,
      earnedCommissionMinor: 800,
    };
    expect(reportingMoney(money, 'EUR', '0.92')).toEqual({
      exchangeRate: '0.92',
      reportingAmountMinor: 9200,
      reportingRefundedMinor: 2760,
      reportingCommissionMinor: 515,
      reportingEarnedMinor: 736,
    });
    expect(reportingMoney(money, 'EUR', null).reportingCommissionMinor).toBeNull();
  });
});
