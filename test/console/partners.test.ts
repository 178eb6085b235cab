// The console's partners pages: the admins' list, a partner's page and its actions, and what a partner's user may see and do.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dateIn, nextDate } from '../../src/domain/calendar';
import { createLink, createPartner, uniqueSlug } from '../support/builders';
import { page, type Signed, signedIn, submit } from '../support/console';
import { api, call } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

const today = () => dateIn(Date.now(), 'UTC');
const yesterday = () => nextDate(today(), -1);

/** The row of a table whose first cell names `what`, as HTML. */
function rowOf(html: string, what: string): string {
  const row = html.split('<tr>').find((r) => r.includes(what));
  if (!row) throw new Error(`no row with ${what}`);
  return row.split('</tr>')[0] as string;
}

/** The cells of a row, tags removed. */
const cellsOf = (row: string) =>
  [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((m) => (m[1] as string).replace(/<[^>]+>/g, '').trim());

const count = async (sql: string, ...args: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...args)
      .first<{ n: number }>()
  )?.n;

/** One clicked link and one 100.00 EUR sale (8.00 commission) yesterday, aggregated as the daily job does. */
async function withYesterdaysSale(partnerId: string) {
  const link = await createLink(partnerId);
  const at = `${yesterday()}T10:00:00Z`;
  const click = await insertClick(link, at);
  await insertClick(link, at, { isUnique: false });
  await insertClick(link, at, { isBot: true });
  await insertConversion(partnerId, at, { click });
  await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: yesterday(), partnerId }, expect: 200 });
  return link;
}

let admin: Signed;
beforeAll(async () => {
  admin = await signedIn({ role: 'admin' });
});

describe('GET /console/partners', () => {
  it('lists each partner with its status and its figures of the last 30 days, linked to its page', async () => {
    const p = await createPartner({ name: 'Norauto Listed', status: 'active' });
    await withYesterdaysSale(p.id);
    const html = await page(admin, '/console/partners');
    expect(html).toContain('<h1>Partners</h1>');
    const from = nextDate(yesterday(), -29);
    expect(html).toContain(`Partners, with their figures from ${fmtDate(from)} to ${fmtDate(yesterday())}</caption>`);
    const row = rowOf(html, 'Norauto Listed');
    expect(row).toContain(`<a href="/console/partners/${p.id}">Norauto Listed</a>`);
    expect(cellsOf(row)).toEqual([`Norauto Listed ${p.slug}`, 'Active', 'Direct API', '2', '1', '€100.00', '€8.00']);
    expect(new TextEncoder().encode(html).length).toBeLessThan(100_000);
  });

  it('shows zeros for a partner without figures', async () => {
    const p = await createPartner({ name: 'Quiet Partner', status: 'prospect' });
    expect(cellsOf(rowOf(await page(admin, '/console/partners'), `/console/partners/${p.id}"`)).slice(1)).toEqual([
      'Prospect',
      'Direct API',
      '0',
      '0',
      '€0.00',
      '€0.00',
    ]);
  });

  it('filters by status, the filter kept in the form', async () => {
    const paused = await createPartner({ name: 'Paused One', status: 'paused' });
    const active = await createPartner({ name: 'Active One', status: 'active' });
    const html = await page(admin, '/console/partners?status=paused');
    expect(html).toContain(`/console/partners/${paused.id}"`);
    expect(html).not.toContain(`/console/partners/${active.id}"`);
    expect(html).toContain('<option value="paused" selected="">Paused</option>');
    expect(await page(admin, '/console/partners?status=')).toContain(`/console/partners/${active.id}"`);
  });

  it('answers 400 to a status that does not exist', async () => {
    expect(await page(admin, '/console/partners?status=sleeping', 400)).toContain('Choose one of the statuses listed.');
  });

  it('speaks French, with French figures', async () => {
    const p = await createPartner({ name: 'Oscaro Fr', status: 'paused' });
    await withYesterdaysSale(p.id);
    const html = await page(admin, '/console/partners', 200, { lang: 'fr' });
    expect(html).toContain('<h1>Partenaires</h1>');
    expect(cellsOf(rowOf(html, 'Oscaro Fr')).slice(1)).toEqual([
      'En pause',
      'API directe',
      '2',
      '1',
      '100,00\u00a0€',
      '8,00\u00a0€',
    ]);
  });
});

