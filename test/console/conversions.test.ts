// The console's conversions: the filtered table, a conversion's page, and an admin's approve, reject and refund.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { getConversion } from '../../src/db/conversions';
import { json, newTxn, postSigned } from '../postback/client';
import { createLink, createPartner, uniqueSlug } from '../support/builders';
import { page, type Signed, signedIn, submit } from '../support/console';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

type Partner = Awaited<ReturnType<typeof createPartner>>;

/** A partner with a name of its own, so that a page naming another one shows. */
const newPartner = (overrides: Record<string, unknown> = {}) =>
  createPartner({ name: `Partner ${uniqueSlug('p')}`, ...overrides });

/** A pending sale posted by the partner, as its server would. */
async function posted(p: Partner, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), amount: '100.00', ...fields });
  expect(res.status).toBe(200);
  return (await json(res)).conversionId;
}

/** The conversions a table links to, in the order shown. */
const linkedIds = (html: string) =>
  [...html.matchAll(/href="\/console\/conversions\/(cnv_\w+)"/g)].map((match) => match[1]);

/** The cells of each table row holding `marker`, as text (tags removed), written `a | b | c`. */
const rowWith = (html: string, marker: string) =>
  [...html.matchAll(/<tr>(.*?)<\/tr>/gs)]
    .map((row) =>
      [...(row[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)]
        .map((cell) => (cell[1] ?? '').replace(/<[^>]+>/g, ''))
        .join(' | '),
    )
    .filter((row) => row.includes(marker));

describe('GET /console/conversions', () => {
  it('lists conversions newest first with their partner, status, method and money', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const older = await insertConversion(p.id, '2026-03-09T10:00:00Z', { amountMinor: 4_500, commissionMinor: 360 });
    const newer = await insertConversion(p.id, '2026-03-10T09:30:00Z', { status: 'pending', currency: 'USD' });
    const html = await page(admin, `/console/conversions?partnerId=${p.id}`);
    expect(linkedIds(html)).toEqual([newer.id, older.id]);
    expect(rowWith(html, newer.transactionId)).toEqual([
      `10 Mar 2026, 09:30 | ${newer.transactionId} | ${p.name} | Sale | Pending | Not attributed | US$100.00 | US$8.00`,
    ]);
    expect(rowWith(html, older.transactionId)).toEqual([
      `9 Mar 2026, 10:00 | ${older.transactionId} | ${p.name} | Sale | Approved | Not attributed | €45.00 | €3.60`,
    ]);
  });

  it('filters by status, attribution method and days, keeping the filters in the form', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const link = await createLink(p.id);
    const click = await insertClick(link, '2026-04-01T08:00:00Z');
    const clicked = await insertConversion(p.id, '2026-04-01T09:00:00Z', { click, status: 'pending' });
    const pending = await insertConversion(p.id, '2026-04-02T09:00:00Z', { status: 'pending' });
    const approved = await insertConversion(p.id, '2026-04-03T09:00:00Z');
    const list = (query: string) => page(admin, `/console/conversions?partnerId=${p.id}&${query}`);
    expect(linkedIds(await list('status=pending'))).toEqual([pending.id, clicked.id]);
    expect(linkedIds(await list('method=click_id'))).toEqual([clicked.id]);
    expect(linkedIds(await list('from=2026-04-02&to=2026-04-02'))).toEqual([pending.id]);
    expect(linkedIds(await list('from=2026-04-03'))).toEqual([approved.id]);
    const form = await list('status=pending&method=&from=2026-04-01');
    expect(form).toContain('<option value="pending" selected="">Pending</option>');
    expect(form).toContain('<input type="date" id="from" name="from" value="2026-04-01"/>');
    expect(form).toContain(`<option value="${p.id}" selected="">${p.name}</option>`);
  });

  it('shows a page of 50 and a link to the next, which keeps the filters', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const rows = [];
    for (let i = 0; i < 51; i++) rows.push(await insertConversion(p.id, new Date(Date.UTC(2026, 4, 1, 0, i))));
    const first = await page(admin, `/console/conversions?partnerId=${p.id}&status=approved`);
    expect(linkedIds(first)).toHaveLength(50);
    // The console's budget: a page under 100 KB.
    expect(new TextEncoder().encode(first).byteLength).toBeLessThan(100_000);
    const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/console\/conversions\?partnerId=\w+&status=approved&cursor=\w+$/);
    const second = await page(admin, next as string);
    expect(linkedIds(second)).toEqual([rows[0]?.id]);
    expect(second).not.toContain('rel="next"');
  });

  it('answers 400 with the message beside a bad filter, the values kept', async () => {
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin, '/console/conversions?status=paid&from=2026-05-02', 400);
    expect(html).toContain('<p class="hint bad" id="status-error">Choose one of the listed values.</p>');
    expect(html).toContain('aria-describedby="status-error"');
    expect(html).toContain('value="2026-05-02"');
    const reversed = await page(admin, '/console/conversions?from=2026-05-02&to=2026-05-01', 400);
    expect(reversed).toContain('<p class="hint bad" id="from-error">The first day must not be after the last.</p>');
    const french = await page(admin, '/console/conversions?from=2026-13-02', 400, { lang: 'fr' });
    expect(french).toContain('Saisissez une date au format AAAA-MM-JJ.');
  });
});

