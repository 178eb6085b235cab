// The parameter reader, through parsePostback: fields read under the partner's own names.
import { describe, expect, it } from 'vitest';
import { config, issues, value } from '../support/postback-input';

describe('parsePostback with partner names', () => {
  it('reads a mapped field under the partner name, exactly', () => {
    const cfg = config({ postbackParams: { transactionId: 'OrderId' } });
    expect(value({ OrderId: 'A-1' }, cfg).transactionId).toBe('A-1');
    expect(issues({ orderid: 'A-1' }, cfg)).toEqual([
      { path: 'transactionId', message: 'is required (parameter "OrderId")' },
    ]);
  });

  it('no longer reads a mapped field under its canonical name', () => {
    const cfg = config({ postbackParams: { clickId: 'aff_sub' } });
    expect(value({ transactionId: 'T', clickId: 'ignored' }, cfg).clickId).toBeUndefined();
    expect(value({ transactionId: 'T', aff_sub: 'C9' }, cfg).clickId).toBe('C9');
  });

  it('reads the first present of alternatives separated by |', () => {
    const cfg = config({ postbackParams: { transactionId: 'T', amount: 'Amount|SaleAmount' } });
    expect(value({ T: '1', SaleAmount: '9.99' }, cfg).amountMinor).toBe(999);
    expect(value({ T: '1', Amount: '1.00', SaleAmount: '9.99' }, cfg).amountMinor).toBe(100);
    expect(value({ T: '1', Amount: '', SaleAmount: '9.99' }, cfg).amountMinor).toBe(999);
    expect(issues({ Amount: '1' }, config({ postbackParams: { transactionId: 'OrderId|adv1' } }))).toEqual([
      { path: 'transactionId', message: 'is required (parameter "OrderId" or "adv1")' },
    ]);
  });

  it('names the partner parameter in its messages', () => {
    const cfg = config({ postbackParams: { transactionId: 'tid', amount: 'payout' } });
    expect(issues({ tid: 'T', payout: '1,234' }, cfg)).toEqual([
      {
        path: 'amount',
        message:
          '"1,234" is ambiguous: write it with a decimal point and no thousands separator, e.g. 1234.56 (parameter "payout")',
      },
    ]);
  });
});