/** A date as the English pages write it (en-GB, medium). */
function fmtDate(iso: string) {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00Z`));
}

describe('GET /console/partners/:id', () => {
  it('shows the partner: identity, figures, status, plan, domains and postback setup', async () => {
    const p = await createPartner({
      name: 'Autodoc Page',
      status: 'active',
      notes: 'Renegotiate in March',
      postbackParams: { transactionId: 'order_id|OrderRef', clickId: 'clickid' },
    });
    await withYesterdaysSale(p.id);
    const html = await page(admin, `/console/partners/${p.id}`);
    expect(html).toContain('<h1>Autodoc Page</h1>');
    expect(html).toContain(`<dd><code>${p.slug}</code></dd>`);
    expect(html).toContain('<dt>Notes</dt><dd>Renegotiate in March</dd>');
    expect(html).toContain('<span class="label">Clicks</span><span class="value">2</span>');
    expect(html).toContain('<span class="label">Conversions</span><span class="value">1</span>');
    expect(html).toContain('<span class="label">Revenue</span><span class="value">€100.00</span>');
    expect(html).toContain('<span class="label">Commission</span><span class="value">€8.00</span>');
    expect(html).toContain('Current status: <strong>Active</strong>');
    // The plan in force, rule by rule.
    expect(cellsOf(rowOf(html, 'freinage'))).toEqual(['freinage', 'Any event', '10%']);
    expect(cellsOf(rowOf(html, 'Any category'))).toEqual(['Any category', 'Any event', '8%']);
    expect(html).toContain('<li><code>autodoc.fr</code></li>');
    // Where and how to post, with copy buttons.
    const url = `https://relais.test/pb/${p.slug}`;
    expect(html).toContain(`<code>${url}</code><button type="button" class="secondary" data-copy="${url}"`);
    expect(cellsOf(rowOf(html, '<code>transactionId</code>'))).toEqual([
      'transactionId (required)',
      'order_id',
      'OrderRef',
    ]);
    expect(cellsOf(rowOf(html, '<code>clickId</code>'))).toEqual(['clickId', 'clickid', '']);
    expect(html).toContain(
      `{&quot;clickid&quot;:&quot;CLICK_ID&quot;,&quot;order_id&quot;:&quot;ORDER-1001&quot;,&quot;amount&quot;:&quot;49.90&quot;,&quot;currency&quot;:&quot;EUR&quot;}`,
    );
    expect(html).toContain(`${url}?clickid=CLICK_ID&amp;order_id=ORDER-1001&amp;amount=49.90&amp;currency=EUR`);
    expect(html.match(/data-copy=/g)?.length).toBe(3);
    expect(html).toContain(`action="/console/partners/${p.id}/test-postback#test-result"`);
    // Admins' actions.
    for (const action of ['status', 'domains', 'plans', 'rotate-secrets', 'rotate-push-secret']) {
      expect(html).toContain(`action="/console/partners/${p.id}/${action}"`);
    }
    // Never a secret, in clear or stored.
    expect(html).not.toContain(p.postbackToken);
    expect(html).not.toContain(p.signingSecret);
    expect(html).not.toContain(p.pushSigningSecret);
    expect(html).not.toMatch(/whsec_[A-Za-z0-9+/]/);
    expect(new TextEncoder().encode(html).length).toBeLessThan(100_000);
  });

  it('answers 404 for a partner that does not exist', async () => {
    expect(await page(admin, '/console/partners/ptn_01JDQ7Z8V3K2M4N5P6Q7R8S9T0', 404)).toContain('Not found');
  });

  it('shows the latest webhook deliveries, with a link to all of them', async () => {
    const p = await createPartner({ webhookUrl: 'https://hooks.autodoc.fr/relais' });
    await env.DB.prepare(
      `INSERT INTO deliveries (id, partner_id, date, webhook_id, url, status, attempts, last_status_code, created_at, updated_at)
       VALUES (?, ?, '2026-03-02', 'msg_x', 'https://hooks.autodoc.fr/relais', 'failed', 8, 503, 0, 0)`,
    )
      .bind(`dlv_${uniqueSlug('d')}`, p.id)
      .run();
    const html = await page(admin, `/console/partners/${p.id}`);
    expect(html).toContain('<dt>Webhook URL</dt><dd><code>https://hooks.autodoc.fr/relais</code></dd>');
    expect(cellsOf(rowOf(html, '2 Mar 2026'))).toEqual(['2 Mar 2026', 'Failed', '8', '503', '—']);
    expect(html).toContain(`<a href="/console/deliveries?partnerId=${p.id}">All deliveries of this partner</a>`);
  });

  it('shows the latest checks of its links', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    await env.DB.prepare(
      `INSERT INTO link_checks (link_id, date, partner_id, status, status_code, final_url, hops, created_at)
       VALUES (?, '2026-03-03', ?, 'drops_click_id', 200, 'https://www.autodoc.fr/', 1, 0)`,
    )
      .bind(link.id, p.id)
      .run();
    const html = await page(admin, `/console/partners/${p.id}`);
    expect(cellsOf(rowOf(html, '3 Mar 2026'))).toEqual([
      '3 Mar 2026',
      link.id,
      'Loses the click id',
      '200',
      'https://www.autodoc.fr/',
    ]);
  });
});

