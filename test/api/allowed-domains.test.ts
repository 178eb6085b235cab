import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createLink, createPartner, partnerInput } from '../support/builders';
import { api, call } from '../support/http';

type Detail = { path: string[]; message: string };
const paths = (body: { error: { details: Detail[] } }) => body.error.details.map((d) => d.path.join('.'));

describe('allowedDomains of partners', () => {
  it.each([
    ['fr', 1],
    ['co.uk', 1],
    ['github.io', 0],
    ['localtest.me', 1],
  ])('refuses the allowed domain %s with a 400 naming the entry', async (domain, index) => {
    const allowedDomains = index === 0 ? [domain, 'autodoc.fr'] : ['autodoc.fr', domain];
    const res = await api('POST', '/api/v1/partners', { body: partnerInput({ allowedDomains }) });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({
        path: ['allowedDomains', String(index)],
        message: expect.stringContaining(`"${domain}"`),
      }),
    ]);
    const p = await createPartner();
    const patched = await api('PATCH', `/api/v1/partners/${p.id}`, { body: { allowedDomains } });
    expect(patched.status).toBe(400);
    expect(paths(patched.body)).toEqual([`allowedDomains.${index}`]);
  });

  it('accepts registrable domains and their subdomains, under private suffixes too', async () => {
    const p = await createPartner({ allowedDomains: ['autodoc.co.uk', 'www.autodoc.fr', 'autodoc.github.io'] });
    expect(p.allowedDomains).toEqual(['autodoc.co.uk', 'www.autodoc.fr', 'autodoc.github.io']);
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, { body: { allowedDomains: ['github.io'] } });
    expect(res.status).toBe(400);
  });

  it('follows no deep link under a public suffix a partner was given before it was refused', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await env.DB.prepare('UPDATE partners SET allowed_domains = ? WHERE id = ?').bind('["co.uk"]', p.id).run();
    const res = await call('GET', `/${link.slug}?url=${encodeURIComponent('https://anyone.co.uk/phishing')}`, {
      key: null,
    });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '').hostname).toBe('www.autodoc.fr');
  });
});
