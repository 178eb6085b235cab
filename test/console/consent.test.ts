// The console's consent settings: "needs consent" on a link's form and page, and on a partner's page.
import { beforeAll, describe, expect, it } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { page, type Signed, signedIn, submit } from '../support/console';
import { api } from '../support/http';

let admin: Signed;

beforeAll(async () => {
  admin = await signedIn({ role: 'admin' });
});

describe('a link needing consent', () => {
  it('is created from the form with the box ticked, and shown so on its page', async () => {
    const p = await createPartner();
    const form = await page(admin, '/console/links/new');
    expect(form).toContain('Needs consent: recognise the visitor only when the link is opened with consent=1');
    expect(form).toMatch(
      /<input type="checkbox" id="link-requiresConsent" name="requiresConsent" value="1"(?! checked)/,
    );
    const res = await submit(admin, '/console/links/new', {
      partnerId: p.id,
      destination: 'https://www.autodoc.fr/freinage',
      requiresConsent: '1',
    });
    expect(res.status).toBe(303);
    const id = decodeURIComponent(/\/console\/links\/([^/?]+)\?/.exec(res.headers.get('location') ?? '')?.[1] ?? '');
    expect((await api('GET', `/api/v1/links/${id}`, { expect: 200 })).body.requiresConsent).toBe(true);
    const html = await page(admin, `/console/links/${id}`);
    expect(html).toContain('<dt>Needs consent (consent=1)</dt><dd>Yes</dd>');
  });

  it('shows the stored setting on the edit form, and an unticked box turns it off', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    const form = await page(admin, `/console/links/${link.id}/edit`);
    expect(form).toMatch(/id="link-requiresConsent" name="requiresConsent" value="1" checked/);
    const res = await submit(admin, `/console/links/${link.id}/edit`, {
      destination: 'https://www.autodoc.fr/freinage',
      slug: link.slug,
      forwardQuery: '1',
    });
    expect(res.status).toBe(303);
    expect((await api('GET', `/api/v1/links/${link.id}`, { expect: 200 })).body.requiresConsent).toBe(false);
  });

  it('is labelled in French for a French browser', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    const form = await page(admin, `/console/links/${link.id}/edit`, 200, { lang: 'fr' });
    expect(form).toContain('<legend>Consentement</legend>');
    expect(form).toContain('Consentement requis : ne reconnaître le visiteur que si le lien est ouvert avec consent=1');
    const html = await page(admin, `/console/links/${link.id}`, 200, { lang: 'fr' });
    expect(html).toContain('<dt>Consentement requis (consent=1)</dt><dd>Oui</dd>');
  });
});

describe('POST /console/partners/:id/consent', () => {
  it('makes every link of the partner need consent, and turns it off again', async () => {
    const p = await createPartner();
    const before = await page(admin, `/console/partners/${p.id}`);
    expect(before).toContain('<h2 id="consent">Consent</h2>');
    expect(before).toContain(`action="/console/partners/${p.id}/consent"`);
    expect(before).toContain('Consent is not required');

    const on = await submit(admin, `/console/partners/${p.id}/consent`, { requiresConsent: '1' });
    expect(on.status).toBe(303);
    expect(on.headers.get('location')).toBe(`/console/partners/${p.id}?done=consent`);
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.requiresConsent).toBe(true);
    const after = await page(admin, on.headers.get('location') as string);
    expect(after).toContain('The consent setting was saved.');
    expect(after).toContain('Needs consent: visitors of its links are recognised only on consent=1.');
    expect(after).toMatch(/id="requiresConsent" name="requiresConsent" value="1" checked/);

    await submit(admin, `/console/partners/${p.id}/consent`, {});
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.requiresConsent).toBe(false);
  });

  it('is labelled in French for a French browser', async () => {
    const p = await createPartner({ requiresConsent: true });
    const html = await page(admin, `/console/partners/${p.id}`, 200, { lang: 'fr' });
    expect(html).toContain('<h2 id="consent">Consentement</h2>');
    expect(html).toContain('Consentement requis : les visiteurs de ses liens ne sont reconnus qu’avec consent=1.');
    expect(html).toContain('Consentement requis (consent=1) sur tous les liens du partenaire');
  });

  it("shows a partner's user its setting, and refuses its change", async () => {
    const p = await createPartner({ requiresConsent: true });
    const user = await signedIn({ role: 'partner', partnerId: p.id });
    const html = await page(user, `/console/partners/${p.id}`);
    expect(html).toContain('Needs consent: visitors of its links are recognised only on consent=1.');
    expect(html).not.toContain(`action="/console/partners/${p.id}/consent"`);
    expect((await submit(user, `/console/partners/${p.id}/consent`, {})).status).toBe(404);
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.requiresConsent).toBe(true);
  });
});
