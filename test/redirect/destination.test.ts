import { describe, expect, it } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { clickIdOf, clicksOf, locationOf, settleClicks, visit } from './helpers';

describe('destination', () => {
  it('fills the partner tracking template and its macros', async () => {
    const p = await createPartner({
      trackingTemplate: 'https://track.example.com/c?aff=aau&sub={click_id}&s1={sub1}&pl={placement}&url={url}',
    });
    const link = await createLink(p.id, { placement: 'diagnostic_freins' });
    const res = await visit(`/${link.slug}?sub1=clio%20iv`);
    const location = locationOf(res);
    expect(location.origin + location.pathname).toBe('https://track.example.com/c');
    expect(location.searchParams.get('sub')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(location.searchParams.get('s1')).toBe('clio iv');
    expect(location.searchParams.get('pl')).toBe('diagnostic_freins');
    const inner = new URL(location.searchParams.get('url') as string);
    expect(inner.hostname).toBe('www.autodoc.fr');
    expect(inner.searchParams.get('click_id')).toBe(location.searchParams.get('sub'));
  });

  it('puts the click id under the partner parameter name', async () => {
    const p = await createPartner({ clickIdParam: 'aff_sub' });
    const link = await createLink(p.id);
    const location = locationOf(await visit(`/${link.slug}`));
    expect(location.searchParams.get('aff_sub')).toMatch(/^[0-9A-Z]{26}$/);
    expect(location.searchParams.has('click_id')).toBe(false);
  });

  it("uses the link's UTM values and parameters over the defaults", async () => {
    const p = await createPartner();
    const link = await createLink(p.id, {
      utm: { source: 'app', campaign: 'hiver' },
      params: { utm_medium: 'push', promo: 'freins' },
    });
    const location = locationOf(await visit(`/${link.slug}`));
    expect(location.searchParams.get('utm_source')).toBe('app');
    expect(location.searchParams.get('utm_medium')).toBe('push');
    expect(location.searchParams.get('utm_campaign')).toBe('hiver');
    expect(location.searchParams.get('promo')).toBe('freins');
  });

  it("forwards the visitor's other parameters", async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const location = locationOf(await visit(`/${link.slug}?modele=clio&annee=2016`));
    expect(location.searchParams.get('modele')).toBe('clio');
    expect(location.searchParams.get('annee')).toBe('2016');
  });

  it('forwards nothing when the link says not to', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { forwardQuery: false });
    const location = locationOf(await visit(`/${link.slug}?modele=clio`));
    expect(location.searchParams.has('modele')).toBe(false);
  });

  it('never forwards sub-ids, the app user id or the deep link parameter', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const location = locationOf(await visit(`/${link.slug}?sub1=a&sub5=e&uid=user-42&url=https://evil.example/&x=1`));
    expect([...location.searchParams.keys()]).not.toContain('sub1');
    expect(location.search).not.toContain('user-42');
    expect(location.search).not.toContain('evil');
    expect(location.searchParams.get('x')).toBe('1');
  });

  it('keeps the reserved parameters out of reach of the visitor, however spelled', async () => {
    const p = await createPartner({ affiliateParams: { aff_id: 'aau' } });
    const link = await createLink(p.id);
    const res = await visit(
      `/${link.slug}?click_id=forged&CLICK_ID=forged&click.id=forged&aff_id=theirs&utm_source=spam`,
    );
    const location = locationOf(res);
    expect(location.searchParams.getAll('click_id')).toEqual([clickIdOf(res)]);
    expect(location.search).not.toContain('forged');
    expect(location.searchParams.getAll('aff_id')).toEqual(['aau']);
    expect(location.searchParams.getAll('utm_source')).toEqual(['relais']);
  });

  it('decodes the query as forms do, malformed escapes included', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}?sub1=clio+iv%20rs&sub2=100%&sub3=%E2%82%AC`);
    expect(res.status).toBe(302);
    await settleClicks();
    const [click] = await clicksOf(link.id);
    expect(click.subIds).toMatchObject({ sub1: 'clio iv rs', sub2: '100%', sub3: '€' });
  });
});

describe('deep links', () => {
  it('replaces the destination with a deep link inside the partner domains', async () => {
    const p = await createPartner({ allowedDomains: ['autodoc.fr'] });
    const link = await createLink(p.id);
    const deep = encodeURIComponent('https://m.autodoc.fr/p/plaquettes-123?color=red');
    const res = await visit(`/${link.slug}?url=${deep}`);
    const location = locationOf(res);
    expect(location.origin + location.pathname).toBe('https://m.autodoc.fr/p/plaquettes-123');
    expect(location.searchParams.get('color')).toBe('red');
    expect(location.searchParams.get('click_id')).toBe(clickIdOf(res));
    await settleClicks();
    const [click] = await clicksOf(link.id);
    expect(click).toMatchObject({
      variant: 'deep_link',
      destination: 'https://m.autodoc.fr/p/plaquettes-123?color=red',
      deepLinkRefused: false,
    });
  });

  it.each([
    ['another domain', 'https://evil.example/'],
    ['a look-alike suffix', 'https://autodoc.fr.evil.example/'],
    ['a look-alike prefix', 'https://evilautodoc.fr/'],
    ['plain http', 'http://www.autodoc.fr/'],
    ['user info', 'https://www.autodoc.fr@evil.example/'],
    ['an empty user info', 'https://@evil.example/'],
    ['a backslash', 'https://evil.example\\@www.autodoc.fr/'],
    ['a scheme-relative URL', '//evil.example/'],
    ['a single slash', 'https:/evil.example/'],
    ['a javascript: URL', 'javascript:alert(1)//www.autodoc.fr'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['an IP address', 'https://93.184.216.34/'],
    ['a non-default port', 'https://www.autodoc.fr:8443/'],
    ['a tab inside the host', 'https://ev\til.example/.autodoc.fr'],
    ['a leading space', ' https://evil.example/'],
  ])('refuses %s and records the refusal', async (_what, deep) => {
    const p = await createPartner({ allowedDomains: ['autodoc.fr'] });
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}?url=${encodeURIComponent(deep)}`);
    const location = locationOf(res);
    expect(location.origin + location.pathname).toBe('https://www.autodoc.fr/freinage');
    expect(res.headers.get('location')).not.toContain('evil');
    await settleClicks();
    const [click] = await clicksOf(link.id);
    expect(click).toMatchObject({
      deepLinkRefused: true,
      variant: 'default',
      destination: 'https://www.autodoc.fr/freinage',
    });
  });

  it('takes the first deep link when several are given', async () => {
    const p = await createPartner({ allowedDomains: ['autodoc.fr'] });
    const link = await createLink(p.id);
    const res = await visit(
      `/${link.slug}?url=${encodeURIComponent('https://evil.example/')}&url=${encodeURIComponent('https://www.autodoc.fr/x')}`,
    );
    expect(locationOf(res).pathname).toBe('/freinage');
  });

  it('refuses every deep link of a partner without allowed domains', async () => {
    const p = await createPartner({ allowedDomains: [] });
    const link = await createLink(p.id);
    const res = await visit(`/${link.slug}?url=${encodeURIComponent('https://www.autodoc.fr/x')}`);
    expect(locationOf(res).pathname).toBe('/freinage');
  });
});
