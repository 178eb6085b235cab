import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newTxn, postSigned } from '../postback/client';
import { createKey, createPartner, partnerInput, uniqueSlug } from '../support/builders';
import { api } from '../support/http';

describe('POST /api/v1/partners', () => {
  it('creates a partner and shows its postback token and signing secrets once', async () => {
    const res = await api('POST', '/api/v1/partners', { body: partnerInput({ slug: 'oscaro-test' }), expect: 201 });
    expect(res.body).toMatchObject({
      slug: 'oscaro-test',
      status: 'active',
      integration: 'direct_api',
      cookieDays: 30,
      attributionWindowDays: 30,
      clickIdParam: 'click_id',
      postbackUrl: 'https://relais.test/pb/oscaro-test',
    });
    expect(res.body.id).toMatch(/^ptn_[0-9A-Z]{26}$/);
    expect(res.body.postbackToken).toMatch(/^pbt_/);
    expect(res.body.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(res.body.pushSigningSecret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(res.body.pushSigningSecret).not.toBe(res.body.signingSecret);
    const again = await api('GET', `/api/v1/partners/${res.body.id}`, { expect: 200 });
    expect(again.body.postbackToken).toBeUndefined();
    expect(again.body.signingSecret).toBeUndefined();
    expect(again.body.pushSigningSecret).toBeUndefined();
  });

  it('stores the token hashed and the signing secrets encrypted', async () => {
    const p = await createPartner();
    const row = await env.DB.prepare('SELECT * FROM partners WHERE id = ?').bind(p.id).first();
    expect(JSON.stringify(row)).not.toContain(p.postbackToken);
    expect(JSON.stringify(row)).not.toContain(p.signingSecret.slice(6));
    expect(JSON.stringify(row)).not.toContain(p.pushSigningSecret.slice(6));
    expect(row?.push_secret_enc).toMatch(/^v1\./);
  });

  it('generates a readable slug from the name when none is given', async () => {
    const name = `Feu Vert ${uniqueSlug('x')}`;
    const res = await api('POST', '/api/v1/partners', { body: partnerInput({ name, slug: undefined }), expect: 201 });
    expect(res.body.slug).toMatch(/^feu-vert-x-/);
  });

  it('refuses a slug already used with 409', async () => {
    const p = await createPartner();
    const res = await api('POST', '/api/v1/partners', { body: partnerInput({ slug: p.slug }) });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('slug_taken');
  });

  it.each([
    ['a missing name', { name: undefined }, 'name'],
    ['an unknown status', { status: 'live' }, 'status'],
    ['an unknown integration', { integration: 'ftp' }, 'integration'],
    ['a domain with a scheme', { allowedDomains: ['https://autodoc.fr'] }, 'allowedDomains'],
    ['a rule with both percent and fixed', { commissionRules: [{ percent: 5, fixed: 2 }] }, 'commissionRules'],
    ['a percent above 100', { commissionRules: [{ percent: 120 }] }, 'commissionRules'],
    ['cookie days out of range', { cookieDays: 0 }, 'cookieDays'],
    ['an unknown field', { colour: 'blue' }, ''],
    ['an invalid slug', { slug: 'no spaces please' }, 'slug'],
  ])('answers 400 invalid_request for %s', async (_what, overrides, path) => {
    const res = await api('POST', '/api/v1/partners', { body: partnerInput(overrides) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(Array.isArray(res.body.error.details)).toBe(true);
    expect(res.body.error.details.some((d: { path: string[] }) => d.path.join('.').startsWith(path))).toBe(true);
  });

  it('answers 400 for a body that is not JSON, never 500', async () => {
    const res = await api('POST', '/api/v1/partners', {
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('refuses a plain-http webhook URL that is not loopback', async () => {
    const res = await api('POST', '/api/v1/partners', {
      body: partnerInput({ webhookUrl: 'http://partner.example/hook' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toEqual(['webhookUrl']);
  });

  it('allows a loopback http webhook URL in a local run', async () => {
    await api('POST', '/api/v1/partners', {
      body: partnerInput({ webhookUrl: 'http://127.0.0.1:9999/hook' }),
      expect: 201,
    });
  });
});

describe('PATCH /api/v1/partners/:id', () => {
  it('updates settings and keeps the others', async () => {
    const p = await createPartner({ cookieDays: 45 });
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, {
      body: { status: 'paused', lockDays: 14 },
      expect: 200,
    });
    expect(res.body).toMatchObject({ status: 'paused', lockDays: 14, cookieDays: 45, name: 'Autodoc' });
  });

  it('keeps every version of the commission rules', async () => {
    const p = await createPartner({ commissionRules: [{ percent: 8 }] });
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { commissionRules: [{ percent: 12 }] }, expect: 200 });
    const plans = await env.DB.prepare(
      'SELECT rules FROM commission_plans WHERE partner_id = ? ORDER BY effective_from',
    )
      .bind(p.id)
      .all<{ rules: string }>();
    expect(plans.results.map((r) => JSON.parse(r.rules))).toEqual([[{ percent: 8 }], [{ percent: 12 }]]);
  });

  it('walks the lifecycle from prospect to ended, and not back', async () => {
    const p = await createPartner({ status: 'prospect' });
    for (const status of ['negotiating', 'active', 'paused', 'active', 'ended']) {
      await api('PATCH', `/api/v1/partners/${p.id}`, { body: { status }, expect: 200 });
    }
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, { body: { status: 'active' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_transition');
  });

  it('answers 404 for an unknown id', async () => {
    const res = await api('PATCH', '/api/v1/partners/ptn_nope', { body: { status: 'paused' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('partner fields for statements', () => {
  it('takes the legal identity, payment terms, VAT rate and reporting currency at creation', async () => {
    const fields = {
      legalName: 'Autodoc SE',
      address: 'Josef-Orlopp-Strasse 55\n10365 Berlin',
      vatNumber: 'DE123456789',
      paymentTermsDays: 45,
      vatRate: 5.5,
      currency: 'GBP',
    };
    const p = await createPartner(fields);
    expect(p).toMatchObject(fields);
    const row = await env.DB.prepare('SELECT vat_rate_bp FROM partners WHERE id = ?').bind(p.id).first();
    expect(row).toEqual({ vat_rate_bp: 550 });
  });

  it("defaults to 30 days' terms, the programme's VAT rate and EUR", async () => {
    const p = await createPartner();
    expect(p).toMatchObject({
      legalName: null,
      address: null,
      vatNumber: null,
      paymentTermsDays: 30,
      vatRate: null,
      currency: 'EUR',
    });
  });

  it('changes and clears them', async () => {
    const p = await createPartner({ legalName: 'Autodoc SE', vatRate: 20 });
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, {
      body: { legalName: null, vatRate: null, paymentTermsDays: 0, vatNumber: 'FR40303265045' },
      expect: 200,
    });
    expect(res.body).toMatchObject({ legalName: null, vatRate: null, paymentTermsDays: 0, vatNumber: 'FR40303265045' });
  });

  it.each([
    ['a VAT rate with three decimals', { vatRate: 20.125 }, 'vatRate'],
    ['a VAT rate above 100', { vatRate: 100.5 }, 'vatRate'],
    ['a negative VAT rate', { vatRate: -1 }, 'vatRate'],
    ['payment terms over a year', { paymentTermsDays: 366 }, 'paymentTermsDays'],
    ['payment terms in part days', { paymentTermsDays: 1.5 }, 'paymentTermsDays'],
    ['an empty legal name', { legalName: ' ' }, 'legalName'],
    ['a VAT number too long', { vatNumber: 'X'.repeat(33) }, 'vatNumber'],
    ['an address too long', { address: 'x'.repeat(501) }, 'address'],
    ['a currency that is not ISO 4217', { currency: 'XYZ' }, 'currency'],
  ])('answers 400 invalid_request for %s', async (_what, body, path) => {
    const p = await createPartner();
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { path: string[] }) => d.path.join('.'))).toEqual([path]);
  });

  it('changes the reporting currency while the partner has no conversions', async () => {
    const p = await createPartner();
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, { body: { currency: 'CHF' }, expect: 200 });
    expect(res.body.currency).toBe('CHF');
  });

  it('answers 409 currency_in_use once the partner has conversions', async () => {
    const p = await createPartner();
    expect((await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), amount: 10 })).status).toBe(200);
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, { body: { currency: 'USD', lockDays: 7 } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('currency_in_use');
    const after = (await api('GET', `/api/v1/partners/${p.id}`, { expect: 200 })).body;
    expect(after).toMatchObject({ currency: 'EUR', lockDays: 30 });
    // Naming the currency it already has changes nothing, and is no conflict.
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { currency: 'EUR' }, expect: 200 });
  });
});

describe('DELETE /api/v1/partners/:id', () => {
  it('removes the partner from the API', async () => {
    const p = await createPartner();
    await api('DELETE', `/api/v1/partners/${p.id}`, { expect: 204 });
    expect((await api('GET', `/api/v1/partners/${p.id}`)).status).toBe(404);
  });
});

describe('POST /api/v1/partners/:id/rotate-secrets', () => {
  it('issues a new token and secret', async () => {
    const p = await createPartner();
    const res = await api('POST', `/api/v1/partners/${p.id}/rotate-secrets`, { expect: 200 });
    expect(res.body.postbackToken).not.toBe(p.postbackToken);
    expect(res.body.signingSecret).not.toBe(p.signingSecret);
    expect(res.body.signingSecret).toMatch(/^whsec_/);
  });

  it('leaves the push signing secret as it is', async () => {
    const p = await createPartner();
    const before = await env.DB.prepare('SELECT push_secret_enc FROM partners WHERE id = ?').bind(p.id).first();
    const res = await api('POST', `/api/v1/partners/${p.id}/rotate-secrets`, { expect: 200 });
    expect(res.body.pushSigningSecret).toBeUndefined();
    const after = await env.DB.prepare('SELECT push_secret_enc FROM partners WHERE id = ?').bind(p.id).first();
    expect(after).toEqual(before);
  });
});

describe('POST /api/v1/partners/:id/rotate-push-secret', () => {
  it('issues a new push signing secret and keeps the previous one for 24 hours', async () => {
    const p = await createPartner();
    const before = Date.now();
    const res = await api('POST', `/api/v1/partners/${p.id}/rotate-push-secret`, { expect: 200 });
    expect(res.body).toMatchObject({ id: p.id, slug: p.slug });
    expect(res.body.pushSigningSecret).toMatch(/^whsec_/);
    expect(res.body.pushSigningSecret).not.toBe(p.pushSigningSecret);
    expect(res.body.signingSecret).toBeUndefined();
    expect(res.body.postbackToken).toBeUndefined();
    const row = await env.DB.prepare(
      'SELECT previous_push_secret_enc, previous_push_secret_expires_at, previous_secret_enc FROM partners WHERE id = ?',
    )
      .bind(p.id)
      .first<Record<string, unknown>>();
    expect(row?.previous_push_secret_enc).toMatch(/^v1\./);
    expect(row?.previous_push_secret_expires_at).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(row?.previous_secret_enc).toBeNull();
  });

  it('leaves the postback token and signing secret working', async () => {
    const p = await createPartner();
    const row = () =>
      env.DB.prepare('SELECT postback_token_hash, signing_secret_enc FROM partners WHERE id = ?').bind(p.id).first();
    const before = await row();
    await api('POST', `/api/v1/partners/${p.id}/rotate-push-secret`, { expect: 200 });
    expect(await row()).toEqual(before);
  });

  it('needs an admin key (403) and a partner that exists (404)', async () => {
    const p = await createPartner();
    const { key } = await createKey('partner', p.id);
    expect((await api('POST', `/api/v1/partners/${p.id}/rotate-push-secret`, { key })).status).toBe(403);
    expect((await api('POST', '/api/v1/partners/ptn_nope/rotate-push-secret')).status).toBe(404);
  });
});
