// Consent on tracked links: `consent=0`, `Sec-GPC: 1` and `DNT: 1` keep the click but no trace of the visitor.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { userHash } from '../../src/domain/identity';
import { createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { clickIdOf, clicksOf, locationOf, settleClicks, storedClick, visit } from './helpers';

const VID = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';
const IP = '203.0.113.9';

// Each way of refusing tracking: what the link's query adds, and what the browser sends.
const REFUSALS = [
  ['consent=0', 'consent=0', {}],
  ['Sec-GPC: 1', '', { 'sec-gpc': '1' }],
  ['DNT: 1', '', { dnt: '1' }],
] as const;

/** Follows `link` with a visitor cookie, an address and a `uid`, refusing tracking as `query` and `headers` say. */
function visitRefusing(slug: string, query: string, headers: Record<string, string>): Promise<Response> {
  const own = `uid=user-4242&sub1=refused${query ? `&${query}` : ''}`;
  return visit(`/${slug}?${own}`, { headers: { cookie: `rl_vid=${VID}`, 'cf-connecting-ip': IP, ...headers } });
}

describe.each(REFUSALS)('GET /:slug refused tracking with %s', (_what, query, headers) => {
  it('sets no cookie and still redirects with the click id', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visitRefusing(link.slug, query, headers);
    expect(res.status).toBe(302);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(clickIdOf(res)).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('records the click under its id, with no visitor, no fingerprint and no user', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const res = await visitRefusing(link.slug, query, headers);
    await settleClicks();
    const row = await storedClick(clickIdOf(res));
    expect(row).toMatchObject({ visitor_id: null, fingerprint: null, uid_hash: null, sub1: 'refused', is_unique: 1 });
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(VID);
    expect(stored).not.toContain(IP);
    expect(stored).not.toContain(await userHash(env.HASH_KEY, 'user-4242'));
    expect(await clicksOf(link.id)).toMatchObject([{ id: clickIdOf(res), visitorId: null, hasUser: false }]);
  });
});

describe('GET /:slug consent parameter', () => {
  it('is never forwarded to the destination, whatever its value', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    for (const value of ['0', '1']) {
      const location = locationOf(await visit(`/${link.slug}?consent=${value}&gclid=xyz`));
      expect(location.searchParams.get('consent')).toBeNull();
      expect(location.searchParams.get('gclid')).toBe('xyz');
    }
  });

  it('keeps tracking when consent is given or not said', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    for (const query of ['consent=1&', '']) {
      const res = await visit(`/${link.slug}?${query}uid=user-4242`, {
        headers: { cookie: `rl_vid=${VID}`, 'cf-connecting-ip': IP, 'sec-gpc': '0', dnt: '0' },
      });
      expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^rl_vid=${VID};`));
      await settleClicks();
      const row = await storedClick(clickIdOf(res));
      expect(row.visitor_id).toBe(VID);
      expect(row.uid_hash).toBe(await userHash(env.HASH_KEY, 'user-4242'));
      expect(row.fingerprint).toMatch(/\S/);
    }
  });
});

describe.each(REFUSALS)('GET /r/:code refused tracking with %s', (_what, query, headers) => {
  it('sets no cookie and records the referral click under no visitor', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const code = (
      await api('POST', '/api/v1/referral-codes', {
        body: { partnerId: p.id, userRef: `user-${crypto.randomUUID()}`, linkId: link.id },
        expect: 201,
      })
    ).body.code;
    const res = await visit(`/r/${code}${query ? `?${query}` : ''}`, {
      headers: { cookie: `rl_vid=${VID}`, 'cf-connecting-ip': IP, ...headers },
    });
    expect(res.headers.get('set-cookie')).toBeNull();
    await settleClicks();
    expect(await storedClick(clickIdOf(res))).toMatchObject({
      visitor_id: null,
      fingerprint: null,
      referral_code: code,
      source: 'referral',
    });
  });
});
