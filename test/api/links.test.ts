import { describe, expect, it } from 'vitest';
import { createLink, createPartner, uniqueSlug } from '../support/builders';
import { api, call } from '../support/http';

describe('POST /api/v1/links', () => {
  it('creates a link with a generated short, unambiguous slug', async () => {
    const p = await createPartner();
    const res = await api('POST', '/api/v1/links', {
      body: { partnerId: p.id, destination: 'https://www.autodoc.fr/freinage' },
      expect: 201,
    });
    expect(res.body.slug).toMatch(/^[2-9a-km-np-zA-HJ-NP-Z]{7}$/);
    expect(res.body.shortUrl).toBe(`https://relais.test/${res.body.slug}`);
    expect(res.body).toMatchObject({ partnerId: p.id, forwardQuery: true, disabled: false, utm: {}, params: {} });
  });

  it('keeps a given slug, case-sensitively', async () => {
    const p = await createPartner();
    const slug = uniqueSlug('Promo');
    const res = await api('POST', '/api/v1/links', {
      body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', slug },
      expect: 201,
    });
    expect(res.body.slug).toBe(slug);
    const lower = await api('POST', '/api/v1/links', {
      body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', slug: slug.toLowerCase() },
    });
    expect(lower.status).toBe(201);
  });

  it.each([
    ['a reserved slug', { slug: 'api' }, 400],
    ['a slug with a slash', { slug: 'a/b' }, 400],
    ['a non-https destination', { destination: 'http://www.autodoc.fr/' }, 400],
    ['a javascript: destination', { destination: 'javascript:alert(1)' }, 400],
    ['an unknown partner', { partnerId: 'ptn_nope' }, 400],
    ['a bad expiry date', { expiresAt: 'tomorrow' }, 400],
  ])('refuses %s', async (_what, overrides, status) => {
    const p = await createPartner();
    const res = await api('POST', '/api/v1/links', {
      body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', ...overrides },
    });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('refuses a slug already taken with 409', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await api('POST', '/api/v1/links', {
      body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', slug: link.slug },
    });
    expect(res.status).toBe(409);
  });
});

describe('GET|PATCH|DELETE /api/v1/links/:id', () => {
  it('round-trips a link', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, {
      utm: { campaign: 'hiver' },
      params: { ref: 'app' },
      placement: 'diagnostic',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    const got = await api('GET', `/api/v1/links/${link.id}`, { expect: 200 });
    expect(got.body).toEqual(link);
    expect(got.body.expiresAt).toBe('2030-01-01T00:00:00.000Z');
    const patched = await api('PATCH', `/api/v1/links/${link.id}`, {
      body: { destination: 'https://www.autodoc.fr/pneus', disabled: true },
      expect: 200,
    });
    expect(patched.body).toMatchObject({
      destination: 'https://www.autodoc.fr/pneus',
      disabled: true,
      placement: 'diagnostic',
    });
    await api('DELETE', `/api/v1/links/${link.id}`, { expect: 204 });
    expect((await api('GET', `/api/v1/links/${link.id}`)).status).toBe(404);
  });

  it('filters the list by partner', async () => {
    const a = await createPartner();
    const b = await createPartner();
    await createLink(a.id);
    await createLink(b.id);
    const res = await api('GET', `/api/v1/links?partnerId=${a.id}`, { expect: 200 });
    expect(res.body.data.length).toBe(1);
    expect(res.body.data[0].partnerId).toBe(a.id);
  });
});

describe('GET /:slug (walking skeleton)', () => {
  it('redirects to the destination', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await call('GET', `/${link.slug}`, { key: null });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/www\.autodoc\.fr\/freinage/);
  });

  it('answers an HTML 404 page for an unknown slug', async () => {
    const res = await call('GET', '/no-such-link', { key: null });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});