describe('GET /console/conversions/:id', () => {
  it('shows amounts, attribution, commission lines, refunds and history', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner({ commissionRules: [{ category: 'freinage', percent: 10 }, { percent: 8 }] });
    const link = await createLink(p.id);
    const click = await insertClick(link, new Date(Date.now() - 90 * 60_000));
    const id = await posted(p, {
      clickId: click.id,
      coupon: 'FREINS10',
      items: [
        { category: 'freinage', amount: '60.00', sku: 'PLQ-1', quantity: 2 },
        { category: 'pneus', amount: '40.00' },
      ],
    });
    const html = await page(admin, `/console/conversions/${id}`);
    const c = (await getConversion(dbOf(env), id)) as NonNullable<Awaited<ReturnType<typeof getConversion>>>;
    expect(html).toContain(`<h1>Conversion ${c.transactionId}</h1>`);
    expect(html).toContain('<dt>Amount</dt><dd>€100.00</dd><dt>Refunded so far</dt><dd>€0.00</dd>');
    expect(html).toContain('<dt>Commission</dt><dd>€9.20</dd><dt>Commission before refunds</dt><dd>€9.20</dd>');
    expect(html).toContain(`<a href="/console/partners/${p.id}">${p.name}</a>`);
    expect(html).toContain('<dt>Method</dt><dd>Click id</dd><dt>Confidence</dt><dd>100%</dd>');
    expect(html).toContain(`<a href="/console/links/${link.id}">${link.slug}</a>`);
    expect(html).toContain('<dt>Click to conversion</dt><dd>1 h 30 min</dd>');
    expect(html).toContain('<dt>Coupon</dt><dd><code>FREINS10</code></dd>');
    expect(rowWith(html, 'PLQ-1')).toEqual(['freinage | PLQ-1 | 2 | €60.00 | €0.00 | 10 % | €6.00 | €0.00']);
    expect(rowWith(html, 'pneus')).toEqual(['pneus |  |  | €40.00 | €0.00 | 8 % | €3.20 | €0.00']);
    expect(html).toContain('Nothing refunded.');
    expect(rowWith(html, 'Recorded as')).toEqual([
      `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(c.createdAt)} | Recorded as Pending | €9.20 | €0.00 |  | Partner postback`,
    ]);
  });

  it('shows the figures in the partner’s currency when the conversion is in another', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const converted = await insertConversion(p.id, '2026-03-10T09:00:00Z', {
      currency: 'USD',
      amountMinor: 10_800,
      commissionMinor: 864,
      exchangeRate: '0.9259',
      reportingAmountMinor: 10_000,
      reportingCommissionMinor: 800,
    });
    const html = await page(admin, `/console/conversions/${converted.id}`);
    expect(html).toContain('<dt>Amount</dt><dd>US$108.00</dd>');
    expect(html).toContain('<h3>In the partner’s currency (EUR)</h3>');
    expect(html).toContain('<dt>Amount</dt><dd>€100.00</dd><dt>Commission</dt><dd>€8.00</dd>');
    expect(html).toContain('<dt>Exchange rate</dt><dd>1 USD = 0.926 EUR</dd>');
    const waiting = await insertConversion(p.id, '2026-03-10T09:00:00Z', { currency: 'GBP' });
    expect(await page(admin, `/console/conversions/${waiting.id}`)).toContain(
      'Waiting for the exchange rate of the day it occurred.',
    );
  });

  it('answers 404 for an unknown conversion', async () => {
    const admin = await signedIn({ role: 'admin' });
    expect(await page(admin, '/console/conversions/cnv_nope', 404)).toContain('<h1>Not found</h1>');
  });
});

