// The network section of a partner's console page: the connection and its last sync for whoever sees the page, "Sync now" for admins only.
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPartner } from '../support/builders';
import { page, type Signed, signedIn, submit } from '../support/console';
import { api } from '../support/http';
import {
  AWIN_ADVERTISER,
  awinPartner,
  conversionsOf,
  NETWORK_ORIGIN,
  NETWORK_TOKEN,
  newAccount,
  receivedRequests,
  scriptNetwork,
} from '../support/networks';

/** The clock of these tests: the fixtures' month is just over, so the default range holds their transactions. */
const NOW = Date.parse('2026-11-30T12:00:00Z');

/** The network section of a page, as HTML. */
function networkSection(html: string): string {
  const section = /<section aria-labelledby="network">.*?<\/section>/s.exec(html)?.[0];
  if (!section) throw new Error('the page has no network section');
  return section;
}

/** The section's facts as `term: value` lines, tags removed. */
const factsOf = (section: string) =>
  [...section.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/gs)].map(
    (f) => `${f[1]}: ${(f[2] as string).replace(/<[^>]+>/g, '').trim()}`,
  );

/** The sealed token as stored: never on a page either. */
const sealedTokenOf = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT access_token_enc AS t FROM partner_networks WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ t: string }>()
  )?.t as string;

let admin: Signed;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  admin = await signedIn({ role: 'admin' });
});
afterAll(() => vi.useRealTimers());

describe('the network section of a partner’s page', () => {
  it('shows a connected partner’s network, never its access token', async () => {
    const p = await awinPartner();
    const html = await page(admin, `/console/partners/${p.id}`);
    const section = networkSection(html);
    expect(section).toContain('<h2 id="network">Network</h2>');
    expect(factsOf(section)).toEqual([
      'Connection: Connected',
      'Network type: Awin',
      `Publisher id: ${p.publisherId}`,
      `Advertiser id: ${AWIN_ADVERTISER}`,
      `API base: ${NETWORK_ORIGIN}/`,
      'Access token: Write-only: never shown.',
      'Last sync: None yet.',
    ]);
    expect(section).toContain(`<form method="post" action="/console/partners/${p.id}/network-sync"`);
    expect(section).toContain('<button type="submit">Sync now</button>');
    expect(html).not.toContain(NETWORK_TOKEN);
    expect(html).not.toContain(await sealedTokenOf(p.id));
  });

  it('names a generic network’s host alone: its URL template may carry the token', async () => {
    const p = await createPartner({ name: 'On A JSON Network' });
    const urlTemplate = `${NETWORK_ORIGIN}/json/${newAccount()}/transactions?key={token}&start={from}&end={to}`;
    await api('PATCH', `/api/v1/partners/${p.id}`, {
      body: {
        network: {
          type: 'json',
          accessToken: NETWORK_TOKEN,
          urlTemplate,
          fields: { transactionId: 'id', amount: 'amount' },
        },
      },
      expect: 200,
    });
    const html = await page(admin, `/console/partners/${p.id}`);
    expect(factsOf(networkSection(html)).slice(0, 5)).toEqual([
      'Connection: Connected',
      'Network type: JSON network (generic)',
      'Publisher id: None',
      'Advertiser id: None',
      `API base: ${NETWORK_ORIGIN}`,
    ]);
    expect(html).not.toContain('/transactions?key=');
    expect(html).not.toContain(NETWORK_TOKEN);
  });

  it('says how an unconnected partner is connected, and offers no sync', async () => {
    const p = await createPartner({ name: 'Unconnected Partner' });
    const section = networkSection(await page(admin, `/console/partners/${p.id}`));
    expect(section).toContain('<p>Not connected to an affiliate network.</p>');
    expect(section).toContain(`<code>PATCH /api/v1/partners/${p.id}</code> with its network`);
    expect(section).not.toContain('<form');
  });

  it('speaks French', async () => {
    const p = await awinPartner();
    const section = networkSection(await page(admin, `/console/partners/${p.id}`, 200, { lang: 'fr' }));
    expect(section).toContain('<h2 id="network">Réseau d&#39;affiliation</h2>');
    expect(factsOf(section)).toContain('Dernière synchronisation: Aucune pour le moment.');
    expect(section).toContain('<button type="submit">Synchroniser maintenant</button>');
  });
});

