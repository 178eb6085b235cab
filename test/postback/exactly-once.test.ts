import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { api } from '../support/http';
import { json, newTxn, postSigned } from './client';

const countRows = async (partnerId: string, transactionId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM conversions WHERE partner_id = ? AND transaction_id = ?')
      .bind(partnerId, transactionId)
      .first<{ n: number }>()
  )?.n;

describe('POST /pb/:partnerSlug, exactly once', () => {
  it('records a new conversion and answers recorded with its id', async () => {
    const p = await createPartner();
    const transactionId = newTxn();
    const res = await postSigned(p.slug, p.signingSecret, { transactionId, amount: '10.44' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ status: 'recorded', transactionId, conversionStatus: 'pending', amount: 10.44 });
    expect(body.conversionId).toMatch(/^cnv_[0-9A-Z]{26}$/);
    const row = await env.DB.prepare('SELECT * FROM conversions WHERE id = ?').bind(body.conversionId).first();
    expect(row).toMatchObject({ transaction_id: transactionId, amount_minor: 1044, status: 'pending' });
  });

  it('answers duplicate for the same postback sent again and changes nothing', async () => {
    const p = await createPartner();
    const transactionId = newTxn();
    const first = await json(await postSigned(p.slug, p.signingSecret, { transactionId, amount: '10.44' }));
    const again = await json(await postSigned(p.slug, p.signingSecret, { transactionId, amount: '99.00' }));
    expect(again).toMatchObject({ status: 'duplicate', conversionId: first.conversionId, amount: 10.44 });
    expect(await countRows(p.id, transactionId)).toBe(1);
    const history = await env.DB.prepare('SELECT count(*) AS n FROM conversion_history WHERE conversion_id = ?')
      .bind(first.conversionId)
      .first<{ n: number }>();
    expect(history?.n).toBe(1);
  });

  it('keeps the same transaction id of different events apart', async () => {
    const p = await createPartner();
    const transactionId = newTxn();
    const lead = await json(await postSigned(p.slug, p.signingSecret, { transactionId, event: 'lead' }));
    const sale = await json(await postSigned(p.slug, p.signingSecret, { transactionId, event: 'sale', amount: 5 }));
    expect(lead.status).toBe('recorded');
    expect(sale.status).toBe('recorded');
    expect(sale.conversionId).not.toBe(lead.conversionId);
  });

  it('answers updated for a new allowed status and records the change in the history', async () => {
    const p = await createPartner();
    const transactionId = newTxn();
    const first = await json(await postSigned(p.slug, p.signingSecret, { transactionId, amount: 100 }));
    const res = await postSigned(p.slug, p.signingSecret, { transactionId, amount: 100, status: 'approved' });
    expect(await json(res)).toMatchObject({
      status: 'updated',
      conversionId: first.conversionId,
      conversionStatus: 'approved',
    });
    const got = await api('GET', `/api/v1/conversions/${first.conversionId}`, { expect: 200 });
    expect(got.body.approvedAt).not.toBeNull();
    expect(got.body.history.map((h: { fromStatus: string; toStatus: string }) => [h.fromStatus, h.toStatus])).toEqual([
      [null, 'pending'],
      ['pending', 'approved'],
    ]);
  });

  it.each([
    ['pending', 'approved', 200],
    ['pending', 'rejected', 200],
    ['pending', 'reversed', 200],
    ['approved', 'reversed', 200],
    ['approved', 'pending', 409],
    ['approved', 'rejected', 409],
    ['rejected', 'approved', 409],
    ['rejected', 'pending', 409],
    ['rejected', 'reversed', 409],
    ['reversed', 'approved', 409],
    ['reversed', 'pending', 409],
    ['reversed', 'rejected', 409],
  ])('%s -> %s answers %i', async (from, to, expected) => {
    const p = await createPartner();
    const transactionId = newTxn();
    await postSigned(p.slug, p.signingSecret, { transactionId, amount: 10, status: from });
    const res = await postSigned(p.slug, p.signingSecret, { transactionId, amount: 10, status: to });
    expect(res.status).toBe(expected);
    const body = await json(res);
    if (expected === 409) {
      expect(body.error).toMatchObject({ code: 'invalid_transition', details: { from, to } });
      const row = await env.DB.prepare('SELECT status FROM conversions WHERE partner_id = ? AND transaction_id = ?')
        .bind(p.id, transactionId)
        .first<{ status: string }>();
      expect(row?.status).toBe(from);
    } else {
      expect(body).toMatchObject({ status: 'updated', conversionStatus: to });
    }
  });

  it('stores one conversion for 50 identical postbacks fired at once', async () => {
    const p = await createPartner();
    const transactionId = newTxn();
    const payload = JSON.stringify({ transactionId, amount: '42.00', currency: 'EUR' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => postSigned(p.slug, p.signingSecret, payload).then(json)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 'recorded')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(49);
    expect(new Set(answers.map((a) => a.conversionId)).size).toBe(1);
    expect(await countRows(p.id, transactionId)).toBe(1);
  });

  it('stores one conversion for 50 copies of one signed delivery (same webhook-id) fired at once', async () => {
    const p = await createPartner();
    const transactionId = newTxn();
    const payload = JSON.stringify({ transactionId, amount: '42.00' });
    const id = `msg_same_${transactionId}`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => postSigned(p.slug, p.signingSecret, payload, { id }).then(json)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 'recorded')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(49);
    expect(await countRows(p.id, transactionId)).toBe(1);
  });

  it('applies one of two concurrent status changes and refuses the conflicting one', async () => {
    const p = await createPartner();
    const transactionId = newTxn();
    const first = await json(await postSigned(p.slug, p.signingSecret, { transactionId, amount: 10 }));
    const [a, b] = await Promise.all([
      postSigned(p.slug, p.signingSecret, { transactionId, amount: 10, status: 'approved' }),
      postSigned(p.slug, p.signingSecret, { transactionId, amount: 10, status: 'rejected' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const history = await env.DB.prepare('SELECT count(*) AS n FROM conversion_history WHERE conversion_id = ?')
      .bind(first.conversionId)
      .first<{ n: number }>();
    expect(history?.n).toBe(2);
  });

  it('answers only once the conversion is stored: it is readable as soon as the answer arrives', async () => {
    const p = await createPartner();
    const body = await json(await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), amount: 1 }));
    await api('GET', `/api/v1/conversions/${body.conversionId}`, { expect: 200 });
  });
});
