// Links and partners that need consent: the visitor is recognised only on `consent=1`, and a refusal still wins.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { userHash } from '../../src/domain/identity';
import { linkCacheStats } from '../../src/isolate/link-cache';
import { createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { clickIdOf, locationOf, settleClicks, storedClick, visit } from './helpers';

const VID = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';
const IP = '203.0.113.9';
const BROWSER = { cookie: `rl_vid=${VID}`, 'cf-connecting-ip': IP };

/** Follows the link with a visitor cookie, an address and a `uid`, adding `query`. */
function follow(slug: string, query = '', headers: Record<string, string> = {}): Promise<Response> {
  return visit(`/${slug}?uid=user-4242&sub1=s1${query ? `&${query}` : ''}`, { headers: { ...BROWSER, ...headers } });
}

async function expectUntracked(res: Response) {
  expect(res.status).toBe(302);
  expect(res.headers.get('set-cookie')).toBeNull();
  expect(clickIdOf(res)).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  expect(locationOf(res).searchParams.get('consent')).toBeNull();
  await settleClicks();
  const row = await storedClick(clickIdOf(res));
  expect(row).toMatchObject({ visitor_id: null, fingerprint: null, uid_hash: null, sub1: 's1' });
  expect(JSON.stringify(row)).not.toContain(VID);
}

async function expectTracked(res: Response) {
  expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^rl_vid=${VID};`));
  expect(locationOf(res).searchParams.get('consent')).toBeNull();
  await settleClicks();
  const row = await storedClick(clickIdOf(res));
  expect(row.visitor_id).toBe(VID);
  expect(row.uid_hash).toBe(await userHash(env.HASH_KEY, 'user-4242'));
  expect(row.fingerprint).toMatch(/\S/);
}

describe('requiresConsent on links and partners (API)', () => {
  it('defaults to false, and is answered as set on create and update', async () => {
    const p = await createPartner();
    expect(p.requiresConsent).toBe(false);
    const link = await createLink(p.id);
    expect(link.requiresConsent).toBe(false);
    const needing = await createLink(p.id, { requiresConsent: true });
    expect(needing.requiresConsent).toBe(true);
    const read = await api('GET', `/api/v1/links/${needing.id}`, { expect: 200 });
    expect(read.body.requiresConsent).toBe(true);
    const patched = await api('PATCH', `/api/v1/links/${needing.id}`, {
      body: { requiresConsent: false },
      expect: 200,
    });
    expect(patched.body.requiresConsent).toBe(false);
    const partner = await api('PATCH', `/api/v1/partners/${p.id}`, { body: { requiresConsent: true }, expect: 200 });
    expect(partner.body.requiresConsent).toBe(true);
    expect((await api('GET', `/api/v1/partners/${p.id}`, { expect: 200 })).body.requiresConsent).toBe(true);
    expect((await createPartner({ requiresConsent: true })).requiresConsent).toBe(true);
  });

  it('refuses a value that is not a boolean', async () => {
    const p = await createPartner();
    await api('POST', '/api/v1/links', {
      body: { partnerId: p.id, destination: 'https://www.autodoc.fr/', requiresConsent: 'yes' },
      expect: 400,
    });
  });
});

describe('GET /:slug of a link requiring consent', () => {
  it('sets no cookie and keeps no visitor, fingerprint or user without consent=1, and still forwards the click id', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    await expectUntracked(await follow(link.slug));
  });

  it('tracks the visitor as usual with consent=1, which is not forwarded', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    await expectTracked(await follow(link.slug, 'consent=1'));
  });

  it('does not take a consent=1 beside a consent=0', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    await expectUntracked(await follow(link.slug, 'consent=1&consent=0'));
  });

  it.each([
    ['Sec-GPC: 1', { 'sec-gpc': '1' }],
    ['DNT: 1', { dnt: '1' }],
  ])('lets %s win over consent=1', async (_what, headers) => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    await expectUntracked(await follow(link.slug, 'consent=1', headers));
  });

  it('serves a warm link requiring consent without reading D1 again', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    await follow(link.slug);
    const before = linkCacheStats().d1Reads;
    await follow(link.slug);
    await follow(link.slug, 'consent=1');
    expect(linkCacheStats().d1Reads).toBe(before);
  });

  it('tracks again at once once the link no longer requires consent', async () => {
    const p = await createPartner();
    const link = await createLink(p.id, { requiresConsent: true });
    await expectUntracked(await follow(link.slug));
    await api('PATCH', `/api/v1/links/${link.id}`, { body: { requiresConsent: false }, expect: 200 });
    await expectTracked(await follow(link.slug));
  });
});

describe('GET /:slug of a partner requiring consent', () => {
  it("applies to every link of the partner, whatever the link's own setting", async () => {
    const p = await createPartner({ requiresConsent: true });
    const link = await createLink(p.id);
    await expectUntracked(await follow(link.slug));
    await expectTracked(await follow(link.slug, 'consent=1'));
  });

  it('applies at once to links already served when the partner is changed', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await expectTracked(await follow(link.slug));
    await api('PATCH', `/api/v1/partners/${p.id}`, { body: { requiresConsent: true }, expect: 200 });
    await expectUntracked(await follow(link.slug));
  });

  it("leaves other partners' links tracked", async () => {
    await createPartner({ requiresConsent: true });
    const other = await createPartner();
    const link = await createLink(other.id);
    await expectTracked(await follow(link.slug));
  });

  it('applies to its referral codes', async () => {
    const p = await createPartner({ requiresConsent: true });
    const link = await createLink(p.id);
    const code = (
      await api('POST', '/api/v1/referral-codes', {
        body: { partnerId: p.id, userRef: `user-${crypto.randomUUID()}`, linkId: link.id },
        expect: 201,
      })
    ).body.code;
    const refused = await visit(`/r/${code}`, { headers: BROWSER });
    expect(refused.headers.get('set-cookie')).toBeNull();
    const given = await visit(`/r/${code}?consent=1`, { headers: BROWSER });
    expect(given.headers.get('set-cookie')).toMatch(new RegExp(`^rl_vid=${VID};`));
    await settleClicks();
    expect(await storedClick(clickIdOf(refused))).toMatchObject({ visitor_id: null, referral_code: code });
    expect(await storedClick(clickIdOf(given))).toMatchObject({ visitor_id: VID, referral_code: code });
  });
});
