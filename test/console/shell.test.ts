// The console's frame: sign-in gate, assets, language, security headers, forms from elsewhere refused.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ASSETS } from '../../src/console/ui/assets';
import { browse, cookieFrom } from '../support/console';
import { ORIGIN } from '../support/http';

describe('GET /console without a session', () => {
  it('leads to the sign-in form and back', async () => {
    const res = await browse('/console/links?partner=x');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Flinks%3Fpartner%3Dx');
    expect((await browse('/console')).headers.get('location')).toBe('/console/login?next=%2Fconsole');
  });

  it('hides even the pages that do not exist', async () => {
    expect((await browse('/console/no-such-page')).status).toBe(302);
  });
});

describe('GET /console/login', () => {
  it('has labelled Email and Password fields, in English', async () => {
    const res = await browse('/console/login');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<label for="email">Email</label>');
    expect(page).toContain('<label for="password">Password</label>');
  });

  it('speaks French to a French browser', async () => {
    const page = await (await browse('/console/login', { lang: 'fr-FR,fr;q=0.9' })).text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('<label for="password">Mot de passe</label>');
  });

  it('keeps where to go next only when it is a console page', async () => {
    const own = await (await browse('/console/login?next=%2Fconsole%2Freports')).text();
    expect(own).toContain('name="next" value="/console/reports"');
    for (const next of ['https://evil.example/', '//evil.example/console', '/api/v1/partners']) {
      const page = await (await browse(`/console/login?next=${encodeURIComponent(next)}`)).text();
      expect(page).not.toContain('name="next"');
    }
  });

  it('comes with headers that keep it from being framed, cached or scripted from elsewhere', async () => {
    const res = await browse('/console/login');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the language switch', () => {
  it('remembers the language and comes back to the page', async () => {
    const res = await browse('/console/lang/fr?back=%2Fconsole%2Flogin');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login');
    const cookie = cookieFrom(res, 'relais_lang');
    expect(cookie).toBe('relais_lang=fr');
    const page = await (await browse('/console/login', { cookie, lang: 'en' })).text();
    expect(page).toContain('<html lang="fr">');
  });

  it('goes back only to a printable console path, never answering 500 on a control character', async () => {
    for (const back of ['/console/%0A', '/console/%0D%0ASet-Cookie:%20x=1', '/console/%00']) {
      const res = await browse(`/console/lang/fr?back=${back}`);
      expect(res.status, back).toBe(303);
      expect(res.headers.get('location')).toBe('/console');
    }
  });

  it('never sends anyone off the console, and knows only its two languages', async () => {
    const res = await browse('/console/lang/en?back=https%3A%2F%2Fevil.example');
    expect(res.headers.get('location')).toBe('/console');
    expect((await browse('/console/lang/de')).status).toBe(404);
  });
});

describe('static assets', () => {
  it('serves the stylesheet and script under versioned names, kept a year', async () => {
    for (const asset of Object.values(ASSETS)) {
      const res = await browse(asset.href);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(asset.type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await res.text()).toBe(asset.body);
    }
  });

  it('keeps the script small', () => {
    expect(ASSETS.js.body.length).toBeLessThan(20_000);
  });
});

describe('a form body that cannot be read', () => {
  it('is a 400, not a 500', async () => {
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}/console/login`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'multipart/form-data; boundary=x' },
        body: 'not a multipart body at all',
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('could not be read');
  });
});

describe('forms from another site', () => {
  it('are refused before anything is read', async () => {
    const res = await browse('/console/login', {
      form: { email: 'a@b.example', password: 'whatever-it-is' },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('not sent from the Relais console');
  });

  it('are refused in the language of the page, the detail kept in English', async () => {
    const res = await browse('/console/login', {
      form: { email: 'a@b.example', password: 'whatever-it-is' },
      origin: 'https://evil.example',
      lang: 'fr',
    });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Ce n&#39;est pas permis.');
    expect(html).toContain('<span lang="en">This form was not sent from the Relais console');
  });

  it('are refused when they say neither where they come from nor that they are same-origin', async () => {
    const form = { email: 'a@b.example', password: 'whatever-it-is' };
    expect((await browse('/console/login', { form, origin: null })).status).toBe(403);
    const crossSite = { 'sec-fetch-site': 'cross-site' };
    expect((await browse('/console/login', { form, origin: null, headers: crossSite })).status).toBe(403);
  });
});
