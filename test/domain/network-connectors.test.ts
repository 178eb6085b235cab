import { describe, expect, it } from 'vitest';
import { awinAmount, awinConnector, awinTrackingTemplate, readAwinTransaction } from '../../src/domain/networks/awin';
import { formatDate, jsonConnector, valueAt } from '../../src/domain/networks/json-mapping';
import { networkInputSchema, networkUrlIssues } from '../../src/domain/networks/settings';

const sale = {
  id: 612300101,
  advertiserId: 7052,
  commissionStatus: 'pending',
  commissionAmount: { amount: 9.6, currency: 'EUR' },
  saleAmount: { amount: 120, currency: 'EUR' },
  clickRefs: { clickRef: 'CLK1', clickRef2: 'ios' },
  transactionDate: '2026-11-20T10:15:00',
  orderRef: 'OSC-1',
  voucherCode: null,
  transactionParts: [
    { commissionGroupCode: 'BRAKES', amount: 80, commissionAmount: 6.4 },
    { commissionGroupCode: 'DEFAULT', amount: 40, commissionAmount: 3.2 },
  ],
};
const window = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') };

describe('readAwinTransaction', () => {
  it('reads a transaction as the contract says', () => {
    expect(readAwinTransaction(sale)).toEqual({
      ok: true,
      transaction: {
        commissionMinor: 960,
        networkRef: '612300101',
        input: {
          transactionId: 'OSC-1',
          event: 'sale',
          amountMinor: 12000,
          currency: 'EUR',
          status: 'pending',
          rawStatus: 'pending',
          occurredAt: new Date('2026-11-20T10:15:00Z'),
          clickId: 'CLK1',
          items: [
            { amountMinor: 8000, category: 'BRAKES' },
            { amountMinor: 4000, category: 'DEFAULT' },
          ],
        },
      },
    });
  });

  it.each([
    ['pending', 'pending'],
    ['approved', 'approved'],
    ['declined', 'rejected'],
    ['deleted', 'reversed'],
  ])('maps commissionStatus %s to %s', (awin, ours) => {
    const read = readAwinTransaction({ ...sale, commissionStatus: awin });
    expect(read.ok && read.transaction.input.status).toBe(ours);
  });

  it("takes the transaction's id without an orderRef, and leaves out parts that do not add up to the sale", () => {
    const read = readAwinTransaction({ ...sale, orderRef: null, transactionParts: [{ amount: 100 }] });
    expect(read.ok && read.transaction.input.transactionId).toBe('612300101');
    expect(read.ok && read.transaction.input.items).toBeUndefined();
  });

  it('refuses what it cannot read, naming the transaction', () => {
    expect(readAwinTransaction({ ...sale, commissionStatus: 'paid' })).toMatchObject({ ok: false, id: '612300101' });
    expect(readAwinTransaction({ ...sale, saleAmount: undefined })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^saleAmount: /),
    });
    expect(readAwinTransaction({ ...sale, commissionAmount: { amount: 5, currency: 'GBP' } })).toMatchObject({
      ok: false,
      message: 'the commission is in GBP, the sale in EUR',
    });
  });
});

describe('awinAmount', () => {
  it('rounds to the minor unit, half away from zero, on the decimal digits', () => {
    expect(awinAmount(9.605, 'EUR')).toEqual({ ok: true, amountMinor: 961 });
    expect(awinAmount(9.6049, 'EUR')).toEqual({ ok: true, amountMinor: 960 });
    expect(awinAmount(1.005, 'EUR')).toEqual({ ok: true, amountMinor: 101 });
    expect(awinAmount(0.125, 'EUR')).toEqual({ ok: true, amountMinor: 13 });
    expect(awinAmount(1500.5, 'JPY')).toEqual({ ok: true, amountMinor: 1501 });
    expect(awinAmount(12.3456, 'KWD')).toEqual({ ok: true, amountMinor: 12346 });
    expect(awinAmount(1e-7, 'EUR')).toEqual({ ok: true, amountMinor: 0 });
  });

  it('reads an amount with no more decimals than the currency as it is, and refuses a negative one', () => {
    expect(awinAmount(10.44, 'EUR')).toEqual({ ok: true, amountMinor: 1044 });
    expect(awinAmount(-1, 'EUR').ok).toBe(false);
  });
});

