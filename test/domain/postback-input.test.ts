// parsePostback: canonical names, amounts, currency, status, event and order lines.
import { describe, expect, it } from 'vitest';
import { parsePostback } from '../../src/domain/postback-input';
import { conversionInputSchema, type PostbackConfig } from '../../src/domain/postback-schema';
import { CANONICAL, config, issues, query, value } from '../support/postback-input';

describe('parsePostback with canonical names', () => {
  it('needs only a transaction id, and fills the defaults', () => {
    expect(parsePostback({ transactionId: 'ORD-1' }, CANONICAL)).toEqual({
      ok: true,
      value: { transactionId: 'ORD-1', amountMinor: 0, currency: 'EUR', status: 'pending', event: 'sale' },
    });
  });

  it('reads every canonical field of a JSON body', () => {
    const body = {
      clickId: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
      transactionId: 'ORD-1042',
      amount: 104.4,
      currency: 'EUR',
      category: 'tyres',
      status: 'approved',
      event: 'sale',
      coupon: 'summer10',
      referralCode: 'ref-ana',
      customerId: 'cust-77',
      occurredAt: '2026-03-01T10:15:00Z',
      items: [
        { category: 'tyres', amount: 80, sku: 'MICH-PS4', quantity: 2 },
        { category: 'fitting', amount: '24.40' },
      ],
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      reason: 'customer returned one tyre',
    };
    expect(value(body)).toEqual({
      clickId: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
      transactionId: 'ORD-1042',
      amountMinor: 10440,
      currency: 'EUR',
      category: 'tyres',
      status: 'approved',
      rawStatus: 'approved',
      event: 'sale',
      coupon: 'SUMMER10',
      referralCode: 'ref-ana',
      customerId: 'cust-77',
      occurredAt: new Date('2026-03-01T10:15:00Z'),
      items: [
        { category: 'tyres', amountMinor: 8000, sku: 'MICH-PS4', quantity: 2 },
        { category: 'fitting', amountMinor: 2440 },
      ],
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      reason: 'customer returned one tyre',
    });
  });

  it('gives a value that satisfies conversionInputSchema', () => {
    const parsed = value({ transactionId: 'T', amount: '5', items: '[{"amount":"5"}]' });
    expect(conversionInputSchema.parse(parsed)).toEqual(parsed);
  });

  it('reads canonical names in any case or spelling', () => {
    expect(value({ transaction_id: 'T1', CLICK_ID: 'C1', Amount: '1', 'referral-code': 'R' })).toMatchObject({
      transactionId: 'T1',
      clickId: 'C1',
      amountMinor: 100,
      referralCode: 'R',
    });
    expect(value({ TRANSACTIONID: 'T2', clickid: 'C2' })).toMatchObject({ transactionId: 'T2', clickId: 'C2' });
  });

  it('prefers the exact canonical name when several spellings are sent', () => {
    expect(value({ transaction_id: 'loose', transactionId: 'exact' }).transactionId).toBe('exact');
  });

  it('turns numbers into text for identifiers', () => {
    expect(value({ transactionId: 123456, clickId: 42 })).toMatchObject({ transactionId: '123456', clickId: '42' });
  });

  it('trims text and treats empty values as absent', () => {
    expect(value({ transactionId: '  T1 ', clickId: '', category: '   ', coupon: null })).toEqual({
      transactionId: 'T1',
      amountMinor: 0,
      currency: 'EUR',
      status: 'pending',
      event: 'sale',
    });
  });

  it('accepts a repeated query parameter whose copies agree, and refuses one whose copies differ', () => {
    expect(value(query('transactionId=T1&transactionId=T1&clickId=C1')).transactionId).toBe('T1');
    expect(issues(query('transactionId=T1&transactionId=T2'))).toEqual([
      { path: 'transactionId', message: 'was sent more than once with different values (parameter "transactionId")' },
    ]);
  });

  it('refuses structured values where text is expected', () => {
    expect(issues({ transactionId: { id: 1 } })).toEqual([
      { path: 'transactionId', message: 'must be text (parameter "transactionId")' },
    ]);
    expect(issues({ transactionId: 'T', clickId: true })).toEqual([
      { path: 'clickId', message: 'must be text (parameter "clickId")' },
    ]);
  });

  it('requires a transaction id', () => {
    expect(issues({ clickId: 'C1' })).toEqual([
      { path: 'transactionId', message: 'is required (parameter "transactionId")' },
    ]);
  });

  it('refuses identifiers that are too long', () => {
    const [issue] = issues({ transactionId: 'T', clickId: 'c'.repeat(201) });
    expect(issue?.path).toBe('clickId');
  });

  it('reports every problem at once', () => {
    const found = issues({ amount: '-3', currency: 'XYZ', status: 'paid', event: 'click', occurredAt: 'yesterday' });
    expect(found.map((i) => i.path).sort()).toEqual(['currency', 'event', 'occurredAt', 'status', 'transactionId']);
  });

  it('ignores parameters it does not know', () => {
    expect(value({ transactionId: 'T', token: 'secret', sub1: 'x', offer_id: 12 })).toEqual(
      value({ transactionId: 'T' }),
    );
  });

  it('keeps the upper-cased coupon, a cut user agent and a normalised IP', () => {
    const long = 'A'.repeat(2000);
    const parsed = value({ transactionId: 'T', coupon: ' Summer10 ', userAgent: long, ip: '2001:DB8::1' });
    expect(parsed.coupon).toBe('SUMMER10');
    expect(parsed.userAgent).toBe('A'.repeat(1024));
    expect(parsed.ip).toBe('2001:db8::1');
  });

  it('drops an ip that is not an IP address rather than refusing the conversion', () => {
    for (const ip of ['{ip}', 'unknown', '999.1.1.1', '10.0.0']) {
      expect(value({ transactionId: 'T', ip }).ip, ip).toBeUndefined();
    }
    expect(value({ transactionId: 'T', ip: '198.51.100.7' }).ip).toBe('198.51.100.7');
  });
});

