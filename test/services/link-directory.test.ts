// Links as the console finds them: by slug or destination, within the caller's reach, with their latest activity.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deleteLink, findLinks, linkActivity, linkOf, partnerChoices } from '../../src/services/link-directory';
import { createLink, createPartner, uniqueSlug } from '../support/builders';
import { insertClick } from '../support/rows';

const admin = { partnerId: null };

describe('findLinks', () => {
  it('finds links by a part of their slug or destination, in any case, newest first', async () => {
    const p = await createPartner();
    const tag = uniqueSlug('Hiver');
    const bySlug = await createLink(p.id, { slug: `${tag}-freins` });
    const byDestination = await createLink(p.id, { destination: `https://www.autodoc.fr/${tag.toLowerCase()}/pneus` });
    await createLink(p.id, { destination: 'https://www.autodoc.fr/batteries' });
    const found = await findLinks(env, admin, { limit: 50, search: tag.toUpperCase() });
    expect(found.map((l) => l.id)).toEqual([byDestination.id, bySlug.id]);
  });

  it('reads %, _ and backslashes typed as themselves, not as patterns', async () => {
    const p = await createPartner();
    const tag = uniqueSlug('pct').replace(/-/g, '');
    const percent = await createLink(p.id, { destination: `https://www.autodoc.fr/p?${tag}=50%25_off` });
    await createLink(p.id, { destination: `https://www.autodoc.fr/p?${tag}=50xxoff` });
    expect((await findLinks(env, admin, { limit: 50, search: `${tag}=50%` })).map((l) => l.id)).toEqual([percent.id]);
    expect(await findLinks(env, admin, { limit: 50, search: `${tag}=5_` })).toEqual([]);
    expect(await findLinks(env, admin, { limit: 50, search: `${tag}\\` })).toEqual([]);
  });

  it("keeps a partner's user to its own partner's links, and refuses another partner's", async () => {
    const autodoc = await createPartner();
    const oscaro = await createPartner({ name: 'Oscaro' });
    const tag = uniqueSlug('scope');
    const own = await createLink(autodoc.id, { slug: `${tag}-a` });
    await createLink(oscaro.id, { slug: `${tag}-o` });
    const found = await findLinks(env, { partnerId: autodoc.id }, { limit: 50, search: tag });
    expect(found.map((l) => l.id)).toEqual([own.id]);
    await expect(findLinks(env, { partnerId: autodoc.id }, { limit: 50, partnerId: oscaro.id })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('reads one more link than the page, to tell whether another follows', async () => {
    const p = await createPartner();
    for (let i = 0; i < 3; i++) await createLink(p.id);
    expect(await findLinks(env, admin, { limit: 2, partnerId: p.id })).toHaveLength(3);
  });
});

describe('linkActivity', () => {
  it("gives the link's partner and its newest clicks, newest first, as many as asked", async () => {
    const p = await createPartner({ name: 'Norauto', allowedDomains: ['norauto.fr'] });
    const created = await createLink(p.id);
    const link = await linkOf(env, admin, created.id);
    const times = ['2026-11-20T10:00:00Z', '2026-11-21T10:00:00Z', '2026-11-22T10:00:00Z'];
    for (const at of times) await insertClick(link, at);
    const activity = await linkActivity(env, { partnerId: p.id }, link, { clicks: 2, checks: 5 });
    expect(activity.partner).toEqual({ id: p.id, name: 'Norauto', allowedDomains: ['norauto.fr'] });
    expect(activity.clicks.map((c) => c.createdAt.toISOString())).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-21T10:00:00.000Z',
    ]);
    expect(activity.checks).toEqual([]);
  });

  it("is refused to another partner's user", async () => {
    const p = await createPartner();
    const other = await createPartner();
    const link = await linkOf(env, admin, (await createLink(p.id)).id);
    await expect(linkActivity(env, { partnerId: other.id }, link, { clicks: 1, checks: 1 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(linkOf(env, { partnerId: other.id }, link.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('deleteLink and partnerChoices', () => {
  it('deletes a link, which is then found no more', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await deleteLink(env, admin, link.id);
    await expect(linkOf(env, admin, link.id)).rejects.toMatchObject({ status: 404 });
  });

  it("names every partner for an admin and only its own for a partner's user", async () => {
    const p = await createPartner({ name: 'Barrault' });
    const all = await partnerChoices(env, admin);
    expect(all).toContainEqual({ id: p.id, name: 'Barrault' });
    expect(await partnerChoices(env, { partnerId: p.id })).toEqual([{ id: p.id, name: 'Barrault' }]);
  });
});
