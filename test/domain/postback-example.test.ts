// A partner's postback in its own names: the name of each field, and an example sale that intake reads back.
import { describe, expect, it } from 'vitest';
import { examplePostback, postbackParamNames } from '../../src/domain/postback-example';
import { parsePostback } from '../../src/domain/postback-input';
import { PRESETS } from '../../src/domain/postback-presets';

describe('postbackParamNames', () => {
  it('names every canonical field, under its own name when the partner maps none', () => {
    const names = postbackParamNames({});
    expect(names.map((n) => n.field)).toEqual([
      'clickId',
      'transactionId',
      'amount',
      'refundedAmount',
      'currency',
      'category',
      'status',
      'event',
      'coupon',
      'referralCode',
      'customerId',
      'occurredAt',
      'items',
      'ip',
      'userAgent',
      'reason',
    ]);
    expect(names[1]).toEqual({ field: 'transactionId', name: 'transactionId', alternatives: [], isMapped: false });
  });

  it('gives the first of a mapping’s alternatives as the name, the others as also read', () => {
    const names = postbackParamNames({ transactionId: ' order_id | OrderRef ', amount: 'sale_amount' });
    expect(names.find((n) => n.field === 'transactionId')).toEqual({
      field: 'transactionId',
      name: 'order_id',
      alternatives: ['OrderRef'],
      isMapped: true,
    });
    expect(names.find((n) => n.field === 'amount')).toMatchObject({ name: 'sale_amount', alternatives: [] });
  });
});

describe('examplePostback', () => {
  const partner = { postbackParams: {}, currency: 'EUR', amountsInMinorUnits: false };

  it('is a sale of 49.90 in the partner’s currency, in canonical names by default', () => {
    expect(examplePostback(partner, { transactionId: 'T-1', clickId: 'C-1' })).toEqual({
      clickId: 'C-1',
      transactionId: 'T-1',
      amount: '49.90',
      currency: 'EUR',
    });
    expect(examplePostback(partner, { transactionId: 'T-1' })).toEqual({
      transactionId: 'T-1',
      amount: '49.90',
      currency: 'EUR',
    });
  });

  it('writes the amount in minor units, or with the currency’s own decimals', () => {
    expect(examplePostback({ ...partner, amountsInMinorUnits: true }, { transactionId: 'T' }).amount).toBe('4990');
    expect(examplePostback({ ...partner, currency: 'JPY' }, { transactionId: 'T' }).amount).toBe('4990');
    expect(examplePostback({ ...partner, currency: 'KWD' }, { transactionId: 'T' }).amount).toBe('4.990');
  });

  it('is read back by intake as the sale it describes, for each platform preset', () => {
    for (const preset of Object.values(PRESETS)) {
      const config = { ...preset, currency: 'EUR' };
      const raw = examplePostback(config, { transactionId: 'ORDER-1001', clickId: 'CLICK1' });
      const read = parsePostback(raw, { ...preset, defaultCurrency: 'EUR' });
      expect(read).toMatchObject({
        ok: true,
        value: { clickId: 'CLICK1', transactionId: 'ORDER-1001', amountMinor: 4990, currency: 'EUR', event: 'sale' },
      });
    }
  });
});
