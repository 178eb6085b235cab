import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import {
  clearLinkCache,
  JOIN_WAIT_MS,
  LINK_CACHE_TTL_MS,
  linkCacheStats,
  resolveLink,
} from '../../src/isolate/link-cache';
import { createLink, createPartner, uniqueSlug } from '../support/builders';
import { api } from '../support/http';
import { clickIdOf, clicksOf, locationOf, settleClicks, visit, visitThenBackground } from './helpers';

describe('GET /:slug', () => {
  it('answers 302 to the destination with the click id, UTM defaults and affiliate parameters', async () => {
    const p = await createPartner({ affiliateParams: { aff_id: 'aau' } });
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/freinage?ref=app' });
    const res = await visit(`/${link.slug}`);
    expect(res.status).toBe(302);
    const location = locationOf(res);
    expect(location.origin + location.pathname).toBe('https://www.autodoc.fr/freinage');
    expect([...location.searchParams]).toEqual([
      ['ref', 'app'],
      ['utm_source', 'relais'],
      ['utm_medium', 'affiliate'],
      ['utm_campaign', link.slug],
      ['aff_id', 'aau'],
      ['click_id', clickIdOf(res)],
    ]);
    expect(clickIdOf(res)).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('marks the answer private, uncacheable and not for indexing', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
  });

  it('gives every click its own id', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add(clickIdOf(await visit(`/${link.slug}`)));
    expect(ids.size).toBe(5);
  });

  it('answers an unknown slug with a small 404 page', async () => {
    const res = await visit(`/${uniqueSlug('nope')}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('Link not found');
  });

  it('compares slugs case-sensitively', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { slug: uniqueSlug('Promo') });
    expect((await visit(`/${link.slug}`)).status).toBe(302);
    expect((await visit(`/${link.slug.toLowerCase()}`)).status).toBe(404);
  });

  it.each([
    ['a slug with a dot', '/promo.html'],
    ['an encoded slug', '/%70romo'],
    ['a slug starting with a dash', '/-promo'],
    ['a slug longer than 64 characters', `/${'a'.repeat(65)}`],
  ])('answers %s with 404 without looking it up', async (_what, path) => {
    const before = linkCacheStats().d1Reads;
    expect((await visit(path)).status).toBe(404);
    expect(linkCacheStats().d1Reads).toBe(before);
  });

  it('leaves the service routes to the router', async () => {
    expect((await visit('/health')).status).toBe(200);
  });

  it('refuses other methods on a tracked link', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    expect((await visit(`/${link.slug}`, { method: 'POST' })).status).toBe(404);
  });
});

describe('HEAD /:slug', () => {
  it('answers like GET but records no click', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}`, { method: 'HEAD' });
    expect(res.status).toBe(302);
    expect(locationOf(res).hostname).toBe('www.autodoc.fr');
    expect(res.headers.get('set-cookie')).toMatch(/^rl_vid=/);
    await visit(`/${link.slug}?sub1=get`);
    await settleClicks();
    expect((await clicksOf(link.id)).map((c) => c.subIds.sub1)).toEqual(['get']);
  });
});

describe('links that are off', () => {
  it('sends a disabled link to its fallback URL', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { disabled: true, fallbackUrl: 'https://www.autodoc.fr/' });
    const res = await visit(`/${link.slug}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://www.autodoc.fr/');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('answers 410 for a disabled link without a fallback', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { disabled: true });
    const res = await visit(`/${link.slug}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('no longer active');
  });

  it('treats an expired link as disabled', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { expiresAt: '2020-01-01T00:00:00Z' });
    expect((await visit(`/${link.slug}`)).status).toBe(410);
    const withFallback = await createLink(p.id, {
      expiresAt: '2020-01-01T00:00:00Z',
      fallbackUrl: 'https://www.autodoc.fr/promos',
    });
    expect((await visit(`/${withFallback.slug}`)).headers.get('location')).toBe('https://www.autodoc.fr/promos');
  });

  it('treats the links of an ended partnership as disabled', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { fallbackUrl: 'https://www.autodoc.fr/' });
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { status: 'ended' }, expect: 200 });
    const res = await visit(`/${link.slug}`);
    expect(res.headers.get('location')).toBe('https://www.autodoc.fr/');
  });

  it('treats the links of a deleted partner as disabled', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await api('DELETE', `/api/v1/partners/${p.id}`, { expect: 204 });
    expect((await visit(`/${link.slug}`)).status).toBe(410);
  });

  it('answers 404 once the link is deleted', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    expect((await visit(`/${link.slug}`)).status).toBe(302);
    await api('DELETE', `/api/v1/links/${link.id}`, { expect: 204 });
    expect((await visit(`/${link.slug}`)).status).toBe(404);
  });

  it('records no click for a link that is off', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { disabled: true });
    await visit(`/${link.slug}`);
    await settleClicks();
    expect(await clicksOf(link.id)).toEqual([]);
  });
});