describe('POST /console/partners/:id/status', () => {
  it('changes the lifecycle status, and the page says so', async () => {
    const p = await createPartner({ status: 'negotiating' });
    const res = await submit(admin, `/console/partners/${p.id}/status`, { status: 'active' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/partners/${p.id}?done=status`);
    const html = await page(admin, res.headers.get('location') as string);
    expect(html).toContain('The status was changed.');
    expect(html).toContain('Current status: <strong>Active</strong>');
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.status).toBe('active');
  });

  it('ends a partnership for good: no form afterwards, and reopening is refused', async () => {
    const p = await createPartner({ status: 'paused' });
    expect((await submit(admin, `/console/partners/${p.id}/status`, { status: 'ended' })).status).toBe(303);
    const html = await page(admin, `/console/partners/${p.id}`);
    expect(html).toContain('An ended partnership cannot be reopened');
    expect(html).not.toContain(`action="/console/partners/${p.id}/status"`);
    const again = await submit(admin, `/console/partners/${p.id}/status`, { status: 'active' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('An ended partnership cannot be reopened');
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.status).toBe('ended');
  });

  it('refuses a status that does not exist with 400, the message beside the field', async () => {
    const p = await createPartner({ status: 'active' });
    const res = await submit(admin, `/console/partners/${p.id}/status`, { status: 'sleeping' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<p class="hint bad" id="status-error">Choose one of the statuses listed.</p>');
  });

  it('answers 404 for a partner that does not exist', async () => {
    const res = await submit(admin, '/console/partners/ptn_nope/status', { status: 'active' });
    expect(res.status).toBe(404);
  });
});

describe('POST /console/partners/:id/domains', () => {
  it('saves the allowed domains, one a line', async () => {
    const p = await createPartner();
    const res = await submit(admin, `/console/partners/${p.id}/domains`, {
      allowedDomains: 'autodoc.fr\r\nAutodoc.DE\r\n\r\nautodoc.fr',
    });
    expect(res.headers.get('location')).toBe(`/console/partners/${p.id}?done=domains`);
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.allowedDomains).toEqual(['autodoc.fr', 'autodoc.de']);
    const html = await page(admin, res.headers.get('location') as string);
    expect(html).toContain('The allowed domains were saved.');
    expect(html).toContain('<li><code>autodoc.de</code></li>');
  });

  it('refuses what is not a domain with 400, keeping what was typed', async () => {
    const p = await createPartner();
    const res = await submit(admin, `/console/partners/${p.id}/domains`, {
      allowedDomains: 'autodoc.fr\nco.uk\nnot a domain',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Not a domain such as autodoc.fr: co.uk, not, a, domain.');
    expect(html).toContain('autodoc.fr\nco.uk\nnot a domain</textarea>');
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.allowedDomains).toEqual(['autodoc.fr']);
  });
});

describe('commission plans', () => {
  it('offers every rule of a long plan, and keeps them all when one is changed', async () => {
    const rules = Array.from({ length: 20 }, (_, i) => ({ category: `cat-${i}`, percent: 5 }));
    const p = await createPartner({ commissionRules: [...rules, { percent: 3 }] });
    const html = await page(admin, `/console/partners/${p.id}`);
    // 21 rules in force and two empty rows to add more.
    expect((html.match(/name="rule\d+_percent"/g) ?? []).length).toBe(23);
    const fields: Record<string, string> = { effectiveFrom: nextDate(today(), 2) };
    [...rules, { category: '', percent: 3 }].forEach((rule, i) => {
      Object.assign(fields, {
        [`rule${i}_category`]: rule.category,
        [`rule${i}_event`]: '',
        [`rule${i}_percent`]: String(i === 7 ? 6 : rule.percent),
        [`rule${i}_fixed`]: '',
        [`rule${i}_currency`]: '',
      });
    });
    const res = await submit(admin, `/console/partners/${p.id}/plans`, fields);
    expect(res.headers.get('location')).toBe(`/console/partners/${p.id}?done=plan`);
    const plans = (await api('GET', `/api/v1/partners/${p.id}/commission-plans`)).body.data;
    const scheduled = plans.find((x: { status: string }) => x.status === 'scheduled');
    expect(scheduled.rules).toHaveLength(21);
    expect(scheduled.rules[7]).toEqual({ category: 'cat-7', percent: 6 });
    expect(scheduled.rules[20]).toEqual({ percent: 3 });
  });

  it('schedules new rules from a date, shown beside the plan in force, and cancels them', async () => {
    const p = await createPartner();
    const from = nextDate(today(), 3);
    const res = await submit(admin, `/console/partners/${p.id}/plans`, {
      effectiveFrom: from,
      rule0_category: 'pneus',
      rule0_event: 'sale',
      rule0_percent: '12,5',
      rule0_fixed: '',
      rule0_currency: '',
      rule1_category: '',
      rule1_event: 'lead',
      rule1_percent: '',
      rule1_fixed: '2',
      rule1_currency: '',
      rule2_category: '',
      rule2_event: '',
      rule2_percent: '',
      rule2_fixed: '',
      rule2_currency: '',
    });
    expect(res.headers.get('location')).toBe(`/console/partners/${p.id}?done=plan`);
    const plans = (await api('GET', `/api/v1/partners/${p.id}/commission-plans`)).body.data;
    expect(plans.map((x: { status: string; effectiveFrom: string }) => [x.status, x.effectiveFrom])).toEqual([
      ['current', today()],
      ['scheduled', from],
    ]);
    expect(plans[1].rules).toEqual([
      { category: 'pneus', event: 'sale', percent: 12.5 },
      { event: 'lead', fixed: 2 },
    ]);
    const html = await page(admin, `/console/partners/${p.id}?done=plan`);
    expect(html).toContain('The commission plan was scheduled.');
    expect(html).toContain(`<caption>Scheduled from ${fmtDate(from)}</caption>`);
    expect(cellsOf(rowOf(html, 'pneus'))).toEqual(['pneus', 'Sale', '12.5%']);
    expect(cellsOf(rowOf(html, '€2.00'))).toEqual(['Any category', 'Lead', '€2.00']);

    const cancel = `/console/partners/${p.id}/plans/${plans[1].id}/cancel`;
    expect(html).toContain(`action="${cancel}"`);
    const cancelled = await submit(admin, cancel);
    expect(cancelled.headers.get('location')).toBe(`/console/partners/${p.id}?done=plan-cancelled`);
    expect((await api('GET', `/api/v1/partners/${p.id}/commission-plans`)).body.data).toHaveLength(1);
  });

  it('refuses a start before today and a rule with both a percent and a fixed amount', async () => {
    const p = await createPartner();
    const past = await submit(admin, `/console/partners/${p.id}/plans`, {
      effectiveFrom: nextDate(today(), -1),
      rule0_category: '',
      rule0_event: '',
      rule0_percent: '9',
      rule0_fixed: '',
      rule0_currency: '',
    });
    expect(past.status).toBe(400);
    expect(await past.text()).toContain('Give a date written YYYY-MM-DD, today or later.');
    const both = await submit(admin, `/console/partners/${p.id}/plans`, {
      effectiveFrom: today(),
      rule0_category: '',
      rule0_event: '',
      rule0_percent: '9',
      rule0_fixed: '3',
      rule0_currency: '',
    });
    expect(both.status).toBe(400);
    expect(await both.text()).toContain('Rule 1: give a percent above 0 and at most 100, or a fixed amount, not both.');
    expect((await api('GET', `/api/v1/partners/${p.id}/commission-plans`)).body.data).toHaveLength(1);
  });
});

describe('secrets rotation', () => {
  it('shows the new postback token and signing secret once, and the old token stops', async () => {
    const p = await createPartner();
    const res = await submit(admin, `/console/partners/${p.id}/rotate-secrets`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    const token = /data-copy="(pbt_[^"]+)"/.exec(html)?.[1] as string;
    const secret = /data-copy="(whsec_[^"]+)"/.exec(html)?.[1] as string;
    expect(token).toMatch(/^pbt_/);
    expect(secret).toMatch(/^whsec_/);
    expect(html).toContain('they are shown this once');
    // The language switch leads back to the partner's page, where the secrets are no more.
    expect(html).toContain(`href="/console/lang/fr?back=%2Fconsole%2Fpartners%2F${p.id}"`);
    const query = `/pb/${p.slug}?transactionId=T-${uniqueSlug('t')}&amount=10&dryRun=1`;
    const withOld = await call('GET', query, { key: null, headers: { authorization: `Bearer ${p.postbackToken}` } });
    expect(withOld.status).toBe(401);
    const withNew = await call('GET', query, { key: null, headers: { authorization: `Bearer ${token}` } });
    expect(withNew.status).toBe(200);
    // Never again: the partner's page shows neither.
    const later = await page(admin, `/console/partners/${p.id}`);
    expect(later).not.toContain(token);
    expect(later).not.toContain(secret);
    expect(later).toContain('The previous signing secret is accepted until');
  });

  it('shows the new push signing secret once', async () => {
    const p = await createPartner();
    const res = await submit(admin, `/console/partners/${p.id}/rotate-push-secret`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const secret = /data-copy="(whsec_[^"]+)"/.exec(html)?.[1] as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(p.pushSigningSecret);
    expect(html).toContain('<dt>Push signing secret</dt>');
    expect(await page(admin, `/console/partners/${p.id}`)).not.toContain(secret);
  });
});

describe('POST /console/partners/:id/test-postback', () => {
  it('sends the example sale as a dry run: the answer is shown and no conversion recorded', async () => {
    const p = await createPartner({ status: 'active', postbackParams: { transactionId: 'order_id' } });
    const res = await submit(admin, `/console/partners/${p.id}/test-postback`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<strong>Test postback sent.</strong> Answer: HTTP 200');
    expect(html).toContain('&quot;status&quot;: &quot;recorded&quot;');
    expect(html).toContain('&quot;conversionId&quot;: null');
    expect(html).toContain('&quot;dryRun&quot;: true');
    expect(html).toContain('&quot;amount&quot;: 49.9');
    expect(html).toContain('&quot;commission&quot;: 3.99');
    expect(html).toContain(`POST https://relais.test/pb/${p.slug}?dryRun=1`);
    expect(html).toMatch(/webhook-id: dryrun_[0-9A-Z]{26}/);
    expect(html).toMatch(/\{&quot;order_id&quot;:&quot;TEST-[0-9A-Z]{26}&quot;,&quot;amount&quot;:&quot;49.90&quot;/);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE partner_id = ?', p.id)).toBe(0);
    expect(
      await count("SELECT count(*) AS n FROM postback_log WHERE partner_id = ? AND outcome = 'dry_run'", p.id),
    ).toBe(1);
  });

  it('shows a refusal as the answer: a paused partner may not post', async () => {
    const p = await createPartner({ status: 'paused' });
    const html = await (await submit(admin, `/console/partners/${p.id}/test-postback`)).text();
    expect(html).toContain('Answer: HTTP 403');
    expect(html).toContain('&quot;code&quot;: &quot;partner_inactive&quot;');
    expect(await count('SELECT count(*) AS n FROM conversions WHERE partner_id = ?', p.id)).toBe(0);
  });
});

describe('a new partner', () => {
  it('is created from the form, its secrets shown once', async () => {
    expect(await page(admin, '/console/partners/new')).toContain('<label for="name">Name</label>');
    const slug = uniqueSlug('barrault');
    const res = await submit(admin, '/console/partners', {
      name: 'Barrault',
      slug,
      status: 'negotiating',
      integration: 'affiliate_link',
      category: 'pneus',
      allowedDomains: 'barrault.fr',
      percent: '7,5',
    });
    expect(res.status).toBe(201);
    const html = await res.text();
    expect(html).toContain('<h1>Partner Barrault created</h1>');
    expect(html.match(/data-copy="(pbt_|whsec_)/g)).toHaveLength(3);
    const listed = (await api('GET', '/api/v1/partners?limit=500')).body.data.find(
      (x: { slug: string }) => x.slug === slug,
    );
    expect(listed).toMatchObject({
      name: 'Barrault',
      status: 'negotiating',
      integration: 'affiliate_link',
      category: 'pneus',
      allowedDomains: ['barrault.fr'],
      commissionRules: [{ percent: 7.5 }],
    });
    expect(html).toContain(`<a href="/console/partners/${listed.id}">Back to Barrault</a>`);
  });

  it('is refused with 400 when fields are missing or wrong, what was typed kept', async () => {
    const res = await submit(admin, '/console/partners', {
      name: '',
      slug: 'bad slug',
      status: 'prospect',
      integration: 'direct_api',
      category: 'pneus',
      allowedDomains: 'nope',
      percent: '120',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<p class="hint bad" id="name-error">Give a name.</p>');
    expect(html).toContain('id="slug-error"');
    expect(html).toContain('Not a domain such as autodoc.fr: nope.');
    expect(html).toContain('id="percent-error"');
    expect(html).toContain('value="bad slug"');
  });
});

describe('a partner’s user', () => {
  let own: Awaited<ReturnType<typeof createPartner>>;
  let other: Awaited<ReturnType<typeof createPartner>>;
  let user: Signed;
  beforeAll(async () => {
    own = await createPartner({ name: 'Autodoc Own', status: 'active', notes: 'Internal note' });
    other = await createPartner({ name: 'Oscaro Other', status: 'active' });
    user = await signedIn({ role: 'partner', partnerId: own.id });
  });

  it('sees its own partner’s page, read-only but for the test postback', async () => {
    const html = await page(user, `/console/partners/${own.id}`);
    expect(html).toContain('<h1>Autodoc Own</h1>');
    expect(html).toContain(`action="/console/partners/${own.id}/test-postback#test-result"`);
    expect(html.match(/<form method="post" action="\/console\/partners/g)).toHaveLength(1);
    expect(html).not.toContain('Internal note');
    expect(html).not.toContain('All partners');
    expect(html).not.toContain('Oscaro Other');
    expect(html).not.toContain(other.id);
  });

  it('finds no other partner’s page, no list and no new-partner form', async () => {
    for (const path of [`/console/partners/${other.id}`, '/console/partners', '/console/partners/new']) {
      const html = await page(user, path, 404);
      expect(html).not.toContain('Oscaro Other');
    }
  });

  it('may not change anything: every form is refused and nothing changes', async () => {
    const attempts: [string, Record<string, string>][] = [
      ['status', { status: 'paused' }],
      ['domains', { allowedDomains: 'evil.example' }],
      ['plans', { effectiveFrom: today(), rule0_percent: '50' }],
      ['rotate-secrets', {}],
      ['rotate-push-secret', {}],
    ];
    for (const [action, fields] of attempts) {
      const res = await submit(user, `/console/partners/${own.id}/${action}`, fields);
      expect(res.status, action).toBe(404);
      expect(await res.text()).not.toContain('whsec_');
    }
    expect((await submit(user, '/console/partners', { name: 'Mine' })).status).toBe(404);
    const after = (await api('GET', `/api/v1/partners/${own.id}`)).body;
    expect(after).toMatchObject({
      status: 'active',
      allowedDomains: ['autodoc.fr'],
      commissionRules: own.commissionRules,
    });
    expect((await api('GET', `/api/v1/partners/${own.id}/commission-plans`)).body.data).toHaveLength(1);
    // The postback token is still the one it had.
    const query = `/pb/${own.slug}?transactionId=T-${uniqueSlug('t')}&dryRun=1`;
    expect(
      (await call('GET', query, { key: null, headers: { authorization: `Bearer ${own.postbackToken}` } })).status,
    ).toBe(200);
  });

  it('sends a test postback for its own partner, and for no other', async () => {
    const res = await submit(user, `/console/partners/${own.id}/test-postback`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Answer: HTTP 200');
    expect((await submit(user, `/console/partners/${other.id}/test-postback`)).status).toBe(404);
    expect(await count('SELECT count(*) AS n FROM postback_log WHERE partner_id = ?', other.id)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM conversions WHERE partner_id = ?', own.id)).toBe(0);
  });
});