describe('POST /console/partners/:id/network-sync', () => {
  it('reads the network over the default range and shows the counts, then the sync on the page', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);

    const res = await submit(admin, `/console/partners/${p.id}/network-sync`);

    expect(res.status).toBe(303);
    const location = res.headers.get('location') as string;
    expect(location).toBe(`/console/partners/${p.id}?sync=ok&imported=2&updated=0&unchanged=0&failed=0`);
    const html = await page(admin, location);
    expect(html).toContain(
      '<p class="notice" role="status">Sync done: 2 imported, 0 updated, 0 unchanged, 0 failed.</p>',
    );
    expect(factsOf(networkSection(html))).toContain('Last sync: 30 Nov 2026, 12:00 Succeeded');
    expect(await conversionsOf(p.id)).toHaveLength(2);
    // The default range: the 31 days up to now, as the API's sync without a range.
    const [first] = await receivedRequests(p.publisherId);
    expect(first?.query).toMatchObject({ startDate: '2026-10-30T12:00:00', endDate: '2026-11-30T12:00:00' });
    expect(html).not.toContain(NETWORK_TOKEN);
  });

  it('shows a failed sync as an error, with the reason under Network', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', status: 401, fixture: 'awin/unauthorized.json' }]);

    const res = await submit(admin, `/console/partners/${p.id}/network-sync`);

    const location = res.headers.get('location') as string;
    expect(location).toBe(`/console/partners/${p.id}?sync=failed&imported=0&updated=0&unchanged=0&failed=0`);
    const html = await page(admin, location);
    expect(html).toContain(
      '<p class="notice error" role="alert">The sync did not go through (its error is under Network): 0 imported, 0 updated, 0 unchanged, 0 failed.</p>',
    );
    expect(factsOf(networkSection(html)).slice(-2)).toEqual([
      'Last sync: 30 Nov 2026, 12:00 Failed',
      'Error: the network refused the access token (HTTP 401): check it and set it again',
    ]);
  });

  it('shows when the network asked to wait, and refuses another sync until then with 429', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [
      { dateType: 'transaction', status: 429, headers: { 'retry-after': '120' }, fixture: 'awin/rate-limited.json' },
    ]);
    const limited = await submit(admin, `/console/partners/${p.id}/network-sync`);
    const html = await page(admin, limited.headers.get('location') as string);
    expect(factsOf(networkSection(html)).slice(-3)).toEqual([
      'Last sync: 30 Nov 2026, 12:00 Failed',
      'Error: the network limits its calls (HTTP 429): next try after 2026-11-30T12:02:00.000Z',
      'Network asked to wait until: 30 Nov 2026, 12:02',
    ]);

    const early = await submit(admin, `/console/partners/${p.id}/network-sync`);

    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('120');
    expect(await early.text()).toContain(
      '<p class="notice error" role="alert">The network asked to wait: sync again after 30 Nov 2026, 12:02.</p>',
    );
    expect(await receivedRequests(p.publisherId)).toHaveLength(1);
  });

  it('answers 409 for a partner that is not connected', async () => {
    const p = await createPartner({ name: 'Not On Awin' });
    const res = await submit(admin, `/console/partners/${p.id}/network-sync`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(
      '<p class="notice error" role="alert">The partner is not connected to an affiliate network: connect it through the API first.</p>',
    );
  });

  it('answers 404 for a partner that does not exist', async () => {
    expect((await submit(admin, '/console/partners/ptn_nope/network-sync')).status).toBe(404);
  });

  it('refuses a form without the session’s form token', async () => {
    const p = await awinPartner();
    const res = await submit(admin, `/console/partners/${p.id}/network-sync`, { _csrf: 'forged' });
    expect(res.status).toBe(403);
    expect(await receivedRequests(p.publisherId)).toEqual([]);
  });
});

describe('a partner’s user', () => {
  it('sees its own network and last sync, but no token and no "Sync now"', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', status: 401, fixture: 'awin/unauthorized.json' }]);
    await submit(admin, `/console/partners/${p.id}/network-sync`);
    const user = await signedIn({ role: 'partner', partnerId: p.id });

    const html = await page(user, `/console/partners/${p.id}`);

    const section = networkSection(html);
    expect(factsOf(section)).toEqual([
      'Connection: Connected',
      'Network type: Awin',
      `Publisher id: ${p.publisherId}`,
      `Advertiser id: ${AWIN_ADVERTISER}`,
      `API base: ${NETWORK_ORIGIN}/`,
      'Access token: Write-only: never shown.',
      'Last sync: 30 Nov 2026, 12:00 Failed',
      'Error: the network refused the access token (HTTP 401): check it and set it again',
    ]);
    expect(section).not.toContain('<form');
    expect(html).not.toContain('network-sync');
    expect(html).not.toContain(NETWORK_TOKEN);
    expect(html).not.toContain(await sealedTokenOf(p.id));
  });

  it('may not sync: the form is refused and the network is not called', async () => {
    const p = await awinPartner();
    await scriptNetwork(p.publisherId, [{ dateType: 'transaction', fixture: 'awin/first-import.json' }]);
    const user = await signedIn({ role: 'partner', partnerId: p.id });

    const res = await submit(user, `/console/partners/${p.id}/network-sync`);

    expect(res.status).toBe(404);
    expect(await receivedRequests(p.publisherId)).toEqual([]);
    expect(factsOf(networkSection(await page(user, `/console/partners/${p.id}`)))).toContain('Last sync: None yet.');
    expect(await conversionsOf(p.id)).toEqual([]);
  });
});