describe('reviewing a conversion', () => {
  it('approves it after a confirmation: the status changes and the history shows it', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const id = await posted(p);
    const before = await page(admin, `/console/conversions/${id}`);
    expect(before).toContain(
      `<form method="post" action="/console/conversions/${id}/approve" data-confirm="Approve this conversion? Its commission becomes payable.">`,
    );
    const res = await submit(admin, `/console/conversions/${id}/approve`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/conversions/${id}?done=approved`);
    expect((await getConversion(dbOf(env), id))?.status).toBe('approved');
    const after = await page(admin, `/console/conversions/${id}?done=approved`);
    expect(after).toContain('<p class="notice" role="status">The conversion is approved.</p>');
    expect(after).toContain('<dt>Status</dt><dd><span class="badge good">Approved</span>');
    expect(rowWith(after, 'Pending → Approved')).toEqual([
      expect.stringMatching(
        new RegExp(` \\| Pending → Approved \\| €8.00 \\| €0.00 \\| {2}\\| Admin \\(${admin.email}\\)$`),
      ),
    ]);
    const history = (await api('GET', `/api/v1/conversions/${id}`)).body.history;
    expect(history.at(-1)).toMatchObject({ toStatus: 'approved', actor: admin.userId });
    // The partner's user learns an admin did it, not who.
    const own = await signedIn({ role: 'partner', partnerId: p.id });
    const seen = await page(own, `/console/conversions/${id}`);
    expect(rowWith(seen, 'Pending → Approved')).toEqual([expect.stringMatching(/\| Admin$/)]);
    expect(seen).not.toContain(admin.email);
    // An approved conversion can no longer be approved or rejected.
    expect(after).not.toContain(`/console/conversions/${id}/approve`);
    expect(after).not.toContain(`/console/conversions/${id}/reject`);
  });

  it('rejects it with the reason given, which the history keeps', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const id = await posted(p);
    const blank = await submit(admin, `/console/conversions/${id}/reject`, { reason: '  ' });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain(
      '<p class="hint bad" id="reason-error">Say why the conversion is rejected (500 characters at most).</p>',
    );
    expect((await getConversion(dbOf(env), id))?.status).toBe('pending');
    const res = await submit(admin, `/console/conversions/${id}/reject`, { reason: 'Order cancelled by the buyer' });
    expect(res.headers.get('location')).toBe(`/console/conversions/${id}?done=rejected`);
    const row = await getConversion(dbOf(env), id);
    expect(row).toMatchObject({
      status: 'rejected',
      commissionMinor: 0,
      reversalReason: 'Order cancelled by the buyer',
    });
    const after = await page(admin, `/console/conversions/${id}`);
    expect(rowWith(after, 'Pending → Rejected')).toEqual([
      expect.stringMatching(
        / \| Pending → Rejected \| €8.00 → €0.00 \| €0.00 \| Order cancelled by the buyer \| Admin \(admin-[^)]+\)$/,
      ),
    ]);
    expect(after).not.toContain('/refund"');
  });

  it('records a refunded total and computes the commission again, as the API does', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner({ commissionRules: [{ category: 'freinage', percent: 10 }, { percent: 8 }] });
    const items = [
      { category: 'freinage', amount: '60.00' },
      { category: 'pneus', amount: '40.00' },
    ];
    const [byConsole, byApi] = [await posted(p, { items }), await posted(p, { items })];
    const res = await submit(admin, `/console/conversions/${byConsole}/refund`, { refundedAmount: '50,00' });
    expect(res.headers.get('location')).toBe(`/console/conversions/${byConsole}?done=refunded`);
    const patched = await api('PATCH', `/api/v1/conversions/${byApi}`, { body: { refundedAmount: 50 }, expect: 200 });
    const row = await getConversion(dbOf(env), byConsole);
    expect(row).toMatchObject({ status: 'pending', refundedAmountMinor: 5_000, commissionMinor: 460 });
    expect(patched.body).toMatchObject({ refundedAmount: 50, commission: 4.6 });
    expect(row?.commissionDetail).toEqual((await getConversion(dbOf(env), byApi))?.commissionDetail);
    const html = await page(admin, `/console/conversions/${byConsole}?done=refunded`);
    expect(html).toContain('The refund is recorded.');
    expect(html).toContain('<dt>Refunded total</dt><dd>€50.00</dd><dt>Commission taken back</dt><dd>€4.60</dd>');
    expect(rowWith(html, 'freinage |')).toEqual(['freinage |  |  | €60.00 | €30.00 | 10 % | €6.00 | €3.00']);
    expect(rowWith(html, '(refund)')).toEqual([
      expect.stringMatching(/ \| Pending \(refund\) \| €9.20 → €4.60 \| €50.00 \| {2}\| Admin \(admin-[^)]+\)$/),
    ]);
    expect(html).toContain('id="refundedAmount" name="refundedAmount" inputmode="decimal" required="" value="50.00"');
  });

  it('reverses a conversion refunded in full', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const id = await posted(p);
    await submit(admin, `/console/conversions/${id}/refund`, { refundedAmount: '100' });
    expect(await getConversion(dbOf(env), id)).toMatchObject({ status: 'reversed', commissionMinor: 0 });
  });

  it('says beside the field why a refunded total is refused, the value kept', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const id = await posted(p);
    const above = await submit(admin, `/console/conversions/${id}/refund`, { refundedAmount: '120.00' });
    expect(above.status).toBe(400);
    const aboveHtml = await above.text();
    expect(aboveHtml).toContain('The refunded total cannot be more than the amount, €100.00.');
    expect(aboveHtml).toContain('value="120.00"');
    const words = await submit(admin, `/console/conversions/${id}/refund`, { refundedAmount: 'twelve' });
    expect(await words.text()).toContain(
      '<p class="hint bad" id="refundedAmount-error">Enter an amount, such as 12.50.</p>',
    );
    await submit(admin, `/console/conversions/${id}/refund`, { refundedAmount: '30' });
    const lower = await submit(admin, `/console/conversions/${id}/refund`, { refundedAmount: '10' });
    expect(lower.status).toBe(400);
    expect(await lower.text()).toContain(
      '€30.00 is refunded already: enter the total refunded so far, that much or more.',
    );
    expect(await getConversion(dbOf(env), id)).toMatchObject({ refundedAmountMinor: 3_000 });
  });

  it('says so when a change is no longer possible', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const id = await posted(p);
    await submit(admin, `/console/conversions/${id}/reject`, { reason: 'Fraud' });
    const res = await submit(admin, `/console/conversions/${id}/approve`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This conversion is rejected now: that change is no longer possible.');
  });
});

describe('a partner’s user', () => {
  async function twoPartners() {
    const [own, other] = [await newPartner(), await newPartner()];
    const user = await signedIn({ role: 'partner', partnerId: own.id });
    return { own, other, user };
  }

  it('lists only its own conversions, with no other partner named', async () => {
    const { own, other, user } = await twoPartners();
    const mine = await insertConversion(own.id, '2026-03-10T09:00:00Z');
    const theirs = await insertConversion(other.id, '2026-03-10T10:00:00Z');
    const html = await page(user, '/console/conversions');
    expect(linkedIds(html)).toContain(mine.id);
    expect(linkedIds(html)).not.toContain(theirs.id);
    expect(html).not.toContain(other.name);
    expect(html).not.toContain(other.id);
    expect(html).not.toContain('id="partnerId"');
    await page(user, `/console/conversions?partnerId=${other.id}`, 404);
  });

  it('gets 404 for another partner’s conversion, and reads its own without the review forms', async () => {
    const { own, other, user } = await twoPartners();
    const theirs = await posted(other);
    expect(await page(user, `/console/conversions/${theirs}`, 404)).not.toContain(other.name);
    const mine = await posted(own);
    const html = await page(user, `/console/conversions/${mine}`);
    expect(html).toContain('<dt>Commission</dt><dd>€8.00</dd>');
    expect(html).not.toContain('<form method="post" action="/console/conversions/');
    expect(html).not.toContain('App user id (hashed)');
  });

  it('cannot approve, reject or refund, even its own', async () => {
    const { own, user } = await twoPartners();
    const id = await posted(own);
    for (const [action, fields] of [
      ['approve', {}],
      ['reject', { reason: 'no' }],
      ['refund', { refundedAmount: '10' }],
    ] as const) {
      expect((await submit(user, `/console/conversions/${id}/${action}`, fields)).status).toBe(404);
    }
    expect(await getConversion(dbOf(env), id)).toMatchObject({ status: 'pending', refundedAmountMinor: 0 });
  });
});

describe('in French', () => {
  it('writes statuses, money and dates the French way', async () => {
    const admin: Signed = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const c = await insertConversion(p.id, '2026-03-10T09:30:00Z', { amountMinor: 123_456, status: 'pending' });
    const html = await page(admin, `/console/conversions?partnerId=${p.id}`, 200, { lang: 'fr' });
    expect(rowWith(html, c.transactionId)).toEqual([
      // Intl writes a narrow no-break space between thousands and a no-break space before the €.
      `10 mars 2026, 09:30 | ${c.transactionId} | ${p.name} | Vente | En attente | Non attribuée | 1\u202f234,56\u00a0€ | 8,00\u00a0€`,
    ]);
  });
});
