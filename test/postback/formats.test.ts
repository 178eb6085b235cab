import { describe, expect, it } from 'vitest';
import { PRESETS, type PresetName } from '../../src/domain/postback-presets';
import { createLink, createPartner } from '../support/builders';
import { insertClick } from '../support/clicks';
import { api, call } from '../support/http';
import { getWithToken, json, newTxn, postSigned, signedHeaders } from './client';

const conversion = async (id: string) => (await api('GET', `/api/v1/conversions/${id}`, { expect: 200 })).body;

async function presetPartner(name: PresetName, overrides: Record<string, unknown> = {}) {
  const preset = PRESETS[name];
  const partner = await createPartner({
    postbackParams: preset.postbackParams,
    statusMap: preset.statusMap,
    amountsInMinorUnits: preset.amountsInMinorUnits,
    answerTemplate: preset.answerTemplate,
    ...overrides,
  });
  const link = await createLink(partner.id);
  const click = await insertClick({ partnerId: partner.id, linkId: link.id });
  return { partner, click };
}

describe('/pb/:partnerSlug, the partner’s own format', () => {
  it('reads a JSON body in the partner’s parameter names', async () => {
    const p = await createPartner({ postbackParams: { transactionId: 'order_ref', amount: 'total' } });
    const txn = newTxn();
    const body = await json(await postSigned(p.slug, p.signingSecret, { order_ref: txn, total: '1 234,56' }));
    expect(body).toMatchObject({ status: 'recorded', transactionId: txn, amount: 1234.56, currency: 'EUR' });
  });

  it('reads unmapped fields under their canonical names in any spelling', async () => {
    const p = await createPartner();
    const txn = newTxn();
    const body = await json(
      await postSigned(p.slug, p.signingSecret, { TRANSACTION_ID: txn, 'sale-amount': 'x', Amount: 7 }),
    );
    expect(body).toMatchObject({ transactionId: txn, amount: 7 });
  });

  it('reads a form-encoded signed POST', async () => {
    const p = await createPartner({ postbackParams: { transactionId: 'oid' } });
    const txn = newTxn();
    const form = new URLSearchParams({ oid: txn, amount: '19.90', currency: 'chf' }).toString();
    const res = await postSigned(p.slug, p.signingSecret, form, { contentType: 'application/x-www-form-urlencoded' });
    expect(await json(res)).toMatchObject({ status: 'recorded', transactionId: txn, amount: 19.9, currency: 'CHF' });
  });

  it('uses the partner currency when none is sent', async () => {
    const p = await createPartner({ currency: 'GBP' });
    const body = await json(await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn(), amount: '5' }));
    expect(body.currency).toBe('GBP');
  });

  it('reads amounts in minor units when the partner sends cents', async () => {
    const p = await createPartner({ amountsInMinorUnits: true });
    const body = await json(await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn(), amount: '1044' }));
    expect(body.amount).toBe(10.44);
  });

  it('maps the partner’s status values and keeps the raw one', async () => {
    const p = await createPartner({ statusMap: { billed: 'approved' } });
    const body = await json(await getWithToken(p.slug, p.postbackToken, { transactionId: newTxn(), status: 'billed' }));
    expect(body.conversionStatus).toBe('approved');
    expect((await conversion(body.conversionId)).rawStatus).toBe('billed');
  });

  it('answers the partner’s answer template as text/plain', async () => {
    const p = await createPartner({ answerTemplate: 'OK {status} {conversion_id} {transaction_id}' });
    const txn = newTxn();
    const res = await getWithToken(p.slug, p.postbackToken, { transactionId: txn });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(new RegExp(`^OK recorded cnv_[0-9A-Z]{26} ${txn}$`));
  });

  it('keeps order lines and their total', async () => {
    const p = await createPartner();
    const items = [
      { category: 'freinage', amount: '60.00', sku: 'BRK-1', quantity: 2 },
      { category: 'pneus', amount: '40.00' },
    ];
    const body = await json(await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), items }));
    expect(body.amount).toBe(100);
    expect((await conversion(body.conversionId)).items).toEqual([
      { category: 'freinage', amount: 60, sku: 'BRK-1', quantity: 2 },
      { category: 'pneus', amount: 40 },
    ]);
  });

  describe('answers 400 invalid_request naming the bad field', () => {
    it.each([
      [
        'a missing transaction id',
        { amount: '10' },
        'transactionId',
        /transactionId is required \(parameter "order_ref"\)/,
      ],
      [
        'an unknown currency',
        { order_ref: 'T', currency: 'EUX' },
        'currency',
        /currency "EUX" is not an active ISO 4217/,
      ],
      ['an ambiguous amount', { order_ref: 'T', amount: '1,234' }, 'amount', /amount "1,234" is ambiguous/],
      ['a negative amount', { order_ref: 'T', amount: '-5' }, 'amount', /must not be negative/],
      ['an unknown status', { order_ref: 'T', status: 'paid' }, 'status', /status "paid" is not pending/],
      ['an unknown event', { order_ref: 'T', event: 'visit' }, 'event', /event "visit" is not lead/],
      ['a bad date', { order_ref: 'T', occurredAt: 'yesterday' }, 'occurredAt', /occurredAt/],
      [
        'an order line without amount',
        { order_ref: 'T', items: [{ category: 'x' }] },
        'items.0.amount',
        /items\[0\]\.amount/,
      ],
    ])('for %s', async (_what, payload, path, message) => {
      const p = await createPartner({ postbackParams: { transactionId: 'order_ref' } });
      const res = await postSigned(p.slug, p.signingSecret, payload);
      expect(res.status).toBe(400);
      const { error } = await json(res);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(message);
      expect(error.details.map((d: { path: string[] }) => d.path.join('.'))).toContain(path);
    });

    it('for a body that is not JSON, never 500', async () => {
      const p = await createPartner();
      const res = await postSigned(p.slug, p.signingSecret, '{"transactionId": ');
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('invalid_request');
    });

    it('for a JSON body that is not an object', async () => {
      const p = await createPartner();
      const res = await postSigned(p.slug, p.signingSecret, '[1, 2]');
      expect(res.status).toBe(400);
    });
  });

  it('answers 415 for a body that is neither JSON nor a form', async () => {
    const p = await createPartner();
    const body = '<conversion/>';
    const res = await call('POST', `/pb/${p.slug}`, {
      key: null,
      body,
      headers: { 'content-type': 'application/xml', ...signedHeaders(p.signingSecret, body) },
    });
    expect(res.status).toBe(415);
    expect((await json(res)).error.code).toBe('unsupported_media_type');
  });
});

