import { describe, expect, it } from 'vitest';
import { createKey, createLink, createPartner } from '../support/builders';
import { api } from '../support/http';

describe('API authentication', () => {
  it('answers 401 with the contract error body without a key', async () => {
    const res = await api('GET', '/api/v1/partners', { key: null });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(typeof res.body.error.message).toBe('string');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('answers 401 for an unknown key and for a malformed header', async () => {
    expect((await api('GET', '/api/v1/partners', { key: 'rl_admin_nope' })).status).toBe(401);
    const res = await api('GET', '/api/v1/partners', { key: null, headers: { authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('accepts a created admin key and refuses it once revoked', async () => {
    const { id, key } = await createKey('admin');
    expect((await api('GET', '/api/v1/partners', { key })).status).toBe(200);
    await api('DELETE', `/api/v1/keys/${id}`, { expect: 204 });
    const res = await api('GET', '/api/v1/partners', { key });
    expect(res.status).toBe(401);
  });

  it('never stores a key in clear', async () => {
    const { id, key } = await createKey('admin');
    const { results } = await (await import('cloudflare:workers')).env.DB.prepare('SELECT * FROM api_keys WHERE id = ?')
      .bind(id)
      .all();
    expect(JSON.stringify(results)).not.toContain(key);
  });

  it('forbids writes with a partner key (403)', async () => {
    const partner = await createPartner();
    const { key } = await createKey('partner', partner.id);
    const res = await api('POST', '/api/v1/links', {
      key,
      body: { partnerId: partner.id, destination: 'https://www.autodoc.fr/' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await api('POST', '/api/v1/keys', { key, body: { role: 'admin' } })).status).toBe(403);
    expect((await api('DELETE', `/api/v1/partners/${partner.id}`, { key })).status).toBe(403);
  });

  it("hides another partner's data from a partner key (404)", async () => {
    const mine = await createPartner();
    const theirs = await createPartner();
    const theirLink = await createLink(theirs.id);
    const { key } = await createKey('partner', mine.id);
    expect((await api('GET', `/api/v1/partners/${theirs.id}`, { key })).status).toBe(404);
    expect((await api('GET', `/api/v1/links/${theirLink.id}`, { key })).status).toBe(404);
    expect((await api('GET', `/api/v1/links?partnerId=${theirs.id}`, { key })).status).toBe(404);
    const own = await api('GET', `/api/v1/partners/${mine.id}`, { key, expect: 200 });
    expect(own.body.id).toBe(mine.id);
  });

  it('lists only its own partner and links for a partner key', async () => {
    const mine = await createPartner();
    const theirs = await createPartner();
    await createLink(mine.id);
    await createLink(theirs.id);
    const { key } = await createKey('partner', mine.id);
    const partners = await api('GET', '/api/v1/partners?limit=500', { key, expect: 200 });
    expect(partners.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    const links = await api('GET', '/api/v1/links?limit=500', { key, expect: 200 });
    expect(links.body.data.length).toBeGreaterThan(0);
    expect(links.body.data.every((l: { partnerId: string }) => l.partnerId === mine.id)).toBe(true);
  });
});
