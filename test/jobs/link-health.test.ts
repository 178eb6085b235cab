import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { links } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { LINK_CHECKS_PER_RUN, runLinkHealth } from '../../src/jobs/link-health';
import { createKey, createLink, createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { type Received, standIn } from '../support/stand-in';

// A run checks every link not yet checked that day, up to LINK_CHECKS_PER_RUN: each test starts
// from empty storage, so that no other test's links take its turn (or its time).
beforeEach(freshStorage);
afterEach(() => {
  vi.restoreAllMocks();
});

// Every test checks on a day of its own: a link is checked at most once a day.
let day = Date.parse('2032-01-01T06:00:00Z');
const nextDay = () => {
  day += 86_400_000;
  return day;
};

const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } });
const clickIdOf = (url: string) => new URL(url).searchParams.get('click_id');

/** Landing pages of www.autodoc.fr by path; the rest of the web answers 200. */
function web(routes: Record<string, (req: Received) => Response>) {
  return standIn((req) => {
    const url = new URL(req.url);
    const route = url.host === 'www.autodoc.fr' ? routes[url.pathname] : undefined;
    return route ? route(req) : new Response('ok');
  });
}

const healthOf = async (linkId: string) => (await api('GET', `/api/v1/links/${linkId}/health`, { expect: 200 })).body;

