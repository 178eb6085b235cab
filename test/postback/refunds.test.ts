import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { api } from '../support/http';
import { getWithToken, json, newTxn, postSigned } from './client';

type Partner = Awaited<ReturnType<typeof createPartner>>;

const DAY = '2026-03-12';
const conversion = async (id: string) => (await api('GET', `/api/v1/conversions/${id}`, { expect: 200 })).body;

async function post(p: Partner, fields: Record<string, unknown>) {
  const res = await postSigned(p.slug, p.signingSecret, fields);
  expect(res.status).toBe(200);
  return json(res);
}

/** Posts, expecting a refusal; answers the status and the contract's error body. */
async function refused(p: Partner, fields: Record<string, unknown>) {
  const res = await postSigned(p.slug, p.signingSecret, fields);
  return { status: res.status, body: await json(res) };
}

async function dailyTotals(p: Partner) {
  await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: p.id }, expect: 200 });
  const res = await api('GET', `/api/v1/reports/daily?partnerId=${p.id}&from=${DAY}&to=${DAY}`, { expect: 200 });
  const { conversions, revenue, commission, refunded, commissionReversed, unconvertedConversions } = res.body.data[0];
  return { conversions, revenue, commission, refunded, commissionReversed, unconvertedConversions };
}

describe('refunds by postback: refundedAmount is the total refunded so far', () => {
  it('takes two partial refunds then a full one, each in the history and in the day’s figures', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    const { conversionId } = await post(p, {
      transactionId: txn,
      amount: '100.00',
      status: 'approved',
      occurredAt: `${DAY}T10:00:00Z`,
    });

    expect(await post(p, { transactionId: txn, refundedAmount: '25.00' })).toMatchObject({
      status: 'updated',
      conversionStatus: 'approved',
      refundedAmount: 25,
      commission: 7.5,
    });
    expect(await dailyTotals(p)).toEqual({
      conversions: 1,
      revenue: 75,
      commission: 7.5,
      refunded: 25,
      commissionReversed: 2.5,
      unconvertedConversions: 0,
    });

    expect(await post(p, { transactionId: txn, refundedAmount: '60.00' })).toMatchObject({
      status: 'updated',
      conversionStatus: 'approved',
      commission: 4,
    });
    expect(await post(p, { transactionId: txn, refundedAmount: '100.00', reason: 'all returned' })).toMatchObject({
      status: 'updated',
      conversionStatus: 'reversed',
      commission: 0,
    });

    const c = await conversion(conversionId);
    expect(c).toMatchObject({
      status: 'reversed',
      amount: 100,
      refundedAmount: 100,
      commission: 0,
      earnedCommission: 10,
      reversalReason: 'all returned',
    });
    expect(
      c.history.map((h: Record<string, unknown>) => [
        h.fromStatus,
        h.toStatus,
        h.refundedAmount,
        h.commissionBefore,
        h.commission,
      ]),
    ).toEqual([
      [null, 'approved', 0, null, 10],
      ['approved', 'approved', 25, 10, 7.5],
      ['approved', 'approved', 60, 7.5, 4],
      ['approved', 'reversed', 100, 4, 0],
    ]);
    expect(await dailyTotals(p)).toEqual({
      conversions: 0,
      revenue: 0,
      commission: 0,
      refunded: 100,
      commissionReversed: 10,
      unconvertedConversions: 0,
    });
  });

  it('answers a retried refund duplicate, and changes nothing', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    const { conversionId } = await post(p, { transactionId: txn, amount: 100 });
    await post(p, { transactionId: txn, refundedAmount: 30 });
    const before = await conversion(conversionId);
    expect(await post(p, { transactionId: txn, refundedAmount: 30 })).toMatchObject({
      status: 'duplicate',
      refundedAmount: 30,
      commission: 7,
    });
    expect(await conversion(conversionId)).toEqual(before);
  });

  it('approves and refunds part of a pending conversion in one postback', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    const { conversionId } = await post(p, { transactionId: txn, amount: 100 });
    expect(await post(p, { transactionId: txn, status: 'approved', refundedAmount: 20 })).toMatchObject({
      status: 'updated',
      conversionStatus: 'approved',
      commission: 8,
    });
    const c = await conversion(conversionId);
    expect(c.approvedAt).not.toBeNull();
    expect(c.history.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'approved',
      refundedAmount: 20,
      commissionBefore: 10,
      commission: 8,
    });
  });

  it('records a conversion that arrives refunded already', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const partial = await post(p, { transactionId: newTxn(), amount: 100, status: 'approved', refundedAmount: 40 });
    expect(partial).toMatchObject({
      status: 'recorded',
      conversionStatus: 'approved',
      refundedAmount: 40,
      commission: 6,
    });
    expect((await conversion(partial.conversionId)).history).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: 'approved', refundedAmount: 40, commission: 6 }),
    ]);
    const whole = await post(p, { transactionId: newTxn(), amount: 100, refundedAmount: 100 });
    expect(whole).toMatchObject({ status: 'recorded', conversionStatus: 'reversed', commission: 0 });
    expect(await conversion(whole.conversionId)).toMatchObject({ earnedCommission: 10, refundedAmount: 100 });
  });

  it('reads refundedAmount under the partner’s own name, in minor units when its amounts are', async () => {
    const p = await createPartner({
      commissionRules: [{ percent: 10 }],
      postbackParams: { transactionId: 'oid', amount: 'sale', refundedAmount: 'refunded' },
      amountsInMinorUnits: true,
    });
    const txn = newTxn();
    await getWithToken(p.slug, p.postbackToken, { oid: txn, sale: '10000' });
    const res = await getWithToken(p.slug, p.postbackToken, { oid: txn, refunded: '2500' });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'updated', refundedAmount: 25, commission: 7.5 });
  });
});

