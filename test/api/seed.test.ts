import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { SEED_PARTNERS } from '../../src/seed/partners';
import { seedDemo } from '../../src/seed/seed';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';

// The seed adds what is missing: each test starts from a database it has not seeded yet.
beforeEach(freshStorage);

describe('demo seed', () => {
  it('adds the 20 partners of the partnership document and demo links, once', async () => {
    const first = await seedDemo(env);
    const second = await seedDemo(env);
    expect(first).toEqual({ partnersAdded: 20, linksAdded: 4 });
    expect(second).toEqual({ partnersAdded: 0, linksAdded: 0 });
    const res = await api('GET', '/api/v1/partners?limit=500', { expect: 200 });
    const slugs = res.body.data.map((p: { slug: string }) => p.slug);
    for (const p of SEED_PARTNERS) expect(slugs).toContain(p.slug);
  });

  it('keeps the statuses and integrations of the document', async () => {
    await seedDemo(env);
    const res = await api('GET', '/api/v1/partners?limit=500', { expect: 200 });
    const bySlug = Object.fromEntries(res.body.data.map((p: { slug: string }) => [p.slug, p]));
    expect(bySlug.autodoc).toMatchObject({
      status: 'active',
      integration: 'direct_api',
      allowedDomains: ['autodoc.fr'],
    });
    expect(bySlug.oscaro).toMatchObject({ integration: 'affiliate_platform' });
    expect(bySlug.euromaster).toMatchObject({ integration: 'referral' });
    expect(bySlug.motoblouz).toMatchObject({ status: 'negotiating' });
    expect(bySlug['kenny-racing']).toMatchObject({ status: 'prospect' });
    expect(bySlug.barrault.commissionRules).toContainEqual({ category: 'stage3', percent: 20 });
  });

  it('is reachable through the dev route in local runs only', async () => {
    const res = await api('POST', '/api/v1/dev/seed', { expect: 200 });
    expect(res.body).toHaveProperty('partnersAdded');
  });
});
