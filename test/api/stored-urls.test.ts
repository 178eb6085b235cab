import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createLink, createPartner, partnerInput, uniqueSlug } from '../support/builders';
import { api, call } from '../support/http';

type Detail = { path: string[]; message: string };
const paths = (body: { error: { details: Detail[] } }) => body.error.details.map((d) => d.path.join('.'));

describe('URLs the API stores', () => {
  describe('POST|PATCH /api/v1/links', () => {
    it.each([
      ['destination', { destination: 'https://www.autodoc.fr/\r\nSet-Cookie: a=1' }],
      ['fallbackUrl', { fallbackUrl: 'https://www.autodoc.fr/\r\n' }],
      [
        'rules.targets.0.destination',
        { rules: { targets: [{ countries: ['BE'], destination: 'https://autodoc.be/\n' }] } },
      ],
      [
        'rules.variants.1.destination',
        {
          rules: {
            variants: [
              { destination: 'https://autodoc.fr/a', weight: 1 },
              { destination: 'https://autodoc.fr/\u0000', weight: 1 },
            ],
          },
        },
      ],
    ])('refuses control characters in %s with a 400 naming it', async (path, overrides) => {
      const p = await createPartner();
      const res = await api('POST', '/api/v1/links', {
        body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', ...overrides },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(paths(res.body)).toEqual([path]);
    });

    it.each([
      ['destination', { destination: 'https://198.18.0.1/' }],
      ['destination', { destination: 'https://[fc00::1]/' }],
      ['destination', { destination: 'https://[::ffff:10.0.0.1]/' }],
      ['destination', { destination: 'https://router.local/admin' }],
      ['fallbackUrl', { fallbackUrl: 'https://app-192-168-0-1.nip.io/' }],
      [
        'rules.targets.0.destination',
        { rules: { targets: [{ devices: ['mobile'], destination: 'https://app.lvh.me/' }] } },
      ],
      ['rules.variants.0.destination', { rules: { variants: [{ destination: 'https://[fe80::1]/', weight: 1 }] } }],
    ])('refuses %s pointing outside the public Internet (%j)', async (path, overrides) => {
      const p = await createPartner();
      const res = await api('POST', '/api/v1/links', {
        body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', ...overrides },
      });
      expect(res.status).toBe(400);
      expect(paths(res.body)).toEqual([path]);
    });

    it('stores every URL in its normalised form', async () => {
      const p = await createPartner();
      const link = await createLink(p.id, {
        destination: 'HTTPS://WWW.AUTODOC.FR:443',
        fallbackUrl: 'https://www.autodoc.fr/promos et remises',
        rules: {
          targets: [{ countries: ['DE'], destination: 'https://Bücher.de' }],
          variants: [{ destination: 'https:www.autodoc.fr/b', weight: 1 }],
        },
      });
      expect(link).toMatchObject({
        destination: 'https://www.autodoc.fr/',
        fallbackUrl: 'https://www.autodoc.fr/promos%20et%20remises',
        rules: {
          targets: [{ countries: ['DE'], destination: 'https://xn--bcher-kva.de/' }],
          variants: [{ destination: 'https://www.autodoc.fr/b', weight: 1 }],
        },
      });
      const patched = await api('PATCH', `/api/v1/links/${link.id}`, {
        body: { fallbackUrl: 'HTTPS://www.autodoc.fr' },
        expect: 200,
      });
      expect(patched.body.fallbackUrl).toBe('https://www.autodoc.fr/');
    });

    it('never answers 500 for a link whose fallbackUrl was sent with CR LF', async () => {
      const p = await createPartner();
      const slug = uniqueSlug('crlf');
      const bad = 'https://www.autodoc.fr/promo\r\nSet-Cookie: session=stolen';
      const created = await api('POST', '/api/v1/links', {
        body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', slug, disabled: true, fallbackUrl: bad },
      });
      expect(created.status).toBe(400);
      expect(paths(created.body)).toEqual(['fallbackUrl']);
      const link = await createLink(p.id, { disabled: true, fallbackUrl: 'https://www.autodoc.fr/promo' });
      const patched = await api('PATCH', `/api/v1/links/${link.id}`, { body: { fallbackUrl: bad } });
      expect(patched.status).toBe(400);
      expect(paths(patched.body)).toEqual(['fallbackUrl']);
      for (const s of [slug, link.slug]) {
        const res = await call('GET', `/${s}`, { key: null });
        expect(res.status).not.toBe(500);
        expect(res.headers.get('set-cookie') ?? '').not.toContain('stolen');
      }
      expect((await call('GET', `/${link.slug}`, { key: null })).headers.get('location')).toBe(
        'https://www.autodoc.fr/promo',
      );
    });
  });

  describe('POST|PATCH /api/v1/partners', () => {
    it.each([
      ['webhookUrl', { webhookUrl: 'https://hooks.autodoc.fr/relais\r\n' }],
      ['websiteUrl', { websiteUrl: 'https://www.autodoc.fr/\u0085' }],
      ['trackingTemplate', { trackingTemplate: 'https://t.example/c?url={url}\r\nX-Evil: 1' }],
      ['trackingTemplate', { trackingTemplate: 'https://t.example/c?url={url} &x=1' }],
    ])('refuses control characters or blanks in %s with a 400 naming it', async (path, overrides) => {
      const res = await api('POST', '/api/v1/partners', { body: partnerInput(overrides) });
      expect(res.status).toBe(400);
      expect(paths(res.body)).toEqual([path]);
    });

    it.each([
      ['webhookUrl', { webhookUrl: 'https://metadata.google.internal/computeMetadata/v1/' }],
      ['webhookUrl', { webhookUrl: 'https://169-254-169-254.sslip.io/latest' }],
      ['websiteUrl', { websiteUrl: 'https://192.0.2.10/' }],
      ['websiteUrl', { websiteUrl: 'https://[64:ff9b::a00:1]/' }],
    ])('refuses %s pointing outside the public Internet (%j)', async (path, overrides) => {
      const res = await api('POST', '/api/v1/partners', { body: partnerInput(overrides) });
      expect(res.status).toBe(400);
      expect(paths(res.body)).toEqual([path]);
    });

    it('stores the partner URLs in their normalised form', async () => {
      const p = await createPartner({
        websiteUrl: 'HTTPS://WWW.AUTODOC.FR',
        webhookUrl: 'https://Hooks.Autodoc.fr:443/relais',
      });
      expect(p).toMatchObject({ websiteUrl: 'https://www.autodoc.fr/', webhookUrl: 'https://hooks.autodoc.fr/relais' });
      const row = await env.DB.prepare('SELECT website_url, webhook_url FROM partners WHERE id = ?').bind(p.id).first();
      expect(row).toEqual({ website_url: 'https://www.autodoc.fr/', webhook_url: 'https://hooks.autodoc.fr/relais' });
    });
  });
});
