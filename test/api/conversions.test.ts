import { describe, expect, it } from 'vitest';
import { json, newTxn, postSigned } from '../postback/client';
import { createKey, createLink, createPartner } from '../support/builders';
import { insertClick } from '../support/clicks';
import { api } from '../support/http';
import { insertConversion } from '../support/rows';

type Partner = Awaited<ReturnType<typeof createPartner>>;

async function convert(p: Partner, fields: Record<string, unknown> = {}) {
  const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), amount: '100.00', ...fields });
  expect(res.status).toBe(200);
  return (await json(res)).conversionId as string;
}

describe('GET /api/v1/conversions', () => {
  it('lists a partner’s conversions newest first, page by page', async () => {
    const p = await createPartner();
    const ids = [await convert(p), await convert(p), await convert(p)];
    const first = await api('GET', `/api/v1/conversions?partnerId=${p.id}&limit=2`, { expect: 200 });
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    const next = await api('GET', `/api/v1/conversions?partnerId=${p.id}&limit=2&cursor=${first.body.nextCursor}`, {
      expect: 200,
    });
    expect(next.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  });

  it('answers each conversion with money in major units and its attribution', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 8 }] });
    const id = await convert(p, { amount: '10.44', category: 'freinage' });
    const list = await api('GET', `/api/v1/conversions?partnerId=${p.id}`, { expect: 200 });
    expect(list.body.data[0]).toMatchObject({
      id,
      partnerId: p.id,
      event: 'sale',
      status: 'pending',
      amount: 10.44,
      commission: 0.84,
      currency: 'EUR',
      category: 'freinage',
      attribution: { method: 'none', clickId: null },
    });
    expect(list.body.data[0].customerHash).toBeUndefined();
  });

  it('filters by status, attribution method and time of occurrence', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const c = await insertClick({ partnerId: p.id, linkId: link.id });
    const approved = await convert(p, { status: 'approved', clickId: c.id });
    const old = await convert(p, { occurredAt: '2026-01-10T12:00:00Z' });
    const ids = async (query: string) =>
      (await api('GET', `/api/v1/conversions?partnerId=${p.id}&${query}`, { expect: 200 })).body.data.map(
        (x: { id: string }) => x.id,
      );
    expect(await ids('status=approved')).toEqual([approved]);
    expect(await ids('method=click_id')).toEqual([approved]);
    expect(await ids('from=2026-01-10&to=2026-01-10')).toEqual([old]);
    expect(await ids('to=2026-01-09')).toEqual([]);
    expect(await ids('from=2026-01-10T12:00:01Z&to=2026-02-01')).toEqual([]);
  });

  it('answers 400 for a bad filter', async () => {
    const res = await api('GET', '/api/v1/conversions?status=paid');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toEqual(['status']);
  });

  it('shows a partner key its own conversions only', async () => {
    const [p, other] = [await createPartner(), await createPartner()];
    const own = await convert(p);
    const theirs = await convert(other);
    const { key } = await createKey('partner', p.id);
    const list = await api('GET', '/api/v1/conversions', { key, expect: 200 });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([own]);
    expect((await api('GET', `/api/v1/conversions?partnerId=${other.id}`, { key })).status).toBe(404);
    expect((await api('GET', `/api/v1/conversions/${theirs}`, { key })).status).toBe(404);
    expect((await api('GET', `/api/v1/conversions/${own}`, { key })).status).toBe(200);
  });

  it('answers 401 without a key', async () => {
    expect((await api('GET', '/api/v1/conversions', { key: null })).status).toBe(401);
  });
});

describe('the conversion object', () => {
  it('shows its figures in the partner’s currency when its own differs, null until the rate is known', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const id = await convert(p, { amount: '50.00', currency: 'USD' });
    expect((await api('GET', `/api/v1/conversions/${id}`, { expect: 200 })).body).toMatchObject({
      amount: 50,
      currency: 'USD',
      commission: 5,
      reportingCurrency: 'EUR',
      exchangeRate: null,
      converted: false,
      reportingAmount: null,
      reportingCommission: null,
    });
    const converted = await insertConversion(p.id, new Date(), {
      currency: 'USD',
      exchangeRate: '0.92',
      reportingAmountMinor: 9_200,
      reportingCommissionMinor: 736,
    });
    expect((await api('GET', `/api/v1/conversions/${converted.id}`, { expect: 200 })).body).toMatchObject({
      reportingCurrency: 'EUR',
      exchangeRate: 0.92,
      converted: true,
      reportingAmount: 92,
      reportingCommission: 7.36,
    });
  });

  it('leaves the reporting figures out in the partner’s own currency', async () => {
    const p = await createPartner();
    const body = (await api('GET', `/api/v1/conversions/${await convert(p)}`, { expect: 200 })).body;
    expect(body).not.toHaveProperty('reportingCurrency');
    expect(body).not.toHaveProperty('exchangeRate');
    expect(body).not.toHaveProperty('converted');
  });
});

