// The console's links pages: the list, a link's page, creating and changing links, and what a partner's user may see.
import { beforeAll, describe, expect, it } from 'vitest';
import { createLink, createPartner, uniqueSlug } from '../support/builders';
import { browse, page, type Signed, signedIn, submit } from '../support/console';
import { api } from '../support/http';
import { insertClick } from '../support/rows';

let admin: Signed;
let autodoc: { id: string };
let oscaro: { id: string };
let autodocUser: Signed;

beforeAll(async () => {
  admin = await signedIn({ role: 'admin' });
  autodoc = await createPartner({ name: 'Autodoc', allowedDomains: ['autodoc.fr', 'autodoc.be'] });
  oscaro = await createPartner({ name: 'Oscaro', allowedDomains: ['oscaro.com'] });
  autodocUser = await signedIn({ role: 'partner', partnerId: autodoc.id });
});

/** The link id a successful form answers with, from its redirect to the link's page. */
function createdId(res: Response): string {
  expect(res.status).toBe(303);
  const location = res.headers.get('location') ?? '';
  const match = /^\/console\/links\/([^/?]+)\?done=created$/.exec(location);
  if (!match) throw new Error(`unexpected redirect: ${location}`);
  return decodeURIComponent(match[1]!);
}

describe('POST /console/links/new', () => {
  it('creates a link with every kind of setting, read back the same through the API', async () => {
    const slug = uniqueSlug('freins');
    const res = await submit(admin, '/console/links/new', {
      partnerId: autodoc.id,
      destination: 'https://www.autodoc.fr/freinage',
      slug,
      title: 'Freins, diagnostic',
      placement: 'diagnostic_freins',
      'utm.source': 'app',
      'utm.medium': 'cpc',
      'utm.campaign': 'hiver',
      'utm.term': 'plaquettes',
      'utm.content': 'bouton',
      'params.0.name': 'aff',
      'params.0.value': 'aau',
      'params.1.name': '',
      'params.1.value': '',
      'targets.0.id': 'belgique',
      'targets.0.countries': 'BE, LU',
      'targets.0.languages': 'fr nl',
      'targets.0.os': '',
      'targets.0.destination': 'https://www.autodoc.be/freinage',
      'targets.1.id': '',
      'targets.1.countries': '',
      'targets.1.device.mobile': '1',
      'targets.1.device.tablet': '1',
      'targets.1.os': 'iOS, Android',
      'targets.1.languages': '',
      'targets.1.destination': 'https://m.autodoc.fr/freinage',
      'variants.0.id': 'a',
      'variants.0.destination': 'https://www.autodoc.fr/freinage?v=a',
      'variants.0.weight': '70',
      'variants.1.id': '',
      'variants.1.destination': 'https://www.autodoc.fr/freinage?v=b',
      'variants.1.weight': '30',
      // The tests' programme runs on UTC days (vitest.config.ts).
      expiresAt: '2030-12-31T23:30',
      fallbackUrl: 'https://www.autodoc.fr/',
      requiresConsent: '1',
    });
    const id = createdId(res);
    const { body } = await api('GET', `/api/v1/links/${id}`, { expect: 200 });
    expect(body).toEqual({
      id,
      slug,
      shortUrl: `https://relais.test/${slug}`,
      partnerId: autodoc.id,
      destination: 'https://www.autodoc.fr/freinage',
      title: 'Freins, diagnostic',
      utm: { source: 'app', medium: 'cpc', campaign: 'hiver', term: 'plaquettes', content: 'bouton' },
      params: { aff: 'aau' },
      fallbackUrl: 'https://www.autodoc.fr/',
      expiresAt: '2030-12-31T23:30:00.000Z',
      rules: {
        targets: [
          {
            id: 'belgique',
            countries: ['BE', 'LU'],
            languages: ['fr', 'nl'],
            destination: 'https://www.autodoc.be/freinage',
          },
          { devices: ['mobile', 'tablet'], os: ['iOS', 'Android'], destination: 'https://m.autodoc.fr/freinage' },
        ],
        variants: [
          { id: 'a', destination: 'https://www.autodoc.fr/freinage?v=a', weight: 70 },
          { destination: 'https://www.autodoc.fr/freinage?v=b', weight: 30 },
        ],
      },
      placement: 'diagnostic_freins',
      forwardQuery: false,
      disabled: false,
      requiresConsent: true,
      createdAt: body.createdAt,
      updatedAt: body.updatedAt,
    });
    const shown = await page(admin, `/console/links/${id}?done=created`);
    expect(shown).toContain('The link was created.');
  });

  it('answers a bad destination with 400, the refusal beside the field and every value kept', async () => {
    const slug = uniqueSlug('kept');
    const res = await submit(admin, '/console/links/new', {
      partnerId: autodoc.id,
      destination: 'www.autodoc.fr/freinage',
      slug,
      'utm.campaign': 'hiver',
      'targets.0.countries': 'BE',
      'targets.0.destination': 'https://www.autodoc.be/',
      'variants.0.destination': 'https://www.autodoc.fr/?v=a',
      'variants.0.weight': '3',
      forwardQuery: '1',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('aria-invalid="true" type="url" value="www.autodoc.fr/freinage"');
    expect(html).toContain(
      '<p class="hint bad" id="link-destination-error">Enter an absolute https URL, such as https://www.autodoc.fr/.</p>',
    );
    expect(html).toContain(`<option value="${autodoc.id}" selected="">Autodoc</option>`);
    expect(html).toContain(`name="slug" aria-describedby="link-slug-hint" type="text" value="${slug}"`);
    expect(html).toContain('name="utm.campaign" aria-describedby="link-utm-campaign-hint" type="text" value="hiver"');
    expect(html).toContain(
      'name="targets.0.countries" aria-describedby="link-targets-0-countries-hint" type="text" value="BE"',
    );
    expect(html).toContain('name="variants.0.weight" type="number" value="3"');
    expect(html).toContain('name="forwardQuery" value="1" checked=""');
    const listed = await api('GET', `/api/v1/links?partnerId=${autodoc.id}&limit=500`, { expect: 200 });
    expect(listed.body.data.map((l: { slug: string }) => l.slug)).not.toContain(slug);
  });

  it("answers the service's refusals beside their fields: a URL it may not send people to, a taken slug", async () => {
    const http = await submit(admin, '/console/links/new', {
      partnerId: autodoc.id,
      destination: 'https://www.autodoc.fr/',
      'variants.0.destination': 'http://www.autodoc.fr/?v=a',
      'variants.0.weight': '1',
    });
    expect(http.status).toBe(400);
    expect(await http.text()).toContain(
      '<p class="hint bad" id="link-variants-0-destination-error">The URL must use https.</p>',
    );
    const taken = await createLink(autodoc.id);
    const again = await submit(admin, '/console/links/new', {
      partnerId: autodoc.id,
      destination: 'https://www.autodoc.fr/',
      slug: taken.slug,
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain(
      '<p class="hint bad" id="link-slug-error">Another link already uses this slug.</p>',
    );
  });

  it('speaks French to a French browser', async () => {
    const res = await submit(admin, '/console/links/new', { partnerId: '', destination: '' }, { lang: 'fr' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<p class="hint bad" id="link-partnerId-error">Choisissez un partenaire.</p>');
    expect(html).toContain('<h1>Nouveau lien</h1>');
  });
});

describe('POST /console/links/:id/edit', () => {
  it('shows the stored settings, then changes them and clears what was emptied', async () => {
    const link = await createLink(autodoc.id, {
      title: 'Ancien titre',
      utm: { source: 'app' },
      params: { aff: 'aau' },
      rules: { variants: [{ id: 'a', destination: 'https://www.autodoc.fr/?v=a', weight: 1 }] },
      expiresAt: '2031-01-01T10:00:00Z',
    });
    const form = await page(admin, `/console/links/${link.id}/edit`);
    expect(form).toContain('name="title" aria-describedby="link-title-hint" type="text" value="Ancien titre"');
    expect(form).toContain('name="params.0.value" type="text" value="aau"');
    expect(form).toContain('name="variants.0.weight" type="number" value="1"');
    expect(form).toContain('type="datetime-local" value="2031-01-01T10:00"');
    expect(form).not.toContain('name="partnerId"');

    const res = await submit(admin, `/console/links/${link.id}/edit`, {
      destination: 'https://www.autodoc.fr/pneus',
      slug: link.slug,
      title: '',
      'utm.medium': 'push',
      'targets.0.countries': 'CH',
      'targets.0.destination': 'https://www.autodoc.ch/',
      forwardQuery: '1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/links/${link.id}?done=saved`);
    const { body } = await api('GET', `/api/v1/links/${link.id}`, { expect: 200 });
    expect(body).toMatchObject({
      slug: link.slug,
      partnerId: autodoc.id,
      destination: 'https://www.autodoc.fr/pneus',
      title: null,
      utm: { medium: 'push' },
      params: {},
      expiresAt: null,
      rules: { targets: [{ countries: ['CH'], destination: 'https://www.autodoc.ch/' }] },
      forwardQuery: true,
    });
  });

  it('keeps the link as it was when the change is refused', async () => {
    const link = await createLink(autodoc.id);
    const res = await submit(admin, `/console/links/${link.id}/edit`, {
      destination: 'https://www.autodoc.fr/',
      'targets.1.destination': 'https://www.autodoc.be/',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      '<p class="hint bad" id="link-targets-1-error">Give at least one country, device, system or language.</p>',
    );
    expect((await api('GET', `/api/v1/links/${link.id}`, { expect: 200 })).body.destination).toBe(
      'https://www.autodoc.fr/freinage',
    );
  });
});

describe('disabling and deleting', () => {
  it('disables and enables a link again, and deletes it', async () => {
    const link = await createLink(autodoc.id);
    const off = await submit(admin, `/console/links/${link.id}/disable`);
    expect(off.headers.get('location')).toBe(`/console/links/${link.id}?done=disabled`);
    expect((await api('GET', `/api/v1/links/${link.id}`)).body.disabled).toBe(true);
    expect(await page(admin, `/console/links/${link.id}`)).toContain('<span class="badge">Disabled</span>');
    await submit(admin, `/console/links/${link.id}/enable`);
    expect((await api('GET', `/api/v1/links/${link.id}`)).body.disabled).toBe(false);
    const gone = await submit(admin, `/console/links/${link.id}/delete`);
    expect(gone.headers.get('location')).toBe('/console/links?done=deleted');
    expect((await api('GET', `/api/v1/links/${link.id}`)).status).toBe(404);
    await page(admin, `/console/links/${link.id}`, 404);
  });

  it('asks before disabling or deleting', async () => {
    const link = await createLink(autodoc.id);
    const html = await page(admin, `/console/links/${link.id}`);
    expect(html).toContain(
      `<form method="post" action="/console/links/${link.id}/delete" data-confirm="Delete this link? Its short URL will answer &quot;not found&quot;; its clicks are kept.">`,
    );
    expect(html).toMatch(new RegExp(`action="/console/links/${link.id}/disable" data-confirm="Disable this link\\?`));
  });
});

describe('GET /console/links', () => {
  it("lists every partner's links for an admin, with their partner and status, filtered by partner", async () => {
    const tag = uniqueSlug('list');
    const own = await createLink(autodoc.id, { slug: `${tag}-a` });
    const other = await createLink(oscaro.id, { slug: `${tag}-o`, expiresAt: '2020-01-01T00:00:00Z' });
    const all = await page(admin, `/console/links?q=${tag}`);
    expect(all).toMatch(new RegExp(`<a href="/console/links/${other.id}">${tag}-o</a>.*?<td>Oscaro</td>.*?Expired`));
    expect(all).toMatch(new RegExp(`<a href="/console/links/${own.id}">${tag}-a</a>.*?<td>Autodoc</td>.*?Active`));
    const filtered = await page(admin, `/console/links?q=${tag}&partner=${oscaro.id}`);
    expect(filtered).toContain(`${tag}-o`);
    expect(filtered).not.toContain(`${tag}-a`);
    expect(filtered).toContain(`<option value="${oscaro.id}" selected="">Oscaro</option>`);
  });

  it('finds links by a part of their destination', async () => {
    const tag = uniqueSlug('dest');
    const link = await createLink(autodoc.id, { destination: `https://www.autodoc.fr/${tag}/amortisseurs` });
    const html = await page(admin, `/console/links?q=${encodeURIComponent(`${tag}/amort`)}`);
    expect(html).toContain(`<a href="/console/links/${link.id}">${link.slug}</a>`);
    expect(await page(admin, `/console/links?q=${uniqueSlug('nothing')}`)).toContain('No link matches these filters.');
  });

  it('pages the list 50 links at a time, keeping the filters', async () => {
    const p = await createPartner({ name: 'Barrault' });
    const made = [];
    for (let i = 0; i < 51; i++) made.push(await createLink(p.id));
    const first = await page(admin, `/console/links?partner=${p.id}`);
    expect(first.match(/<a href="\/console\/links\/lnk_/g)).toHaveLength(50);
    const next = /<a href="(\/console\/links\?partner=[^"]+&amp;cursor=[^"]+)" rel="next">/.exec(first)?.[1];
    expect(next).toMatch(new RegExp(`^/console/links\\?partner=${p.id}&amp;cursor=\\w+$`));
    const second = await page(admin, next!.replace(/&amp;/g, '&'));
    expect(second.match(/<a href="\/console\/links\/lnk_/g)).toHaveLength(1);
    expect(second).toContain(`<a href="/console/links/${made[0].id}">`);
  });
});

describe('GET /console/links/:id', () => {
  it('shows the short URL to copy, its QR code inline, and every setting', async () => {
    const link = await createLink(autodoc.id, {
      utm: { campaign: 'hiver' },
      params: { aff: 'aau' },
      rules: { targets: [{ countries: ['BE'], destination: 'https://www.autodoc.be/' }] },
      placement: 'diagnostic_freins',
    });
    const html = await page(admin, `/console/links/${link.id}`);
    const shortUrl = `https://relais.test/${link.slug}`;
    expect(html).toContain(`<code>${shortUrl}</code><button type="button" class="secondary" data-copy="${shortUrl}"`);
    expect(html).toMatch(
      /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+" role="img" aria-labelledby="link-qr-title"/,
    );
    expect(html).toContain(`<title id="link-qr-title">QR code of ${shortUrl}</title>`);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).toContain('<code>utm_campaign</code> = hiver');
    expect(html).toContain('<code>utm_source</code> = relais <span class="muted">(by default)</span>');
    expect(html).toContain('<code>aff</code> = aau');
    expect(html).toContain('<td>BE</td>');
    expect(html).toContain('diagnostic_freins');
    expect(html).toContain(`href="/console/links/${link.id}/edit"`);
  });

  it('serves the QR code as an SVG file', async () => {
    const link = await createLink(autodoc.id);
    const res = await browse(`/console/links/${link.id}/qr.svg`, { cookie: admin.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await res.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('builds the tracking URL with sub-ids and a deep link, and names the domains deep links may use', async () => {
    const link = await createLink(autodoc.id);
    const html = await page(
      admin,
      `/console/links/${link.id}?sub1=clio-iv&sub3=essence&url=https%3A%2F%2Fwww.autodoc.fr%2Fpneus`,
    );
    expect(html).toContain(
      `data-copy="https://relais.test/${link.slug}?sub1=clio-iv&amp;sub3=essence&amp;url=https%3A%2F%2Fwww.autodoc.fr%2Fpneus"`,
    );
    expect(html).toContain('on autodoc.fr, autodoc.be or their subdomains');
    expect(html).toContain('id="tracking-sub1" name="sub1" value="clio-iv"');
  });

  it('shows the latest clicks, newest first', async () => {
    const link = await createLink(autodoc.id);
    await insertClick(link, '2026-11-20T10:00:00Z', { device: 'mobile', os: 'iOS', country: 'FR', sub1: 'clio-iv' });
    await insertClick(link, '2026-11-21T10:00:00Z', { isBot: true, isUnique: false, country: 'US' });
    const html = await page(admin, `/console/links/${link.id}`);
    expect(html).toMatch(
      /21 Nov 2026, 10:00<\/th><td>Bot<\/td>.*20 Nov 2026, 10:00<\/th><td>Unique<\/td><td>mobile<\/td><td>iOS<\/td>/,
    );
    expect(html).toContain('<td>sub1=clio-iv</td>');
  });
});

describe("a partner's user", () => {
  it('lists only its own links, with no other partner named', async () => {
    const tag = uniqueSlug('mine');
    const own = await createLink(autodoc.id, { slug: `${tag}-a` });
    await createLink(oscaro.id, { slug: `${tag}-o` });
    const html = await page(autodocUser, `/console/links?q=${tag}`);
    expect(html).toContain(`<a href="/console/links/${own.id}">${tag}-a</a>`);
    expect(html).not.toContain(`${tag}-o`);
    expect(html).not.toContain('Oscaro');
    expect(html).not.toContain(oscaro.id);
    expect(html).not.toContain('name="partner"');
    expect(html).not.toContain('/console/links/new');
  });

  it("finds another partner's links nowhere: list filter, page, QR code, edit form", async () => {
    const theirs = await createLink(oscaro.id);
    await page(autodocUser, `/console/links?partner=${oscaro.id}`, 404);
    await page(autodocUser, `/console/links/${theirs.id}`, 404);
    await page(autodocUser, `/console/links/${theirs.id}/qr.svg`, 404);
    await page(autodocUser, `/console/links/${theirs.id}/edit`, 404);
  });

  it('reads its own link without any way to change it', async () => {
    const own = await createLink(autodoc.id);
    const html = await page(autodocUser, `/console/links/${own.id}`);
    expect(html).toContain(`<title id="link-qr-title">QR code of https://relais.test/${own.slug}</title>`);
    expect(html).not.toContain('/edit"');
    expect(html).not.toContain('/disable"');
    expect(html).not.toContain('/delete"');
    await page(autodocUser, `/console/links/${own.id}/edit`, 404);
    await page(autodocUser, '/console/links/new', 404);
  });

  it('is refused every change, which leaves the links as they were', async () => {
    const own = await createLink(autodoc.id);
    const slug = uniqueSlug('sneaky');
    const created = await submit(autodocUser, '/console/links/new', {
      partnerId: autodoc.id,
      destination: 'https://www.autodoc.fr/',
      slug,
    });
    expect(created.status).toBe(404);
    expect(
      (await api('GET', `/api/v1/links?partnerId=${autodoc.id}&limit=500`)).body.data.map(
        (l: { slug: string }) => l.slug,
      ),
    ).not.toContain(slug);
    for (const action of ['edit', 'disable', 'enable', 'delete']) {
      const res = await submit(autodocUser, `/console/links/${own.id}/${action}`, {
        destination: 'https://www.autodoc.fr/autre',
      });
      expect(res.status).toBe(404);
    }
    expect((await api('GET', `/api/v1/links/${own.id}`, { expect: 200 })).body).toMatchObject({
      destination: 'https://www.autodoc.fr/freinage',
      disabled: false,
    });
  });
});