describe('awinConnector', () => {
  it('lists a window by date of sale, validation and amendment', () => {
    const urls = awinConnector({ publisherId: '45628', advertiserId: '7052' })
      .requests(window, 'tok')
      .map((r) => r.url);
    expect(urls[0]).toBe(
      'https://api.awin.com/publishers/45628/transactions/?startDate=2026-11-01T00%3A00%3A00&endDate=2026-11-30T00%3A00%3A00&timezone=UTC&dateType=transaction&advertiserId=7052',
    );
    expect(urls.map((u) => new URL(u).searchParams.get('dateType'))).toEqual([
      'transaction',
      'validation',
      'amendment',
    ]);
  });

  it("reads only the advertiser's transactions, and refuses an answer that is not a list", () => {
    const connector = awinConnector({ publisherId: '45628', advertiserId: '7052' });
    const read = connector.read([sale, { ...sale, id: 2, advertiserId: 9999 }], { defaultCurrency: 'EUR' });
    expect(read.ok && read.transactions).toHaveLength(1);
    expect(connector.read({ error: 'x' }, { defaultCurrency: 'EUR' })).toEqual({
      ok: false,
      message: 'the answer is not a list of transactions',
    });
  });

  it("builds Awin's click URL as a tracking template", () => {
    expect(awinTrackingTemplate({ publisherId: '45628', advertiserId: '7052' })).toBe(
      'https://www.awin1.com/cread.php?awinmid=7052&awinaffid=45628&clickref={click_id}&ued={destination_encoded}',
    );
  });
});

describe('jsonConnector', () => {
  const settings = {
    urlTemplate: 'https://api.example.com/sales?from={from}&to={to}',
    listPath: 'data.sales',
    fields: { transactionId: 'ref', amount: 'total.value', commission: 'fee', status: 'state', occurredAt: 'at' },
    statusMap: { billed: 'approved' as const },
  };

  it('fills the URL template and puts the token in the Authorization header', () => {
    expect(jsonConnector(settings).requests(window, 'tok')).toEqual([
      {
        url: 'https://api.example.com/sales?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-30T00%3A00%3A00.000Z',
        headers: { accept: 'application/json', authorization: 'Bearer tok' },
      },
    ]);
  });

  it('reads the mapped fields, the status through the map, the currency by default the partner’s', () => {
    const body = {
      data: { sales: [{ ref: 'S-1', total: { value: '12.50' }, fee: 1, state: 'BILLED', at: 1795000000 }] },
    };
    expect(jsonConnector(settings).read(body, { defaultCurrency: 'EUR' })).toMatchObject({
      ok: true,
      transactions: [
        {
          ok: true,
          transaction: {
            commissionMinor: 100,
            networkRef: 'S-1',
            input: { transactionId: 'S-1', amountMinor: 1250, currency: 'EUR', status: 'approved' },
          },
        },
      ],
    });
  });

  it('names what it cannot read', () => {
    const read = jsonConnector(settings).read(
      { data: { sales: [{ ref: 'S-2', total: { value: 'x' }, at: 1 }] } },
      {
        defaultCurrency: 'EUR',
      },
    );
    expect(read).toMatchObject({ ok: true, transactions: [{ ok: false, id: 'S-2' }] });
    expect(jsonConnector(settings).read({ data: {} }, { defaultCurrency: 'EUR' })).toMatchObject({ ok: false });
  });

  it('reads paths and writes dates', () => {
    expect(valueAt({ a: { b: [1] } }, 'a.b')).toEqual([1]);
    expect(valueAt({ a: 1 }, 'a.b')).toBeUndefined();
    expect(formatDate(new Date('2026-11-05T08:00:00Z'), 'dmy')).toBe('05/11/2026');
    expect(formatDate(new Date('2026-11-05T08:00:00Z'), 'date')).toBe('2026-11-05');
  });
});

describe('networkUrlIssues', () => {
  const awin = (apiBase: string) =>
    networkInputSchema.parse({ type: 'awin', publisherId: '1', accessToken: 't', apiBase });

  it('allows https to a public host anywhere, and plain http to a loopback address only locally', () => {
    expect(networkUrlIssues(awin('https://api.awin.com'), false)).toEqual([]);
    expect(networkUrlIssues(awin('http://127.0.0.1:8788'), true)).toEqual([]);
    expect(networkUrlIssues(awin('http://127.0.0.1:8788'), false)).toMatchObject([{ path: ['network', 'apiBase'] }]);
  });
});
