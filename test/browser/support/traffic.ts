// Traffic for a browser test to look at: a partner of its own, clicks through its tracked link and a
// postback, all through the Worker's public doors, as app users and the partner's server make them.
import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import { api } from './api';

/** What a phone's browser sends when a person taps a link (a bare user agent reads as a program). */
const PHONE = {
  'user-agent':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'fr-FR,fr;q=0.9',
};
const BOT = 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)';

export interface Traffic {
  partner: { id: string; name: string; slug: string };
  link: { id: string; slug: string };
}

/**
 * A partner named `name` (made unique) with one link, `sub1` values clicked by people in that
 * order, a bot's click, and a 120.00 sale on the first click (8%: 9.60 commission). Waits until
 * the clicks are recorded.
 * @example const { partner } = await partnerWithTraffic('Autodoc', ['clio-iv', 'clio-iv', '208']);
 */
export async function partnerWithTraffic(name: string, vehicles: readonly string[]): Promise<Traffic> {
  const unique = randomUUID().slice(0, 8);
  const partnerRes = await api('/api/v1/partners', {
    method: 'POST',
    body: JSON.stringify({
      name: `${name} ${unique}`,
      status: 'active',
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: ['example.com'],
      commissionRules: [{ percent: 8 }],
    }),
  });
  expect(partnerRes.status, await partnerRes.clone().text()).toBe(201);
  const partner = (await partnerRes.json()) as Traffic['partner'] & { postbackToken: string };
  const linkRes = await api('/api/v1/links', {
    method: 'POST',
    body: JSON.stringify({ partnerId: partner.id, destination: 'https://www.example.com/freins', slug: `t-${unique}` }),
  });
  expect(linkRes.status, await linkRes.clone().text()).toBe(201);
  const link = (await linkRes.json()) as Traffic['link'];

  const base = inject('baseUrl');
  const clickIds: string[] = [];
  for (const sub1 of vehicles) {
    const res = await fetch(`${base}/${link.slug}?sub1=${encodeURIComponent(sub1)}`, {
      redirect: 'manual',
      headers: PHONE,
    });
    expect(res.status).toBe(302);
    clickIds.push(new URL(res.headers.get('location') ?? '').searchParams.get('click_id') ?? '');
  }
  await fetch(`${base}/${link.slug}?sub1=${encodeURIComponent(vehicles[0] ?? '')}`, {
    redirect: 'manual',
    headers: { 'user-agent': BOT },
  });
  // Clicks are written after the redirect, within seconds: the sale is attributed once its click is there.
  await recorded(link.id, vehicles.length + 1);
  const postback = new URLSearchParams({
    token: partner.postbackToken,
    transactionId: `T-${unique}`,
    clickId: clickIds[0] ?? '',
    amount: '120.00',
  });
  const sale = await fetch(`${base}/pb/${partner.slug}?${postback}`);
  expect(sale.status, await sale.clone().text()).toBe(200);
  return { partner: { id: partner.id, name: partner.name, slug: partner.slug }, link };
}

/** Waits until the link has `count` recorded clicks. */
async function recorded(linkId: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await api(`/api/v1/clicks?linkId=${linkId}&limit=500`);
    const { data } = (await res.json()) as { data: unknown[] };
    if (data.length >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${data.length} of ${count} clicks were recorded`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
