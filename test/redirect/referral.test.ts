import { describe, expect, it } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { clicksOf, locationOf, settleClicks, storedClick, visit } from './helpers';

async function referralCode(partnerId: string, linkId?: string): Promise<string> {
  const res = await api('POST', '/api/v1/referral-codes', {
    body: { partnerId, userRef: `user-${crypto.randomUUID()}`, ...(linkId ? { linkId } : {}) },
    expect: 201,
  });
  return res.body.code;
}

describe('GET /r/:code', () => {
  it("redirects like the code's link and records a referral click with the code", async () => {
    const p = await createPartner();
    await createLink(p.id, { destination: 'https://www.autodoc.fr/newest' });
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/parrainage' });
    const code = await referralCode(p.id, link.id);
    const newer = await createLink(p.id, { destination: 'https://www.autodoc.fr/other' });
    const res = await visit(`/r/${code}?sub1=share`);
    const location = locationOf(res);
    expect(location.pathname).toBe('/parrainage');
    expect(location.searchParams.get('click_id')).toMatch(/^[0-9A-Z]{26}$/);
    expect(res.headers.get('set-cookie')).toMatch(/^rl_vid=/);
    await settleClicks();
    expect((await clicksOf(link.id))[0]).toMatchObject({
      source: 'referral',
      referralCode: code,
      linkId: link.id,
      partnerId: p.id,
      subIds: { sub1: 'share' },
    });
    expect(await clicksOf(newer.id)).toEqual([]);
  });

  it('reads the code case-insensitively', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const code = await referralCode(p.id, link.id);
    expect(locationOf(await visit(`/r/${code.toLowerCase()}`)).pathname).toBe('/freinage');
  });

  it("falls back on the partner's newest active link", async () => {
    const p = await createPartner();
    await createLink(p.id, { destination: 'https://www.autodoc.fr/old' });
    const newest = await createLink(p.id, { destination: 'https://www.autodoc.fr/new' });
    await createLink(p.id, { destination: 'https://www.autodoc.fr/off', disabled: true });
    const code = await referralCode(p.id);
    expect(locationOf(await visit(`/r/${code}`)).pathname).toBe('/new');
    await settleClicks();
    expect((await clicksOf(newest.id))[0]).toMatchObject({ source: 'referral', referralCode: code });
  });

  it("falls back on the partner's website, with the click id, when it has no active link", async () => {
    const p = await createPartner({ websiteUrl: 'https://www.autodoc.fr/', clickIdParam: 'aff_click' });
    const code = await referralCode(p.id);
    const res = await visit(`/r/${code}`);
    const location = locationOf(res);
    expect(location.origin + location.pathname).toBe('https://www.autodoc.fr/');
    const clickId = location.searchParams.get('aff_click') as string;
    expect(clickId).toMatch(/^[0-9A-Z]{26}$/);
    expect(location.searchParams.get('utm_campaign')).toBe('referral');
    await settleClicks();
    const row = await storedClick(clickId);
    expect(row).toMatchObject({ link_id: '', partner_id: p.id, source: 'referral', referral_code: code });
    const listed = await api('GET', `/api/v1/clicks/${clickId}`, { expect: 200 });
    expect(listed.body.linkId).toBeNull();
  });

  it('answers 410 when the partner has neither an active link nor a website', async () => {
    const p = await createPartner();
    const code = await referralCode(p.id);
    expect((await visit(`/r/${code}`)).status).toBe(410);
  });

  it('answers an unknown code with the 404 page', async () => {
    const res = await visit('/r/ZZZZZZZZ');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Link not found');
    expect((await visit('/r/not-a-code!')).status).toBe(404);
  });

  it("stops when the partner's links are off", async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const code = await referralCode(p.id, link.id);
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { status: 'ended' }, expect: 200 });
    expect((await visit(`/r/${code}`)).status).toBe(410);
  });
});