describe('link health', () => {
  it('follows redirects by hand and finds a landing page that keeps the click id', async () => {
    const hits = web({
      '/hop1': (req) => redirect(`https://www.autodoc.fr/hop2?cid=${clickIdOf(req.url)}`, 301),
      '/hop2': (req) => redirect(`/landing?cid=${new URL(req.url).searchParams.get('cid')}`),
      '/landing': () => new Response('<html>'),
    });
    const p = await createPartner();
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/hop1' });
    await runLinkHealth(env, nextDay());
    const chain = hits.received.filter(
      (r) => r.url.includes('autodoc.fr/hop1') || r.url.includes('/hop2') || r.url.includes('/landing'),
    );
    expect(chain.map((r) => new URL(r.url).pathname)).toEqual(['/hop1', '/hop2', '/landing']);
    expect(chain.every((r) => r.redirect === 'manual')).toBe(true);
    const { data } = await healthOf(link.id);
    expect(data).toEqual([
      {
        linkId: link.id,
        partnerId: p.id,
        date: new Date(day).toISOString().slice(0, 10),
        status: 'ok',
        statusCode: 200,
        finalUrl: expect.stringMatching(/^https:\/\/www\.autodoc\.fr\/landing\?cid=[0-9A-Z]{26}$/),
        hops: 2,
        error: null,
        checkedAt: expect.any(String),
      },
    ]);
  });

  it('flags a redirect that drops the click id', async () => {
    web({ '/drops': () => redirect('https://www.autodoc.fr/home'), '/home': () => new Response('<html>') });
    const p = await createPartner();
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/drops' });
    await runLinkHealth(env, nextDay());
    expect((await healthOf(link.id)).data[0]).toMatchObject({ status: 'drops_click_id', hops: 1, statusCode: 200 });
  });

  it('flags a landing page that fails', async () => {
    web({ '/missing': () => new Response('no', { status: 404 }) });
    const p = await createPartner();
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/missing' });
    await runLinkHealth(env, nextDay());
    expect((await healthOf(link.id)).data[0]).toMatchObject({ status: 'broken', statusCode: 404, hops: 0 });
  });

  it('gives up after five redirects', async () => {
    const hits = web({ '/loop': (req) => redirect(`https://www.autodoc.fr/loop?${new URL(req.url).search.slice(1)}`) });
    const p = await createPartner();
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/loop' });
    await runLinkHealth(env, nextDay());
    expect(hits.received.filter((r) => r.url.includes('/loop'))).toHaveLength(6);
    expect((await healthOf(link.id)).data[0]).toMatchObject({
      status: 'broken',
      statusCode: 302,
      hops: 5,
      error: 'More than 5 redirects.',
    });
  });

  it('never follows a redirect into a private network', async () => {
    const hits = web({ '/ssrf': () => redirect('https://169.254.169.254/latest/meta-data') });
    const p = await createPartner();
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/ssrf' });
    await runLinkHealth(env, nextDay());
    expect(hits.received.some((r) => r.url.includes('169.254'))).toBe(false);
    expect((await healthOf(link.id)).data[0]).toMatchObject({ status: 'broken', statusCode: null, hops: 1 });
    expect((await healthOf(link.id)).data[0].error).toMatch(/^Refused to follow/);
  });

  it('requests each link at most once a day', async () => {
    const hits = web({});
    const p = await createPartner();
    const link = await createLink(p.id, { destination: 'https://www.autodoc.fr/once' });
    const at = nextDay();
    await runLinkHealth(env, at);
    await runLinkHealth(env, at + 3_600_000);
    expect(hits.received.filter((r) => r.url.includes('/once'))).toHaveLength(1);
    await runLinkHealth(env, nextDay());
    expect(hits.received.filter((r) => r.url.includes('/once'))).toHaveLength(2);
    expect((await healthOf(link.id)).data.map((c: { date: string }) => c.date)).toEqual([
      new Date(day).toISOString().slice(0, 10),
      new Date(day - 86_400_000).toISOString().slice(0, 10),
    ]);
  });

  it('skips disabled links and partners that are not active', async () => {
    const hits = web({});
    const p = await createPartner();
    const paused = await createPartner({ status: 'paused' });
    await createLink(p.id, { destination: 'https://www.autodoc.fr/disabled', disabled: true });
    await createLink(paused.id, { destination: 'https://www.autodoc.fr/paused' });
    await runLinkHealth(env, nextDay());
    expect(hits.received.some((r) => r.url.includes('/disabled') || r.url.includes('/paused'))).toBe(false);
  });

  it('lists checks by partner and status, newest first, page by page', async () => {
    web({ '/bad': () => new Response('no', { status: 500 }) });
    const p = await createPartner();
    const bad = await createLink(p.id, { destination: 'https://www.autodoc.fr/bad' });
    await createLink(p.id, { destination: 'https://www.autodoc.fr/good' });
    await runLinkHealth(env, nextDay());
    const broken = await api('GET', `/api/v1/link-health?partnerId=${p.id}&status=broken`, { expect: 200 });
    expect(broken.body.data.map((c: { linkId: string }) => c.linkId)).toEqual([bad.id]);
    const first = await api('GET', `/api/v1/link-health?partnerId=${p.id}&limit=1`, { expect: 200 });
    expect(first.body.data).toHaveLength(1);
    const second = await api('GET', `/api/v1/link-health?partnerId=${p.id}&limit=1&cursor=${first.body.nextCursor}`, {
      expect: 200,
    });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0].linkId).not.toBe(first.body.data[0].linkId);
    expect(second.body.nextCursor).toBeNull();
    const key = await createKey('partner', p.id);
    const own = await api('GET', '/api/v1/link-health', { key: key.key, expect: 200 });
    expect(own.body.data.every((c: { partnerId: string }) => c.partnerId === p.id)).toBe(true);
  });

  it('checks a bounded number of links a run and carries on in the next', async () => {
    web({});
    const p = await createPartner();
    const rows = Array.from({ length: LINK_CHECKS_PER_RUN + 1 }, (_, i) => ({
      id: newId('lnk'),
      slug: `bulk-${p.id.slice(-8)}-${i}`,
      partnerId: p.id,
      destination: `https://www.autodoc.fr/bulk/${i}`,
      utm: {},
      params: {},
      rules: {},
    }));
    for (let i = 0; i < rows.length; i += 9)
      await dbOf(env)
        .insert(links)
        .values(rows.slice(i, i + 9));
    const at = nextDay();
    const first = await runLinkHealth(env, at);
    expect(first).toEqual({ checked: LINK_CHECKS_PER_RUN, done: false });
    const second = await runLinkHealth(env, at + 900_000);
    expect(second.done).toBe(true);
    const checked = await api('GET', `/api/v1/link-health?partnerId=${p.id}&limit=500`, { expect: 200 });
    expect(checked.body.data).toHaveLength(LINK_CHECKS_PER_RUN + 1);
  });
});
