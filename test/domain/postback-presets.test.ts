// The presets of common tracking platforms: valid configurations that read each platform's postbacks.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/domain/postback-presets';
import { type PostbackConfig, postbackParamsSchema, statusMapSchema } from '../../src/domain/postback-schema';
import { issues, query, value } from '../support/postback-input';

describe('PRESETS', () => {
  const preset = (name: keyof typeof PRESETS, defaultCurrency = 'EUR'): PostbackConfig => ({
    ...PRESETS[name],
    defaultCurrency,
  });

  it('are valid partner configurations', () => {
    for (const p of Object.values(PRESETS)) {
      expect(postbackParamsSchema.safeParse(p.postbackParams).success).toBe(true);
      expect(statusMapSchema.safeParse(p.statusMap).success).toBe(true);
    }
  });

  it('read a TUNE postback', () => {
    const raw = query(
      'aff_sub=01JDQ7Z8V3K2M4N5P6Q7R8S9T0&transaction_id=102a4f6e3b2c&adv_sub=ORD-55120&amount=89.90&status=approved',
    );
    expect(value(raw, preset('tune'))).toEqual({
      clickId: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
      transactionId: 'ORD-55120',
      amountMinor: 8990,
      currency: 'EUR',
      status: 'approved',
      rawStatus: 'approved',
      event: 'sale',
    });
    const withoutAdvSub = query('aff_sub=C1&transaction_id=102a4f6e3b2c&amount=5');
    expect(value(withoutAdvSub, preset('tune')).transactionId).toBe('102a4f6e3b2c');
    expect(PRESETS.tune.answerTemplate).toBe('success=true;');
  });

  it('read an Everflow postback', () => {
    const raw = query(
      'transaction_id=01JDQ7Z8V3K2M4N5P6Q7R8S9T0&adv1=SO-88213&sale_amount=249.00&coupon_code=spring15&currency=usd',
    );
    expect(value(raw, preset('everflow'))).toEqual({
      clickId: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
      transactionId: 'SO-88213',
      amountMinor: 24900,
      currency: 'USD',
      status: 'pending',
      event: 'sale',
      coupon: 'SPRING15',
    });
  });

  it('read Keitaro postbacks through its statuses', () => {
    const cfg = preset('keitaro');
    const first = value(query('subid=3kq9d81b0c&tid=dep-1&status=lead&payout=25&currency=eur'), cfg);
    expect(first).toEqual({
      clickId: '3kq9d81b0c',
      transactionId: 'dep-1',
      amountMinor: 2500,
      currency: 'EUR',
      status: 'pending',
      rawStatus: 'lead',
      event: 'sale',
    });
    const status = (s: string) => value(query(`subid=x&tid=1&status=${s}&payout=1`), cfg).status;
    expect(status('sale')).toBe('approved');
    expect(status('rejected')).toBe('rejected');
    expect(status('reg')).toBe('pending');
    expect(status('billed')).toBe('approved');
    expect(status('canceled')).toBe('rejected');
    expect(status('rebill')).toBe('approved');
    expect(value(query('subid=x&tid=1&revenue=3.5'), cfg).amountMinor).toBe(350);
    expect(issues(query('subid=x&tid=1&status=trash'), cfg)[0]?.message).toContain('(parameter "status")');
  });

  it('read a Voluum postback with an event type', () => {
    const raw = query('cid=0fa3bc91d7e24a1b&payout=4.20&txid=L-5521&et=lead');
    expect(value(raw, preset('voluum'))).toEqual({
      clickId: '0fa3bc91d7e24a1b',
      transactionId: 'L-5521',
      amountMinor: 420,
      currency: 'EUR',
      status: 'pending',
      event: 'lead',
    });
  });

  it('read an Impact postback with indexed order lines', () => {
    const raw = query(
      'ClickId=01JDQ7Z8V3K2M4N5P6Q7R8S9T0&OrderId=IR-90017&SaleAmount=172.50&CurrencyCode=GBP' +
        '&OrderPromoCode=WELCOME5&CustomerId=c-8812&EventDate=2026-03-01T09:30:00-08:00' +
        '&ItemCategory1=tyres&ItemSku1=PZ-205&ItemQuantity1=2&ItemSubTotal1=150.00' +
        '&ItemCategory2=fitting&ItemSku2=FIT&ItemQuantity2=1&ItemSubTotal2=22.50',
    );
    expect(value(raw, preset('impact'))).toEqual({
      clickId: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
      transactionId: 'IR-90017',
      amountMinor: 17250,
      currency: 'GBP',
      status: 'pending',
      event: 'sale',
      coupon: 'WELCOME5',
      customerId: 'c-8812',
      occurredAt: new Date('2026-03-01T17:30:00Z'),
      items: [
        { category: 'tyres', amountMinor: 15000, sku: 'PZ-205', quantity: 2 },
        { category: 'fitting', amountMinor: 2250, sku: 'FIT', quantity: 1 },
      ],
    });
  });

  it('read an Impact postback with bracketed lines, an Amount and EventDate NOW', () => {
    const raw = query(
      'ClickId=C&OrderId=IR-1&Amount=30&EventDate=NOW&ItemCategory[0]=oil&ItemSubTotal[0]=30.00&ItemQuantity[0]=3',
    );
    expect(value(raw, preset('impact'))).toEqual({
      clickId: 'C',
      transactionId: 'IR-1',
      amountMinor: 3000,
      currency: 'EUR',
      status: 'pending',
      event: 'sale',
      items: [{ category: 'oil', amountMinor: 3000, quantity: 3 }],
    });
  });
});
