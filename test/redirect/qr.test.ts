import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { createKey, createLink, createPartner } from '../support/builders';
import { call } from '../support/http';

describe('GET /api/v1/links/:id/qr', () => {
  it("answers an SVG QR code of the link's short URL", async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await call('GET', `/api/v1/links/${link.id}/qr`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1">/);
    // The drawing is the code of the short URL at the chosen correction level, with a 4-module quiet zone.
    const modules = encode(`https://relais.test/${link.slug}`, { ecc: 'M', border: 4 }).size;
    expect(svg).toContain(`viewBox="0 0 ${modules * 10} ${modules * 10}"`);
  });

  it('takes the error correction level from the query', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const high = await (await call('GET', `/api/v1/links/${link.id}/qr?ecc=H`)).text();
    const modules = encode(`https://relais.test/${link.slug}`, { ecc: 'H', border: 4 }).size;
    expect(high).toContain(`viewBox="0 0 ${modules * 10} ${modules * 10}"`);
    expect((await call('GET', `/api/v1/links/${link.id}/qr?ecc=X`)).status).toBe(400);
  });

  it("serves a partner key its own links' codes and nobody else's", async () => {
    const p = await createPartner();
    const other = await createPartner();
    const mine = await createLink(p.id);
    const theirs = await createLink(other.id);
    const { key } = await createKey('partner', p.id);
    expect((await call('GET', `/api/v1/links/${mine.id}/qr`, { key })).status).toBe(200);
    expect((await call('GET', `/api/v1/links/${theirs.id}/qr`, { key })).status).toBe(404);
  });

  it('answers 404 for an unknown link and 401 without a key', async () => {
    expect((await call('GET', '/api/v1/links/lnk_nope/qr')).status).toBe(404);
    const p = await createPartner();
    const link = await createLink(p.id);
    expect((await call('GET', `/api/v1/links/${link.id}/qr`, { key: null })).status).toBe(401);
  });
});