describe('parsePostback amounts', () => {
  const amount = (a: unknown, cfg: PostbackConfig = CANONICAL) =>
    value({ transactionId: 'T', amount: a }, cfg).amountMinor;

  it('reads major units with a point or a comma, and unambiguous thousands separators', () => {
    expect(amount('10.44')).toBe(1044);
    expect(amount('10,44')).toBe(1044);
    expect(amount(10.44)).toBe(1044);
    expect(amount('1 234,56')).toBe(123456);
    expect(amount('1,234.56')).toBe(123456);
    expect(amount('1.234,56')).toBe(123456);
  });

  it('reads minor units when the partner sends them', () => {
    const cents = config({ amountsInMinorUnits: true });
    expect(amount('1044', cents)).toBe(1044);
    expect(amount(1044, cents)).toBe(1044);
    expect(issues({ transactionId: 'T', amount: '10.44' }, cents)).toEqual([
      { path: 'amount', message: '"10.44" must be a whole number of minor units (parameter "amount")' },
    ]);
  });

  it('follows the minor units of the currency', () => {
    expect(value({ transactionId: 'T', amount: '1500', currency: 'JPY' }).amountMinor).toBe(1500);
    expect(value({ transactionId: 'T', amount: '12.345', currency: 'KWD' }).amountMinor).toBe(12345);
    expect(issues({ transactionId: 'T', amount: '1500.5', currency: 'JPY' })).toEqual([
      { path: 'amount', message: '"1500.5" takes no decimals in JPY (parameter "amount")' },
    ]);
  });

  it('refuses negative amounts, more than two decimals and text', () => {
    expect(issues({ transactionId: 'T', amount: '-10.44' })).toEqual([
      { path: 'amount', message: '"-10.44" must not be negative (parameter "amount")' },
    ]);
    expect(issues({ transactionId: 'T', amount: -5 })).toEqual([
      { path: 'amount', message: '"-5" must not be negative (parameter "amount")' },
    ]);
    expect(issues({ transactionId: 'T', amount: '10.4449' })).toEqual([
      { path: 'amount', message: '"10.4449" has more than 2 decimals for EUR (parameter "amount")' },
    ]);
    expect(issues({ transactionId: 'T', amount: 'ten' })[0]?.path).toBe('amount');
    expect(issues({ transactionId: 'T', amount: { value: 1 } })).toEqual([
      { path: 'amount', message: 'must be a number (parameter "amount")' },
    ]);
  });

  it('is zero when absent or empty', () => {
    expect(amount(undefined)).toBe(0);
    expect(amount('')).toBe(0);
  });
});