describe('refunds of order lines', () => {
  const rules = [{ category: 'freinage', percent: 10 }, { category: 'huile', fixed: 2 }, { percent: 5 }];
  const lines = [
    { category: 'freinage', amount: '120.00' },
    { category: 'huile', amount: '30.00' },
  ];

  it('computes each line again on what remains of it, by its own rule', async () => {
    const p = await createPartner({ commissionRules: rules });
    const txn = newTxn();
    const first = await post(p, { transactionId: txn, items: lines });
    expect(first.commission).toBe(14);
    const res = await post(p, {
      transactionId: txn,
      items: [
        { category: 'freinage', amount: '120.00', refundedAmount: '20.00' },
        { category: 'huile', amount: '30.00', refundedAmount: '30.00' },
      ],
    });
    // 10% of 100.00 left of the first line; the second wholly refunded takes its fee back.
    expect(res).toMatchObject({ status: 'updated', conversionStatus: 'pending', refundedAmount: 50, commission: 10 });
    const c = await conversion(first.conversionId);
    expect(c.items).toEqual([
      { category: 'freinage', amount: 120, refundedAmount: 20 },
      { category: 'huile', amount: 30, refundedAmount: 30 },
    ]);
    expect(c.commissionDetail.lines).toEqual([
      {
        category: 'freinage',
        amountMinor: 12000,
        rule: { category: 'freinage', percent: 10 },
        commissionMinor: 1200,
        refundedAmountMinor: 2000,
        takenBackMinor: 200,
      },
      {
        category: 'huile',
        amountMinor: 3000,
        rule: { category: 'huile', fixed: 2 },
        commissionMinor: 200,
        refundedAmountMinor: 3000,
        takenBackMinor: 200,
      },
    ]);
    expect(c.commissionDetail.refund).toEqual({ refundedAmountMinor: 5000, takenBackMinor: 400 });
  });

  it('spreads a refund of the whole order over its lines in proportion to their amounts', async () => {
    const p = await createPartner({ commissionRules: rules });
    const txn = newTxn();
    const first = await post(p, { transactionId: txn, items: lines });
    expect(await post(p, { transactionId: txn, refundedAmount: '75.00' })).toMatchObject({ commission: 8 });
    // 60.00 of the first line (6.00 left at 10%), 15.00 of the second (its fee stays).
    expect((await conversion(first.conversionId)).items).toEqual([
      { category: 'freinage', amount: 120, refundedAmount: 60 },
      { category: 'huile', amount: 30, refundedAmount: 15 },
    ]);
  });

  it('refuses a line refunded above its amount with 400, naming the line', async () => {
    const p = await createPartner({ commissionRules: rules });
    const txn = newTxn();
    await post(p, { transactionId: txn, items: lines });
    const res = await refused(p, {
      transactionId: txn,
      items: [
        { category: 'freinage', amount: '120.00' },
        { category: 'huile', amount: '30.00', refundedAmount: '30.01' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_request',
      details: [expect.objectContaining({ path: ['items', 1, 'refundedAmount'] })],
    });
  });
});

describe('refunds refused', () => {
  it('answers 409 invalid_refund for a total below what is refunded already, and changes nothing', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    const { conversionId } = await post(p, { transactionId: txn, amount: 100 });
    await post(p, { transactionId: txn, refundedAmount: 30 });
    const before = await conversion(conversionId);
    const res = await refused(p, { transactionId: txn, refundedAmount: 20 });
    expect(res).toEqual({
      status: 409,
      body: {
        error: {
          code: 'invalid_refund',
          message: expect.stringContaining('30'),
          details: { conversionId, refundedAmount: 30, asked: 20 },
        },
      },
    });
    expect(await conversion(conversionId)).toEqual(before);
  });

  it('answers 409 invalid_transition for a refund of a rejected conversion', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    await post(p, { transactionId: txn, amount: 100, status: 'rejected' });
    const res = await refused(p, { transactionId: txn, refundedAmount: 10 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_transition', details: { from: 'rejected', to: 'rejected' } });
  });

  it('answers 400 naming refundedAmount for a refund above the amount, or a partial one with status reversed', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    await post(p, { transactionId: txn, amount: 100 });
    for (const fields of [{ refundedAmount: '100.01' }, { status: 'reversed', refundedAmount: 10 }]) {
      const res = await refused(p, { transactionId: txn, ...fields });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'invalid_request',
        details: [expect.objectContaining({ path: ['refundedAmount'] })],
      });
    }
  });
});