describe('link cache', () => {
  it('answers a warm link without a D1 query', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await visit(`/${link.slug}`);
    const before = linkCacheStats().d1Reads;
    for (let i = 0; i < 3; i++) expect((await visit(`/${link.slug}`)).status).toBe(302);
    expect(linkCacheStats().d1Reads).toBe(before);
  });

  it('shares one D1 query among concurrent requests for a cold link', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const before = linkCacheStats().d1Reads;
    const answers = await Promise.all([1, 2, 3, 4].map(() => visit(`/${link.slug}`)));
    expect(answers.map((r) => r.status)).toEqual([302, 302, 302, 302]);
    expect(linkCacheStats().d1Reads).toBe(before + 1);
  });

  it('reads D1 itself rather than wait longer than JOIN_WAIT_MS for the load of another request', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const before = linkCacheStats().d1Reads;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const first = resolveLink(dbOf(env), link.slug, Date.now());
      const joined = resolveLink(dbOf(env), link.slug, Date.now());
      // D1 cannot answer before this test yields: the joined request's own timer fires first.
      vi.advanceTimersByTime(JOIN_WAIT_MS);
      const [a, b] = await Promise.all([first, joined]);
      expect([a?.link.id, b?.link.id]).toEqual([link.id, link.id]);
      expect(linkCacheStats().d1Reads).toBe(before + 2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('serves a change made through the API at once on the same isolate', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    expect(locationOf(await visit(`/${link.slug}`)).pathname).toBe('/freinage');
    await api('PATCH', `/api/v1/links/${link.id}`, {
      body: { destination: 'https://www.autodoc.fr/pneus' },
      expect: 200,
    });
    expect(locationOf(await visit(`/${link.slug}`)).pathname).toBe('/pneus');
    await api('PATCH', `/api/v1/links/${link.id}`, { body: { disabled: true }, expect: 200 });
    expect((await visit(`/${link.slug}`)).status).toBe(410);
  });

  it('serves a renamed link under its new slug only', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await visit(`/${link.slug}`);
    const slug = uniqueSlug('renamed');
    await api('PATCH', `/api/v1/links/${link.id}`, { body: { slug }, expect: 200 });
    expect((await visit(`/${link.slug}`)).status).toBe(404);
    expect((await visit(`/${slug}`)).status).toBe(302);
  });

  it("stops a partner's links at once when the partner ends, and when it is deleted", async () => {
    const ending = await createPartner();
    const ended = await createLink(ending.id);
    expect((await visit(`/${ended.slug}`)).status).toBe(302);
    await api('PATCH', `/api/v1/partners/${ending.id}`, { body: { status: 'ended' }, expect: 200 });
    expect((await visit(`/${ended.slug}`)).status).toBe(410);

    const leaving = await createPartner();
    const deleted = await createLink(leaving.id);
    expect((await visit(`/${deleted.slug}`)).status).toBe(302);
    await api('DELETE', `/api/v1/partners/${leaving.id}`, { expect: 204 });
    expect((await visit(`/${deleted.slug}`)).status).toBe(410);
  });

  it("applies a partner's new affiliate parameters to its cached links at once", async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await visit(`/${link.slug}`);
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { affiliateParams: { aff_id: 'nouveau' } }, expect: 200 });
    expect(locationOf(await visit(`/${link.slug}`)).searchParams.get('aff_id')).toBe('nouveau');
  });

  it('remembers an unknown slug briefly, so a scan does not reach D1 each time', async () => {
    const slug = uniqueSlug('scan');
    await visit(`/${slug}`);
    const before = linkCacheStats().d1Reads;
    await visit(`/${slug}`);
    expect(linkCacheStats().d1Reads).toBe(before);
  });

  it('serves a link created after its slug was found unknown', async () => {
    const p = await createPartner();
    const slug = uniqueSlug('later');
    expect((await visit(`/${slug}`)).status).toBe(404);
    await createLink(p.id, { slug });
    expect((await visit(`/${slug}`)).status).toBe(302);
  });

  it('bounds staleness by a TTL of a few seconds', () => {
    expect(LINK_CACHE_TTL_MS).toBeLessThanOrEqual(10_000);
  });

  it('reads D1 again after the cache is emptied', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await visit(`/${link.slug}`);
    clearLinkCache();
    const before = linkCacheStats().d1Reads;
    await visit(`/${link.slug}`);
    expect(linkCacheStats().d1Reads).toBe(before + 1);
  });
});

describe('link cache expiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never serves an entry older than the TTL: a change made behind its back shows once it expires', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await visit(`/${link.slug}`);
    await env.DB.prepare('UPDATE links SET destination = ? WHERE id = ?')
      .bind('https://www.autodoc.fr/pneus', link.id)
      .run();
    expect(locationOf(await visit(`/${link.slug}`)).pathname).toBe('/freinage');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + LINK_CACHE_TTL_MS + 1);
    expect(locationOf(await visit(`/${link.slug}`)).pathname).toBe('/pneus');
  });

  it('reloads a link in the background shortly before it expires, answering from memory meanwhile', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await visit(`/${link.slug}`);
    await env.DB.prepare('UPDATE links SET destination = ? WHERE id = ?')
      .bind('https://www.autodoc.fr/pneus', link.id)
      .run();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + LINK_CACHE_TTL_MS - 1_000);
    const before = linkCacheStats().d1Reads;
    const { res, background } = await visitThenBackground(`/${link.slug}`);
    expect(locationOf(res).pathname).toBe('/freinage');
    expect(linkCacheStats().d1Reads).toBe(before + 1);
    // Once the request's background work is done, the next request neither waits nor reads D1.
    await background;
    expect(locationOf(await visit(`/${link.slug}`)).pathname).toBe('/pneus');
    expect(linkCacheStats().d1Reads).toBe(before + 1);
  });
});