describe('parsePostback refunds', () => {
  it('reads refundedAmount as the total refunded so far, like the amount', () => {
    expect(value({ transactionId: 'T', refundedAmount: '25,50' }).refundedAmountMinor).toBe(2550);
    expect(value({ transactionId: 'T', refunded_amount: 10 }).refundedAmountMinor).toBe(1000);
    expect(value({ transactionId: 'T', refundedAmount: '2550' }, config({ amountsInMinorUnits: true }))).toMatchObject({
      refundedAmountMinor: 2550,
    });
  });

  it('is absent unless sent, which is not a refund of nothing', () => {
    expect(value({ transactionId: 'T' }).refundedAmountMinor).toBeUndefined();
    expect(value({ transactionId: 'T', refundedAmount: '0' }).refundedAmountMinor).toBe(0);
  });

  it('reads it under the partner’s name, and each line’s under its mapped name', () => {
    const cfg = config({
      postbackParams: { refundedAmount: 'RefundTotal', 'items.refundedAmount': 'RefundedSubTotal' },
    });
    const raw = query(
      'transactionId=T&RefundTotal=30&ItemSubTotal1=80&RefundedSubTotal1=20&ItemSubTotal2=20&RefundedSubTotal2=10',
    );
    expect(value(raw, cfg)).toMatchObject({
      refundedAmountMinor: 3000,
      items: [
        { amountMinor: 8000, refundedAmountMinor: 2000 },
        { amountMinor: 2000, refundedAmountMinor: 1000 },
      ],
    });
  });

  it('reads a line’s refundedAmount in a JSON list of lines', () => {
    const raw = { transactionId: 'T', items: [{ amount: '80', refundedAmount: '80' }, { amount: '20' }] };
    expect(value(raw).items).toEqual([{ amountMinor: 8000, refundedAmountMinor: 8000 }, { amountMinor: 2000 }]);
  });

  it('refuses a negative or malformed refund, naming the field', () => {
    expect(issues({ transactionId: 'T', refundedAmount: '-5' })).toEqual([
      { path: 'refundedAmount', message: '"-5" must not be negative (parameter "refundedAmount")' },
    ]);
    expect(issues({ transactionId: 'T', items: [{ amount: '5', refundedAmount: 'all' }] })[0]?.path).toBe(
      'items[0].refundedAmount',
    );
  });
});

describe('parsePostback currency', () => {
  it('upper-cases the code sent', () => {
    expect(value({ transactionId: 'T', currency: 'usd' }).currency).toBe('USD');
  });

  it('uses the partner default, else EUR', () => {
    expect(value({ transactionId: 'T' }, config({ defaultCurrency: 'GBP' })).currency).toBe('GBP');
    expect(value({ transactionId: 'T' }, config({ defaultCurrency: '' })).currency).toBe('EUR');
  });

  it('refuses a code that is not active ISO 4217', () => {
    for (const currency of ['XYZ', 'HRK', 'euro', '€']) {
      expect(issues({ transactionId: 'T', currency, amount: '1' })).toEqual([
        {
          path: 'currency',
          message: `"${currency.toUpperCase()}" is not an active ISO 4217 currency code (parameter "currency")`,
        },
      ]);
    }
  });
});