describe('/pb/:partnerSlug, tracking platforms by configuration alone', () => {
  it('TUNE: GET with aff_sub and adv_sub, answered success=true;', async () => {
    const { partner, click } = await presetPartner('tune');
    const txn = newTxn();
    const res = await getWithToken(partner.slug, partner.postbackToken, {
      aff_sub: click.id,
      adv_sub: txn,
      amount: '10,44',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('success=true;');
    const list = await api('GET', `/api/v1/conversions?partnerId=${partner.id}`, { expect: 200 });
    expect(list.body.data[0]).toMatchObject({
      transactionId: txn,
      amount: 10.44,
      attribution: { method: 'click_id', clickId: click.id },
    });
  });

  it('TUNE: falls back to its own transaction_id when adv_sub is empty', async () => {
    const { partner } = await presetPartner('tune');
    const txn = newTxn();
    await getWithToken(partner.slug, partner.postbackToken, { adv_sub: '', transaction_id: txn });
    const list = await api('GET', `/api/v1/conversions?partnerId=${partner.id}`, { expect: 200 });
    expect(list.body.data[0].transactionId).toBe(txn);
  });

  it('Everflow: the click in transaction_id, the order in adv1, a coupon code', async () => {
    const { partner, click } = await presetPartner('everflow');
    const txn = newTxn();
    const res = await getWithToken(partner.slug, partner.postbackToken, {
      transaction_id: click.id,
      adv1: txn,
      sale_amount: '25.00',
      coupon_code: 'summer10',
    });
    const body = await json(res);
    expect(body).toMatchObject({
      transactionId: txn,
      amount: 25,
      attribution: { method: 'click_id', clickId: click.id },
    });
    expect((await conversion(body.conversionId)).coupon).toBe('SUMMER10');
  });

  it('Keitaro: subid, tid, payout and its status names', async () => {
    const { partner, click } = await presetPartner('keitaro');
    const txn = newTxn();
    const res = await getWithToken(partner.slug, partner.postbackToken, {
      subid: click.id,
      tid: txn,
      payout: '5',
      status: 'sale',
    });
    const body = await json(res);
    expect(body).toMatchObject({
      transactionId: txn,
      conversionStatus: 'approved',
      attribution: { clickId: click.id },
    });
    expect((await conversion(body.conversionId)).rawStatus).toBe('sale');
    const refund = await getWithToken(partner.slug, partner.postbackToken, {
      subid: click.id,
      tid: txn,
      status: 'canceled',
    });
    expect(refund.status).toBe(409);
  });

  it('Voluum: cid, txid, payout and the event type in et', async () => {
    const { partner, click } = await presetPartner('voluum');
    const txn = newTxn();
    const res = await getWithToken(partner.slug, partner.postbackToken, {
      cid: click.id,
      txid: txn,
      payout: '3.50',
      et: 'signup',
    });
    expect(await json(res)).toMatchObject({
      transactionId: txn,
      event: 'lead',
      amount: 3.5,
      attribution: { clickId: click.id },
    });
  });

  it('Impact: a signed form POST with indexed order lines, currency, promo code, customer and date', async () => {
    const { partner, click } = await presetPartner('impact', {
      commissionRules: [{ category: 'Brakes', percent: 10 }, { percent: 5 }],
    });
    const txn = newTxn();
    const form = new URLSearchParams({
      ClickId: click.id,
      OrderId: txn,
      CurrencyCode: 'USD',
      OrderPromoCode: 'spring',
      CustomerId: 'cust-991',
      EventDate: new Date(Date.now() - 60_000).toISOString(),
      ItemCategory1: 'Brakes',
      ItemSubTotal1: '80.00',
      ItemSku1: 'BRK-80',
      ItemQuantity1: '2',
      ItemCategory2: 'Oil',
      ItemSubTotal2: '20.00',
    }).toString();
    const res = await postSigned(partner.slug, partner.signingSecret, form, {
      contentType: 'application/x-www-form-urlencoded',
    });
    const body = await json(res);
    expect(body).toMatchObject({
      status: 'recorded',
      transactionId: txn,
      amount: 100,
      currency: 'USD',
      commission: 9,
      attribution: { method: 'click_id', clickId: click.id },
    });
    const stored = await conversion(body.conversionId);
    expect(stored.coupon).toBe('SPRING');
    expect(stored.items).toEqual([
      { category: 'Brakes', amount: 80, sku: 'BRK-80', quantity: 2 },
      { category: 'Oil', amount: 20 },
    ]);
  });
});