describe('GET /api/v1/conversions/:id', () => {
  it('answers the conversion with its history', async () => {
    const p = await createPartner();
    const id = await convert(p);
    const res = await api('GET', `/api/v1/conversions/${id}`, { expect: 200 });
    expect(res.body.history).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: 'pending', amount: 100, source: 'postback' }),
    ]);
  });

  it('answers 404 for an unknown id', async () => {
    const res = await api('GET', '/api/v1/conversions/cnv_nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('PATCH /api/v1/conversions/:id', () => {
  it('approves a pending conversion and records who changed it', async () => {
    const p = await createPartner();
    const id = await convert(p);
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { body: { status: 'approved' }, expect: 200 });
    expect(res.body.status).toBe('approved');
    expect(res.body.approvedAt).not.toBeNull();
    expect(res.body.history.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'approved',
      refundedAmount: 0,
      commissionBefore: 8,
      commission: 8,
      source: 'api',
      actor: 'admin-key',
    });
    // The first entry, made by the postback, names no one.
    expect(res.body.history[0].actor).toBeNull();
  });

  it("names the API key that made a change in the conversion's history", async () => {
    const p = await createPartner();
    const id = await convert(p);
    const key = await createKey('admin');
    const res = await api('PATCH', `/api/v1/conversions/${id}`, {
      key: key.key,
      body: { status: 'approved' },
      expect: 200,
    });
    expect(res.body.history.at(-1).actor).toBe(key.id);
  });

  it('refunds part of an approved conversion with a reason, keeping it approved', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const id = await convert(p, { status: 'approved' });
    const res = await api('PATCH', `/api/v1/conversions/${id}`, {
      body: { refundedAmount: 40, reason: 'two parts returned' },
      expect: 200,
    });
    expect(res.body).toMatchObject({
      status: 'approved',
      refundedAmount: 40,
      commission: 6,
      earnedCommission: 10,
      reversalReason: null,
    });
    expect(res.body.history.at(-1)).toMatchObject({
      fromStatus: 'approved',
      toStatus: 'approved',
      amount: 100,
      refundedAmount: 40,
      commissionBefore: 10,
      commission: 6,
      reason: 'two parts returned',
      source: 'api',
    });
  });

  it('reverses a conversion once its whole amount is refunded, and answers the same total again unchanged', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const id = await convert(p);
    await api('PATCH', `/api/v1/conversions/${id}`, { body: { refundedAmount: 30 }, expect: 200 });
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { body: { refundedAmount: 100 }, expect: 200 });
    expect(res.body).toMatchObject({ status: 'reversed', refundedAmount: 100, commission: 0, earnedCommission: 10 });
    expect(res.body.history.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'reversed',
      refundedAmount: 100,
      commissionBefore: 7,
      commission: 0,
    });
    const again = await api('PATCH', `/api/v1/conversions/${id}`, { body: { refundedAmount: 100 }, expect: 200 });
    expect(again.body.history).toHaveLength(3);
  });

  it('approves and refunds part of a conversion in one change', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const id = await convert(p);
    const res = await api('PATCH', `/api/v1/conversions/${id}`, {
      body: { status: 'approved', refundedAmount: 12.5 },
      expect: 200,
    });
    expect(res.body).toMatchObject({ status: 'approved', refundedAmount: 12.5, commission: 8.75 });
  });

  it('answers 409 invalid_refund for a total below what is refunded already, and changes nothing', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 10 }] });
    const id = await convert(p);
    await api('PATCH', `/api/v1/conversions/${id}`, { body: { refundedAmount: 30 }, expect: 200 });
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { body: { refundedAmount: 29.99 } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: {
        code: 'invalid_refund',
        message: expect.any(String),
        details: { conversionId: id, refundedAmount: 30, asked: 29.99 },
      },
    });
    const after = await api('GET', `/api/v1/conversions/${id}`, { expect: 200 });
    expect(after.body).toMatchObject({ refundedAmount: 30, commission: 7 });
    expect(after.body.history).toHaveLength(2);
  });

  it('answers 409 invalid_transition for a refund of a rejected conversion', async () => {
    const p = await createPartner();
    const id = await convert(p, { status: 'rejected' });
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { body: { refundedAmount: 10 } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_transition');
  });

  it('answers 409 invalid_transition for a move the rules forbid', async () => {
    const p = await createPartner();
    const id = await convert(p, { status: 'rejected' });
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { body: { status: 'approved' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_transition', details: { from: 'rejected', to: 'approved' } });
  });

  it('changes nothing when the status is already the one asked', async () => {
    const p = await createPartner();
    const id = await convert(p);
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { body: { status: 'pending' }, expect: 200 });
    expect(res.body.history).toHaveLength(1);
  });

  it.each([
    ['an unknown status', { status: 'paid' }, 'status'],
    ['neither a status nor a refund', { reason: 'x' }, 'status'],
    ['a refund with three decimals', { refundedAmount: 1.234 }, 'refundedAmount'],
    ['a refund above the amount', { refundedAmount: 100.01 }, 'refundedAmount'],
    ['a reversal with a partial refund', { status: 'reversed', refundedAmount: 10 }, 'refundedAmount'],
    ['an unknown field', { status: 'approved', note: 'x' }, ''],
  ])('answers 400 for %s', async (_what, body, path) => {
    const p = await createPartner();
    const id = await convert(p);
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.some((d: { path: string[] }) => d.path.join('.') === path)).toBe(true);
  });

  it('is for admins only', async () => {
    const p = await createPartner();
    const id = await convert(p);
    const { key } = await createKey('partner', p.id);
    const res = await api('PATCH', `/api/v1/conversions/${id}`, { key, body: { status: 'approved' } });
    expect(res.status).toBe(403);
  });

  it('answers 404 for an unknown id', async () => {
    expect((await api('PATCH', '/api/v1/conversions/cnv_nope', { body: { status: 'approved' } })).status).toBe(404);
  });
});