describe('parsePostback status', () => {
  it('is pending by default', () => {
    expect(value({ transactionId: 'T' }).status).toBe('pending');
  });

  it('accepts our statuses in any case and keeps the raw value', () => {
    expect(value({ transactionId: 'T', status: 'APPROVED' })).toMatchObject({
      status: 'approved',
      rawStatus: 'APPROVED',
    });
    expect(value({ transactionId: 'T', status: 'reversed' })).toMatchObject({
      status: 'reversed',
      rawStatus: 'reversed',
    });
  });

  it('translates the partner values through its status map, exactly or in another case', () => {
    const cfg = config({ statusMap: { billed: 'approved', '2': 'rejected', Refund: 'reversed' } });
    expect(value({ transactionId: 'T', status: 'billed' }, cfg)).toMatchObject({
      status: 'approved',
      rawStatus: 'billed',
    });
    expect(value({ transactionId: 'T', status: 'BILLED' }, cfg)).toMatchObject({
      status: 'approved',
      rawStatus: 'BILLED',
    });
    expect(value({ transactionId: 'T', status: 2 }, cfg)).toMatchObject({ status: 'rejected', rawStatus: '2' });
    expect(value({ transactionId: 'T', status: 'refund' }, cfg).status).toBe('reversed');
  });

  it('lets the status map override one of our names', () => {
    const cfg = config({ statusMap: { approved: 'pending' } });
    expect(value({ transactionId: 'T', status: 'approved' }, cfg).status).toBe('pending');
  });

  it('refuses a value it cannot translate, naming the field', () => {
    const cfg = config({ postbackParams: { status: 'goal' }, statusMap: { billed: 'approved' } });
    expect(issues({ transactionId: 'T', goal: 'paid' }, cfg)).toEqual([
      {
        path: 'status',
        message: `"paid" is not pending, approved, rejected or reversed, nor in the partner's status map (parameter "goal")`,
      },
    ]);
  });

  it('refuses a value the map sends to something that is not a status', () => {
    expect(issues({ transactionId: 'T', status: 'x' }, config({ statusMap: { x: 'paid' } }))[0]?.path).toBe('status');
  });
});

describe('parsePostback event', () => {
  it('is a sale by default', () => {
    expect(value({ transactionId: 'T' }).event).toBe('sale');
  });

  it('accepts our events and the usual other names', () => {
    const event = (e: string) => value({ transactionId: 'T', event: e }).event;
    expect(event('lead')).toBe('lead');
    expect(event('Add-To-Cart')).toBe('add_to_cart');
    expect(event('add to cart')).toBe('add_to_cart');
    expect(event('addtocart')).toBe('add_to_cart');
    expect(event('SALE')).toBe('sale');
    expect(event('purchase')).toBe('sale');
    expect(event('signup')).toBe('lead');
    expect(event('registration')).toBe('lead');
  });

  it('refuses an unknown event', () => {
    expect(issues({ transactionId: 'T', event: 'install' })).toEqual([
      { path: 'event', message: '"install" is not lead, add_to_cart or sale (parameter "event")' },
    ]);
  });
});

