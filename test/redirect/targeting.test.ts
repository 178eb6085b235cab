import { describe, expect, it } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { clicksOf, locationOf, settleClicks, visit } from './helpers';

const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';

describe('targeting', () => {
  it('sends visitors of a country to its destination (request.cf.country)', async () => {
    const p = await createPartner({ allowedDomains: ['autodoc.fr', 'autodoc.be'] });
    const link = await createLink(p.id, {
      rules: { targets: [{ id: 'belgique', countries: ['BE'], destination: 'https://www.autodoc.be/freinage' }] },
    });
    const be = await visit(`/${link.slug}?sub1=be`, { cf: { country: 'BE' } });
    expect(locationOf(be).hostname).toBe('www.autodoc.be');
    const fr = await visit(`/${link.slug}?sub1=fr`, { cf: { country: 'FR' } });
    expect(locationOf(fr).hostname).toBe('www.autodoc.fr');
    await settleClicks();
    const clicks = await clicksOf(link.id);
    expect(clicks.find((c) => c.subIds.sub1 === 'be')).toMatchObject({
      country: 'BE',
      variant: 'belgique',
      destination: 'https://www.autodoc.be/freinage',
    });
    expect(clicks.find((c) => c.subIds.sub1 === 'fr')).toMatchObject({
      country: 'FR',
      variant: 'default',
      destination: 'https://www.autodoc.fr/freinage',
    });
  });

  it('sends phones and desktops to their own destinations', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, {
      rules: { targets: [{ devices: ['mobile'], destination: 'https://m.autodoc.fr/freinage' }] },
    });
    expect(locationOf(await visit(`/${link.slug}`, { headers: { 'user-agent': ANDROID_UA } })).hostname).toBe(
      'm.autodoc.fr',
    );
    expect(locationOf(await visit(`/${link.slug}`, { headers: { 'user-agent': DESKTOP_UA } })).hostname).toBe(
      'www.autodoc.fr',
    );
  });

  it('targets an operating system', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, {
      rules: { targets: [{ id: 'ios', os: ['iOS'], destination: 'https://www.autodoc.fr/app-ios' }] },
    });
    expect(locationOf(await visit(`/${link.slug}`)).pathname).toBe('/app-ios');
    expect(locationOf(await visit(`/${link.slug}`, { headers: { 'user-agent': ANDROID_UA } })).pathname).toBe(
      '/freinage',
    );
  });

  it('targets the preferred languages of Accept-Language', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, {
      rules: { targets: [{ languages: ['nl'], destination: 'https://www.autodoc.fr/nl/remmen' }] },
    });
    const dutch = await visit(`/${link.slug}`, { headers: { 'accept-language': 'nl-BE,nl;q=0.9,fr;q=0.8' } });
    expect(locationOf(dutch).pathname).toBe('/nl/remmen');
    const french = await visit(`/${link.slug}`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(locationOf(french).pathname).toBe('/freinage');
  });

  it('splits visitors by weight and keeps each on their variant', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, {
      rules: {
        variants: [
          { id: 'a', destination: 'https://www.autodoc.fr/a', weight: 1 },
          { id: 'b', destination: 'https://www.autodoc.fr/b', weight: 1 },
        ],
      },
    });
    const seen = new Map<string, Set<string>>();
    for (let v = 0; v < 12; v++) {
      const cookie = `rl_vid=01JDQ7Z8V3K2M4N5P6Q7R8S9${String(v).padStart(2, '0')}`;
      for (let i = 0; i < 3; i++) {
        const path = locationOf(await visit(`/${link.slug}`, { headers: { cookie } })).pathname;
        seen.set(cookie, (seen.get(cookie) ?? new Set()).add(path));
      }
    }
    expect([...seen.values()].every((paths) => paths.size === 1)).toBe(true);
    const variants = new Set([...seen.values()].flatMap((paths) => [...paths]));
    expect(variants).toEqual(new Set(['/a', '/b']));
    await settleClicks();
    const clicks = await clicksOf(link.id);
    expect(clicks).toHaveLength(36);
    for (const click of clicks) expect(click.destination).toBe(`https://www.autodoc.fr/${click.variant}`);
  });

  it('checks targets before the A/B split', async () => {
    const p = await createPartner({ allowedDomains: ['autodoc.fr', 'autodoc.de'] });
    const link = await createLink(p.id, {
      rules: {
        targets: [{ countries: ['DE'], destination: 'https://www.autodoc.de/' }],
        variants: [{ id: 'a', destination: 'https://www.autodoc.fr/a', weight: 1 }],
      },
    });
    expect(locationOf(await visit(`/${link.slug}`, { cf: { country: 'DE' } })).hostname).toBe('www.autodoc.de');
    expect(locationOf(await visit(`/${link.slug}`, { cf: { country: 'FR' } })).pathname).toBe('/a');
  });
});