describe('POST /api/v1/conversions/:id/attribute', () => {
  async function unattributed() {
    const p = await createPartner();
    const link = await createLink(p.id);
    const id = await convert(p);
    return { p, link, id };
  }

  it('attaches an unattributed conversion to a human click of its partner', async () => {
    const { p, link, id } = await unattributed();
    const c = await insertClick({ partnerId: p.id, linkId: link.id, createdAt: new Date(Date.now() - 7200_000) });
    const res = await api('POST', `/api/v1/conversions/${id}/attribute`, { body: { clickId: c.id }, expect: 200 });
    expect(res.body.attribution).toMatchObject({ method: 'click_id', clickId: c.id, linkId: link.id, confidence: 1 });
    expect(res.body.attribution.clickToConversionMs).toBeGreaterThan(7_000_000);
    expect(res.body.attribution.clickToConversionMs).toBeLessThanOrEqual(7_200_000);
    expect(res.body.history.at(-1)).toMatchObject({ source: 'api', reason: `attributed by hand to click ${c.id}` });
  });

  it('answers 409 already_attributed for a conversion attributed already', async () => {
    const { p, link, id } = await unattributed();
    const [a, b] = [
      await insertClick({ partnerId: p.id, linkId: link.id }),
      await insertClick({ partnerId: p.id, linkId: link.id }),
    ];
    await api('POST', `/api/v1/conversions/${id}/attribute`, { body: { clickId: a.id }, expect: 200 });
    const res = await api('POST', `/api/v1/conversions/${id}/attribute`, { body: { clickId: b.id } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_attributed');
  });

  it('refuses a click of another partner, a bot click, an unknown click and a later click with 400', async () => {
    const { p, link, id } = await unattributed();
    const other = await createPartner();
    const otherLink = await createLink(other.id);
    const clicks = [
      (await insertClick({ partnerId: other.id, linkId: otherLink.id })).id,
      (await insertClick({ partnerId: p.id, linkId: link.id, isBot: true })).id,
      '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
      (await insertClick({ partnerId: p.id, linkId: link.id, createdAt: new Date(Date.now() + 3600_000) })).id,
    ];
    for (const clickId of clicks) {
      const res = await api('POST', `/api/v1/conversions/${id}/attribute`, { body: { clickId } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toEqual(['clickId']);
    }
  });

  it('is for admins only', async () => {
    const { p, link, id } = await unattributed();
    const c = await insertClick({ partnerId: p.id, linkId: link.id });
    const { key } = await createKey('partner', p.id);
    expect((await api('POST', `/api/v1/conversions/${id}/attribute`, { key, body: { clickId: c.id } })).status).toBe(
      403,
    );
  });
});
