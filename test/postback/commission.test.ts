import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { api } from '../support/http';
import { json, newTxn, postSigned } from './client';

const DAY = 24 * 3600_000;
const conversion = async (id: string) => (await api('GET', `/api/v1/conversions/${id}`, { expect: 200 })).body;

async function post(p: { slug: string; signingSecret: string }, fields: Record<string, unknown>) {
  const res = await postSigned(p.slug, p.signingSecret, fields);
  expect(res.status).toBe(200);
  return json(res);
}

describe('commissions', () => {
  it('applies the most specific rule: the category’s over the default', async () => {
    const p = await createPartner({ commissionRules: [{ category: 'freinage', percent: 10 }, { percent: 8 }] });
    expect((await post(p, { transactionId: newTxn(), amount: '10.44', category: 'Freinage' })).commission).toBe(1.04);
    expect((await post(p, { transactionId: newTxn(), amount: '10.44', category: 'pneus' })).commission).toBe(0.84);
  });

  it('pays each order line by the rule of its own category and keeps the rule used', async () => {
    const p = await createPartner({ commissionRules: [{ category: 'freinage', percent: 10 }, { percent: 5 }] });
    const body = await post(p, {
      transactionId: newTxn(),
      items: [
        { category: 'freinage', amount: '120.00' },
        { category: 'huile', amount: '30.00' },
      ],
    });
    expect(body).toMatchObject({ amount: 150, commission: 13.5 });
    const detail = (await conversion(body.conversionId)).commissionDetail;
    expect(detail.planId).toMatch(/^pln_/);
    expect(detail.lines).toEqual([
      { category: 'freinage', amountMinor: 12000, rule: { category: 'freinage', percent: 10 }, commissionMinor: 1200 },
      { category: 'huile', amountMinor: 3000, rule: { percent: 5 }, commissionMinor: 150 },
    ]);
  });

  it('pays a fixed fee for a lead', async () => {
    const p = await createPartner({ commissionRules: [{ event: 'lead', fixed: 15 }, { percent: 8 }] });
    expect((await post(p, { transactionId: newTxn(), event: 'lead' })).commission).toBe(15);
  });

  it('applies a currency rule only in its currency', async () => {
    const p = await createPartner({ commissionRules: [{ currency: 'USD', percent: 20 }, { percent: 5 }] });
    expect((await post(p, { transactionId: newTxn(), amount: 100, currency: 'USD' })).commission).toBe(20);
    expect((await post(p, { transactionId: newTxn(), amount: 100, currency: 'EUR' })).commission).toBe(5);
  });

  it('uses the rules in force when the conversion occurred, not the current ones', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 8 }] });
    await env.DB.prepare('INSERT INTO commission_plans (id, partner_id, effective_from, rules) VALUES (?, ?, ?, ?)')
      .bind(`pln_old_${p.id}`, p.id, Date.now() - 10 * DAY, JSON.stringify([{ percent: 3 }]))
      .run();
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
    const fiveDaysAgo = await post(p, { transactionId: newTxn(), amount: 100, occurredAt: at(5) });
    expect(fiveDaysAgo.commission).toBe(3);
    expect((await conversion(fiveDaysAgo.conversionId)).commissionDetail.planId).toBe(`pln_old_${p.id}`);
    expect((await post(p, { transactionId: newTxn(), amount: 100 })).commission).toBe(8);
    // Before every plan: the first plan applies.
    expect((await post(p, { transactionId: newTxn(), amount: 100, occurredAt: at(20) })).commission).toBe(3);
  });

  it('keeps past commissions when the rules change', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 8 }] });
    const before = await post(p, { transactionId: newTxn(), amount: 100 });
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { commissionRules: [{ percent: 12 }] }, expect: 200 });
    expect((await conversion(before.conversionId)).commission).toBe(8);
    expect((await post(p, { transactionId: newTxn(), amount: 100 })).commission).toBe(12);
  });
});

describe('reversals and rejections', () => {
  it('takes the whole commission back on a full reversal', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    const first = await post(p, { transactionId: txn, amount: 200, status: 'approved' });
    const res = await post(p, { transactionId: txn, status: 'reversed', reason: 'order cancelled' });
    expect(res).toMatchObject({ status: 'updated', conversionStatus: 'reversed', commission: 0, refundedAmount: 200 });
    const c = await conversion(first.conversionId);
    expect(c).toMatchObject({
      amount: 200,
      refundedAmount: 200,
      commission: 0,
      earnedCommission: 20,
      reversalReason: 'order cancelled',
    });
    expect(c.commissionDetail.refund).toEqual({ refundedAmountMinor: 20000, takenBackMinor: 2000 });
    expect(c.history.at(-1)).toMatchObject({
      fromStatus: 'approved',
      toStatus: 'reversed',
      amount: 200,
      refundedAmount: 200,
      commissionBefore: 20,
      commission: 0,
      reason: 'order cancelled',
      source: 'postback',
    });
  });

  it('computes the commission again on what remains after a partial refund, the status unchanged', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 8.4 }] });
    const txn = newTxn();
    const first = await post(p, { transactionId: txn, amount: '100.00' });
    expect(first.commission).toBe(8.4);
    const res = await post(p, { transactionId: txn, refundedAmount: '25.00', reason: 'one part returned' });
    expect(res).toMatchObject({ status: 'updated', conversionStatus: 'pending', commission: 6.3 });
    expect(await conversion(first.conversionId)).toMatchObject({
      status: 'pending',
      refundedAmount: 25,
      commission: 6.3,
      reversalReason: null,
    });
  });

  it('reverses a conversion whose whole amount is refunded, and refuses a refund above the amount', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    await post(p, { transactionId: txn, amount: 50 });
    const over = await postSigned(p.slug, p.signingSecret, { transactionId: txn, refundedAmount: 80 });
    expect(over.status).toBe(400);
    expect((await json(over)).error.details[0].path).toEqual(['refundedAmount']);
    expect(await post(p, { transactionId: txn, refundedAmount: 50 })).toMatchObject({
      conversionStatus: 'reversed',
      commission: 0,
    });
  });

  it('reverses a fixed fee entirely', async () => {
    const p = await createPartner({ commissionRules: [{ event: 'lead', fixed: 15 }] });
    const txn = newTxn();
    await post(p, { transactionId: txn, event: 'lead' });
    expect((await post(p, { transactionId: txn, event: 'lead', status: 'reversed' })).commission).toBe(0);
  });

  it('pays nothing for a rejected conversion', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const txn = newTxn();
    await post(p, { transactionId: txn, amount: 100 });
    expect(await post(p, { transactionId: txn, status: 'rejected', reason: 'fraud' })).toMatchObject({
      conversionStatus: 'rejected',
      commission: 0,
    });
  });

  it('keeps a conversion first reported rejected, with what it would have earned, paying nothing', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const body = await post(p, { transactionId: newTxn(), amount: 100, status: 'rejected' });
    expect(body).toMatchObject({ status: 'recorded', commission: 0 });
    expect((await conversion(body.conversionId)).commissionDetail.earnedMinor).toBe(1000);
  });
});
