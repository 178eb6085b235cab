import { describe, expect, it } from 'vitest';
import { createKey, createLink, createPartner } from '../support/builders';
import { api } from '../support/http';

describe('/api/v1/coupons', () => {
  it('registers a code upper-cased, lists and deletes it', async () => {
    const p = await createPartner();
    const res = await api('POST', '/api/v1/coupons', { body: { partnerId: p.id, code: 'auto5' }, expect: 201 });
    expect(res.body).toMatchObject({ code: 'AUTO5', partnerId: p.id, linkId: null });
    const list = await api('GET', `/api/v1/coupons?partnerId=${p.id}`, { expect: 200 });
    expect(list.body.data.map((c: { code: string }) => c.code)).toEqual(['AUTO5']);
    await api('DELETE', `/api/v1/coupons/${res.body.id}`, { expect: 204 });
    expect((await api('GET', `/api/v1/coupons?partnerId=${p.id}`)).body.data).toEqual([]);
  });

  it('refuses the same code twice for a partner', async () => {
    const p = await createPartner();
    await api('POST', '/api/v1/coupons', { body: { partnerId: p.id, code: 'HIVER' }, expect: 201 });
    expect((await api('POST', '/api/v1/coupons', { body: { partnerId: p.id, code: 'hiver' } })).status).toBe(409);
  });

  it('refuses a link of another partner', async () => {
    const p = await createPartner();
    const other = await createPartner();
    const link = await createLink(other.id);
    const res = await api('POST', '/api/v1/coupons', { body: { partnerId: p.id, code: 'X1', linkId: link.id } });
    expect(res.status).toBe(400);
  });
});

describe('/api/v1/referral-codes', () => {
  it('gives each user one code per partner', async () => {
    const p = await createPartner();
    const first = await api('POST', '/api/v1/referral-codes', {
      body: { partnerId: p.id, userRef: 'user-42' },
      expect: 201,
    });
    expect(first.body.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    expect(first.body.url).toBe(`https://relais.test/r/${first.body.code}`);
    const again = await api('POST', '/api/v1/referral-codes', {
      body: { partnerId: p.id, userRef: 'user-42' },
      expect: 200,
    });
    expect(again.body.code).toBe(first.body.code);
    const other = await api('POST', '/api/v1/referral-codes', {
      body: { partnerId: p.id, userRef: 'user-43' },
      expect: 201,
    });
    expect(other.body.code).not.toBe(first.body.code);
  });

  it('lists a partner key its own codes only, and deletes', async () => {
    const p = await createPartner();
    const q = await createPartner();
    const mine = await api('POST', '/api/v1/referral-codes', { body: { partnerId: p.id, userRef: 'u1' }, expect: 201 });
    const theirs = await api('POST', '/api/v1/referral-codes', {
      body: { partnerId: q.id, userRef: 'u1' },
      expect: 201,
    });
    const { key } = await createKey('partner', p.id);
    const list = await api('GET', '/api/v1/referral-codes', { key, expect: 200 });
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([mine.body.id]);
    expect((await api('GET', `/api/v1/referral-codes/${theirs.body.id}`, { key })).status).toBe(404);
    await api('DELETE', `/api/v1/referral-codes/${mine.body.id}`, { expect: 204 });
  });
});