describe('parsePostback items', () => {
  it('reads a JSON array of lines, with canonical or partner-named keys', () => {
    const cfg = config({ postbackParams: { 'items.amount': 'line_total' } });
    const parsed = value(
      {
        transactionId: 'T',
        items: [
          { Category: 'tyres', line_total: '80.00', SKU: 'A', Quantity: '2' },
          { category: 'oil', amount: 12.5 },
        ],
      },
      cfg,
    );
    expect(parsed.items).toEqual([
      { category: 'tyres', amountMinor: 8000, sku: 'A', quantity: 2 },
      { category: 'oil', amountMinor: 1250 },
    ]);
  });

  it('reads a JSON string of lines, from a query string or a form', () => {
    const raw = query(`transactionId=T&items=${encodeURIComponent('[{"category":"tyres","amount":"80,00"}]')}`);
    expect(value(raw).items).toEqual([{ category: 'tyres', amountMinor: 8000 }]);
  });

  it('reads a single line object and an object keyed by position', () => {
    expect(value({ transactionId: 'T', items: { category: 'oil', amount: '5' } }).items).toEqual([
      { category: 'oil', amountMinor: 500 },
    ]);
    expect(value({ transactionId: 'T', items: { 1: { amount: '2' }, 0: { amount: '1' } } }).items).toEqual([
      { amountMinor: 100 },
      { amountMinor: 200 },
    ]);
  });

  it('reads Impact-style indexed parameters from 1 or from [0], ordered by index', () => {
    const raw = query(
      'transactionId=T&ItemCategory1=tyres&ItemSubTotal1=160.00&ItemSku1=MICH&ItemQuantity1=2' +
        '&ItemCategory2=oil&ItemSubTotal2=12.50&ItemCategory10=wipers&ItemSubTotal10=9.90',
    );
    expect(value(raw).items).toEqual([
      { category: 'tyres', amountMinor: 16000, sku: 'MICH', quantity: 2 },
      { category: 'oil', amountMinor: 1250 },
      { category: 'wipers', amountMinor: 990 },
    ]);
    const bracketed = query('transactionId=T&ItemCategory[0]=tyres&ItemSubTotal[0]=80&itemsubtotal[1]=5');
    expect(value(bracketed).items).toEqual([{ category: 'tyres', amountMinor: 8000 }, { amountMinor: 500 }]);
  });

  it('reads nested form names such as items[0][amount]', () => {
    const raw = query(
      'transactionId=T&items[0][category]=tyres&items[0][amount]=80&items.1.amount=5&items[2].sku=X&items[2].amount=1',
    );
    expect(value(raw).items).toEqual([
      { category: 'tyres', amountMinor: 8000 },
      { amountMinor: 500 },
      { sku: 'X', amountMinor: 100 },
    ]);
  });

  it('reads indexed parameters under the names the partner configured', () => {
    const cfg = config({
      postbackParams: { 'items.category': 'cat', 'items.amount': 'price', 'items.quantity': 'qty' },
    });
    const raw = query('transactionId=T&cat1=tyres&price1=80&qty1=2&cat2=oil&price2=5&ItemSubTotal3=99');
    expect(value(raw, cfg).items).toEqual([
      { category: 'tyres', amountMinor: 8000, quantity: 2 },
      { category: 'oil', amountMinor: 500 },
    ]);
  });

  it('prefers an items value to indexed parameters', () => {
    const raw = { transactionId: 'T', items: '[{"amount":"1"}]', ItemSubTotal1: '99' };
    expect(value(raw).items).toEqual([{ amountMinor: 100 }]);
  });

  it('takes the sum of the lines as the amount when none is given, and keeps a given amount', () => {
    expect(value({ transactionId: 'T', items: [{ amount: '80' }, { amount: '12.50' }] }).amountMinor).toBe(9250);
    expect(value({ transactionId: 'T', amount: '99.90', items: [{ amount: '80' }] }).amountMinor).toBe(9990);
  });

  it('ignores an empty list of lines', () => {
    expect(value({ transactionId: 'T', items: [] }).items).toBeUndefined();
    expect(value({ transactionId: 'T', items: '[]' }).items).toBeUndefined();
  });

  it('reads line amounts in minor units when the partner sends them so', () => {
    const cfg = config({ amountsInMinorUnits: true });
    expect(value({ transactionId: 'T', items: [{ amount: 8000 }, { amount: '1250' }] }, cfg)).toMatchObject({
      amountMinor: 9250,
      items: [{ amountMinor: 8000 }, { amountMinor: 1250 }],
    });
  });

  it('names the line and field of each problem', () => {
    const raw = {
      transactionId: 'T',
      items: [{ category: 'tyres' }, { amount: '-1' }, { amount: '1', quantity: '1.5' }, { amount: '1', quantity: 0 }],
    };
    expect(issues(raw)).toEqual([
      { path: 'items[0].amount', message: 'is required for each order line' },
      { path: 'items[1].amount', message: '"-1" must not be negative (parameter "amount")' },
      { path: 'items[2].quantity', message: 'must be a whole number above 0 (parameter "quantity")' },
      { path: 'items[3].quantity', message: 'must be a whole number above 0 (parameter "quantity")' },
    ]);
    expect(issues(query('transactionId=T&ItemSubTotal2=1,234'))).toEqual([
      {
        path: 'items[0].amount',
        message:
          '"1,234" is ambiguous: write it with a decimal point and no thousands separator, e.g. 1234.56 (parameter "ItemSubTotal2")',
      },
    ]);
  });

  it('refuses items that are not JSON or not a list of lines', () => {
    expect(issues({ transactionId: 'T', items: '[{"amount":' })).toEqual([
      { path: 'items', message: 'must be a JSON array of order lines (parameter "items")' },
    ]);
    expect(issues({ transactionId: 'T', items: [1, 2] })).toEqual([
      { path: 'items', message: 'must be a list of order lines (parameter "items")' },
    ]);
  });

  it('refuses more than 500 lines', () => {
    const items = Array.from({ length: 501 }, () => ({ amount: '1' }));
    expect(issues({ transactionId: 'T', items })).toEqual([
      { path: 'items', message: 'has more than 500 order lines' },
    ]);
  });
});
