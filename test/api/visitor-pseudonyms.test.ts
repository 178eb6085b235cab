// Partners see their own pseudonym of each visitor id: stable for them, unrelated between partners, never the cookie.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { visitorPseudonym } from '../../src/domain/identity';
import { newUlid } from '../../src/domain/ids';
import { createKey, createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertClick } from '../support/rows';

type Side = { partner: { id: string }; link: { id: string; partnerId: string }; key: string };

let autodoc: Side;
let oscaro: Side;

async function side(name: string): Promise<Side> {
  const partner = await createPartner({ name });
  const link = (await createLink(partner.id)) as { id: string; partnerId: string };
  return { partner, link, key: (await createKey('partner', partner.id)).key };
}

beforeAll(async () => {
  autodoc = await side('Autodoc');
  oscaro = await side('Oscaro');
});

const asPartner = async (s: Side, clickId: string) =>
  (await api('GET', `/api/v1/clicks/${clickId}`, { key: s.key, expect: 200 })).body.visitorId as string | null;

describe('visitorId as partner keys see it', () => {
  it("is the partner's own pseudonym: vp_ and a keyed hash, never the cookie value", async () => {
    const visitor = newUlid(Date.now());
    const click = await insertClick(autodoc.link, new Date(), { visitorId: visitor });
    const seen = await asPartner(autodoc, click.id);
    expect(seen).toBe(await visitorPseudonym(env.HASH_KEY, autodoc.partner.id, visitor));
    expect(seen).toMatch(/^vp_[A-Za-z0-9_-]{32}$/);
    expect(seen).not.toContain(visitor);
  });

  it('is the same for the same visitor every time, on every link of the partner and in lists', async () => {
    const visitor = newUlid(Date.now());
    const second = (await createLink(autodoc.partner.id)) as { id: string; partnerId: string };
    const a = await insertClick(autodoc.link, new Date(Date.now() - 2_000), { visitorId: visitor });
    const b = await insertClick(second, new Date(Date.now() - 1_000), { visitorId: visitor });
    const first = await asPartner(autodoc, a.id);
    expect(await asPartner(autodoc, a.id)).toBe(first);
    expect(await asPartner(autodoc, b.id)).toBe(first);
    const listed = await api('GET', `/api/v1/clicks?linkId=${second.id}`, { key: autodoc.key, expect: 200 });
    expect(listed.body.data.find((c: { id: string }) => c.id === b.id).visitorId).toBe(first);
  });

  it('differs between two partners for the same visitor', async () => {
    const visitor = newUlid(Date.now());
    const atAutodoc = await insertClick(autodoc.link, new Date(), { visitorId: visitor });
    const atOscaro = await insertClick(oscaro.link, new Date(), { visitorId: visitor });
    const a = await asPartner(autodoc, atAutodoc.id);
    const o = await asPartner(oscaro, atOscaro.id);
    expect(a).toMatch(/^vp_/);
    expect(o).toMatch(/^vp_/);
    expect(a).not.toBe(o);
  });

  it('is null when the click has no visitor', async () => {
    const click = await insertClick(autodoc.link, new Date(), { visitorId: null });
    expect(await asPartner(autodoc, click.id)).toBeNull();
    const listed = await api('GET', `/api/v1/clicks?linkId=${autodoc.link.id}`, { key: autodoc.key, expect: 200 });
    expect(listed.body.data.find((c: { id: string }) => c.id === click.id).visitorId).toBeNull();
  });

  it('stays the raw visitor id for admin keys', async () => {
    const visitor = newUlid(Date.now());
    const click = await insertClick(autodoc.link, new Date(), { visitorId: visitor });
    expect((await api('GET', `/api/v1/clicks/${click.id}`, { expect: 200 })).body.visitorId).toBe(visitor);
    const listed = await api('GET', `/api/v1/clicks?linkId=${autodoc.link.id}`, { expect: 200 });
    expect(listed.body.data.find((c: { id: string }) => c.id === click.id).visitorId).toBe(visitor);
  });

  it('is documented in both views', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 })).body;
    const pub = doc.components.schemas.ClickPublic.properties.visitorId;
    expect(pub.description).toContain('pseudonym');
    expect(doc.components.schemas.Click.properties.visitorId.description).toContain('pseudonym');
  });
});
