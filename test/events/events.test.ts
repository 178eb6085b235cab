import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyedHash } from '../../src/domain/hashing';
import { newClickId } from '../../src/domain/ids';
import { DEFAULT_EVENT_LIMIT, eventBucket, eventLimit, limiterOf } from '../../src/isolate/rate-limit';
import { createKey, createLink, createPartner } from '../support/builders';
import { insertClick } from '../support/clicks';
import { newClientIp } from '../support/client-ip';
import { api, call } from '../support/http';

async function setup(overrides: Record<string, unknown> = {}) {
  const partner = await createPartner({ allowedDomains: ['autodoc.fr'], ...overrides });
  const link = await createLink(partner.id);
  const click = await insertClick({ partnerId: partner.id, linkId: link.id });
  return { partner, link, click };
}

const eventsOf = async (clickId: string) =>
  (await env.DB.prepare('SELECT * FROM events WHERE click_id = ? ORDER BY id').bind(clickId).all()).results;

async function expectPixel(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/gif');
  expect(res.headers.get('cache-control')).toMatch(/no-store/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(new TextDecoder().decode(bytes.slice(0, 6))).toBe('GIF89a');
  // Logical screen width and height, little-endian: 1 x 1.
  expect([...bytes.slice(6, 10)]).toEqual([1, 0, 1, 0]);
}

describe('GET /e', () => {
  it('records an event for a click id and answers a 1x1 GIF', async () => {
    const { click, partner, link } = await setup();
    const res = await call('GET', `/e?type=add_to_cart&click_id=${click.id}&sku=BRK-1&amount=59.90`, { key: null });
    await expectPixel(res);
    expect(await eventsOf(click.id)).toMatchObject([
      {
        type: 'add_to_cart',
        click_id: click.id,
        partner_id: partner.id,
        link_id: link.id,
        value: JSON.stringify({ sku: 'BRK-1', amount: '59.90' }),
      },
    ]);
  });

  it('records an event for the visitor cookie', async () => {
    const { click } = await setup();
    await expectPixel(
      await call('GET', '/e?type=lead', { key: null, headers: { cookie: `rl_vid=${click.visitorId}` } }),
    );
    expect(await eventsOf(click.id)).toMatchObject([{ type: 'lead', visitor_id: click.visitorId }]);
  });

  it.each([
    ['Sec-GPC: 1', { 'sec-gpc': '1' }],
    ['DNT: 1', { dnt: '1' }],
  ])('does not recognise by its cookie a browser that sends %s', async (_, optOut) => {
    const { click } = await setup();
    await expectPixel(
      await call('GET', '/e?type=lead', { key: null, headers: { cookie: `rl_vid=${click.visitorId}`, ...optOut } }),
    );
    const byVisitor = await env.DB.prepare('SELECT * FROM events WHERE visitor_id = ?').bind(click.visitorId).all();
    expect(byVisitor.results).toEqual([]);
    expect(await eventsOf(click.id)).toEqual([]);
  });

  it('keeps a click id whose click is not recorded yet', async () => {
    const clickId = newClickId();
    await expectPixel(await call('GET', `/e?type=checkout&clickId=${clickId}`, { key: null }));
    expect(await eventsOf(clickId)).toMatchObject([{ type: 'checkout', partner_id: null }]);
  });

  it.each([
    ['no parameters', ''],
    ['an unknown type', '?type=visit&click_id=01JDQ7Z8V3K2M4N5P6Q7R8S9T0'],
    ['a malformed click id', '?type=lead&click_id=%3Cscript%3E'],
    ['no click id and no cookie', '?type=lead'],
    ['an unknown partner', '?type=lead&click_id=01JDQ7Z8V3K2M4N5P6Q7R8S9T0&partner=nobody-here'],
  ])('still answers the GIF for %s, recording nothing', async (_what, query) => {
    const before = (await env.DB.prepare('SELECT count(*) AS n FROM events').first<{ n: number }>())?.n;
    await expectPixel(await call('GET', `/e${query}`, { key: null }));
    const after = (await env.DB.prepare('SELECT count(*) AS n FROM events').first<{ n: number }>())?.n;
    expect(after).toBe(before);
  });
});

describe('POST /e', () => {
  it('records a beacon sent as text/plain from an allowed https origin and reflects it for CORS', async () => {
    const { click } = await setup();
    const res = await call('POST', '/e', {
      key: null,
      body: JSON.stringify({ type: 'checkout', clickId: click.id, value: 3, amount: 89.9, currency: 'EUR' }),
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://www.autodoc.fr' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.autodoc.fr');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(await res.json()).toMatchObject({ status: 'recorded', clickId: click.id });
    expect(await eventsOf(click.id)).toMatchObject([
      { type: 'checkout', value: JSON.stringify({ value: '3', amount: '89.9', currency: 'EUR' }) },
    ]);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['plain http on the partner domain', 'http://www.autodoc.fr'],
    ['a look-alike domain', 'https://autodoc.fr.evil.example'],
  ])('refuses %s with 403 origin_not_allowed and no CORS header', async (_what, origin) => {
    const { click } = await setup();
    const res = await call('POST', '/e', {
      key: null,
      body: { type: 'lead', clickId: click.id },
      headers: { origin },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('origin_not_allowed');
    expect(await eventsOf(click.id)).toEqual([]);
  });

  it('accepts a server-side call without Origin', async () => {
    const { click } = await setup();
    const res = await call('POST', '/e', { key: null, body: { type: 'sale', click_id: click.id } });
    expect(res.status).toBe(200);
  });

  it('answers 400 naming the bad field', async () => {
    const res = await call('POST', '/e', { key: null, body: { type: 'wishlist', clickId: newClickId() } });
    expect(res.status).toBe(400);
    const { error } = await res.json<{ error: { code: string; details: { path: string[] }[] } }>();
    expect(error.code).toBe('invalid_request');
    expect(error.details[0]?.path).toEqual(['type']);
  });

  it('answers 413 for a body over 16 KiB', async () => {
    const res = await call('POST', '/e', { key: null, body: { type: 'lead', pad: 'x'.repeat(17 * 1024) } });
    expect(res.status).toBe(413);
  });

  it('answers a CORS preflight for an allowed origin only', async () => {
    await setup({ allowedDomains: ['norauto.fr'] });
    const allowed = await call('OPTIONS', '/e', {
      key: null,
      headers: { origin: 'https://shop.norauto.fr', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.norauto.fr');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const refused = await call('OPTIONS', '/e', {
      key: null,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('checks a preflight naming a partner against that partner’s domains', async () => {
    const { partner } = await setup({ allowedDomains: ['oscaro.com'] });
    const res = await call('OPTIONS', `/e?partner=${partner.slug}`, {
      key: null,
      headers: { origin: 'https://www.autodoc.fr' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('/e fields', () => {
  it('keeps the fields it defines, each in its type, and drops the others', async () => {
    const { click } = await setup();
    await expectPixel(
      await call(
        'GET',
        `/e?type=add_to_cart&click_id=${click.id}&sku=BRK-1&quantity=2&currency=eur&email=jean%40example.fr&note=hello`,
        { key: null },
      ),
    );
    expect(await eventsOf(click.id)).toMatchObject([
      { type: 'add_to_cart', value: JSON.stringify({ sku: 'BRK-1', quantity: '2', currency: 'EUR' }) },
    ]);
  });

  it('refuses free text in a field with 400 naming it, and stores nothing', async () => {
    const { click } = await setup();
    const res = await call('POST', '/e', {
      key: null,
      body: { type: 'lead', clickId: click.id, value: 'jean.dupont@example.fr' },
    });
    expect(res.status).toBe(400);
    const { error } = await res.json<{ error: { code: string; details: { path: string[] }[] } }>();
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((d) => d.path)).toEqual([['value']]);
    expect(await eventsOf(click.id)).toEqual([]);
  });

  it('answers the pixel for free text in a field, storing nothing', async () => {
    const { click } = await setup();
    await expectPixel(
      await call('GET', `/e?type=lead&click_id=${click.id}&value=jean.dupont%40example.fr`, { key: null }),
    );
    expect(await eventsOf(click.id)).toEqual([]);
  });
});

describe('/e rate limit per client address', () => {
  // The clock stands still, so that the emptied bucket does not refill while the test runs.
  beforeEach(() => vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  const emptyBucketOf = async (ip: string) =>
    limiterOf(env, eventBucket(await keyedHash(env.HASH_KEY, 'event-ip', ip))).take(1, 1_000_000, 1_000_000);

  it('answers a beacon 429 with Retry-After once the address’s bucket is empty, and stores nothing', async () => {
    const { click } = await setup();
    const ip = newClientIp();
    await emptyBucketOf(ip);
    const res = await call('POST', '/e', {
      key: null,
      body: { type: 'lead', clickId: click.id },
      headers: { 'cf-connecting-ip': ip },
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('rate_limited');
    const elsewhere = await call('POST', '/e', {
      key: null,
      body: { type: 'lead', clickId: click.id },
      headers: { 'cf-connecting-ip': newClientIp() },
    });
    expect(elsewhere.status).toBe(200);
    expect(await eventsOf(click.id)).toHaveLength(1);
  });

  it('still answers the pixel once the address’s bucket is empty, storing nothing', async () => {
    const { click } = await setup();
    const ip = newClientIp();
    await emptyBucketOf(ip);
    await expectPixel(
      await call('GET', `/e?type=lead&click_id=${click.id}`, { key: null, headers: { 'cf-connecting-ip': ip } }),
    );
    expect(await eventsOf(click.id)).toEqual([]);
  });

  it('lets one address send its burst, then refuses it', async () => {
    expect(eventLimit(env)).toEqual(DEFAULT_EVENT_LIMIT);
    const { click } = await setup();
    const ip = newClientIp();
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_EVENT_LIMIT.burst + 1; i++) {
      const res = await call('POST', '/e', {
        key: null,
        body: { type: 'lead', clickId: click.id },
        headers: { 'cf-connecting-ip': ip },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, DEFAULT_EVENT_LIMIT.burst).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(await eventsOf(click.id)).toHaveLength(DEFAULT_EVENT_LIMIT.burst);
  }, 60_000);
});

describe('reading a click’s funnel', () => {
  it('lists a click’s events in order with counts per type', async () => {
    const { click } = await setup();
    for (const type of ['add_to_cart', 'add_to_cart', 'checkout', 'sale']) {
      await call('GET', `/e?type=${type}&click_id=${click.id}`, { key: null });
    }
    const res = await api('GET', `/api/v1/clicks/${click.id}/events`, { expect: 200 });
    expect(res.body.data.map((e: { type: string }) => e.type)).toEqual([
      'add_to_cart',
      'add_to_cart',
      'checkout',
      'sale',
    ]);
    expect(res.body.funnel).toEqual({ add_to_cart: 2, lead: 0, checkout: 1, sale: 1 });
    const list = await api('GET', `/api/v1/events?clickId=${click.id}&type=add_to_cart`, { expect: 200 });
    expect(list.body.data).toHaveLength(2);
  });

  it('pages through a long funnel', async () => {
    const { click } = await setup();
    for (let i = 0; i < 3; i++) await call('GET', `/e?type=lead&click_id=${click.id}&value=${i}`, { key: null });
    const first = await api('GET', `/api/v1/clicks/${click.id}/events?limit=2`, { expect: 200 });
    expect(first.body.data.map((e: { value: { value: string } }) => e.value.value)).toEqual(['0', '1']);
    const next = await api('GET', `/api/v1/clicks/${click.id}/events?limit=2&cursor=${first.body.nextCursor}`, {
      expect: 200,
    });
    expect(next.body.data.map((e: { value: { value: string } }) => e.value.value)).toEqual(['2']);
    expect(next.body.nextCursor).toBeNull();
  });

  it('shows a partner key the funnel of its own clicks only', async () => {
    const own = await setup();
    const other = await setup();
    await call('GET', `/e?type=lead&click_id=${own.click.id}`, { key: null });
    await call('GET', `/e?type=lead&click_id=${other.click.id}`, { key: null });
    const { key } = await createKey('partner', own.partner.id);
    expect((await api('GET', `/api/v1/clicks/${own.click.id}/events`, { key })).status).toBe(200);
    expect((await api('GET', `/api/v1/clicks/${other.click.id}/events`, { key })).status).toBe(404);
    const list = await api('GET', '/api/v1/events', { key, expect: 200 });
    expect(list.body.data.every((e: { partnerId: string }) => e.partnerId === own.partner.id)).toBe(true);
    expect((await api('GET', `/api/v1/events?partnerId=${other.partner.id}`, { key })).status).toBe(404);
  });

  it('shows a click’s funnel without the events another partner sent on its id', async () => {
    const own = await setup();
    const other = await setup();
    // Clicks reach D1 seconds after their redirect: an event naming another partner is kept meanwhile.
    const clickId = newClickId();
    await call('GET', `/e?type=lead&click_id=${clickId}&partner=${other.partner.slug}&value=theirs`, { key: null });
    await call('GET', `/e?type=checkout&click_id=${clickId}&value=unclaimed`, { key: null });
    await insertClick({ id: clickId, partnerId: own.partner.id, linkId: own.link.id });
    await call('GET', `/e?type=sale&click_id=${clickId}&value=own`, { key: null });
    const { key } = await createKey('partner', own.partner.id);
    for (const caller of [key, undefined]) {
      const res = await api('GET', `/api/v1/clicks/${clickId}/events`, { key: caller, expect: 200 });
      expect(res.body.data.map((e: { value: { value: string } }) => e.value.value)).toEqual(['unclaimed', 'own']);
      expect(JSON.stringify(res.body)).not.toContain(other.partner.id);
      expect(res.body.funnel).toEqual({ add_to_cart: 0, lead: 0, checkout: 1, sale: 1 });
    }
  });
});
