// The statements pages: the list and its filters, a statement as the invoice it is, marking it paid.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { runStatements } from '../../src/services/statements';
import { createPartner } from '../support/builders';
import { page, signedIn, submit } from '../support/console';
import { rowsOf, textOf } from '../support/console-html';
import { api } from '../support/http';
import { insertConversion } from '../support/rows';

/** A partner with the legal identity its statements print. */
function billedPartner(fields: Record<string, unknown> = {}) {
  return createPartner({
    name: 'Autodoc',
    legalName: 'Autodoc SE',
    address: '10 rue de la Paix\n75002 Paris',
    vatNumber: 'FR12345678901',
    ...fields,
  });
}

/**
 * The partner's statement of `month`, made at `issuedAt`. Statements are numbered per year of
 * issue: each test issues in a year of its own, so that its numbers are known exactly.
 */
async function statementOf(partnerId: string, month: string, issuedAt: string) {
  const [made] = await runStatements(env, { month, partnerId }, Date.parse(issuedAt));
  if (!made) throw new Error(`no statement for ${month}`);
  return made.statement;
}

describe('GET /console/statements', () => {
  it('lists statements newest first with their totals and where they stand', async () => {
    const admin = await signedIn({ role: 'admin' });
    const autodoc = await billedPartner();
    const norauto = await billedPartner({ name: 'Norauto', legalName: 'Norauto SAS' });
    await insertConversion(autodoc.id, '2021-03-02T09:00:00Z', { commissionMinor: 800 });
    await insertConversion(autodoc.id, '2021-04-02T09:00:00Z', { commissionMinor: 1_234 });
    await insertConversion(norauto.id, '2021-04-03T09:00:00Z', { commissionMinor: 5_000 });
    const march = await statementOf(autodoc.id, '2021-03', '2021-04-01T00:05:00Z');
    await statementOf(autodoc.id, '2021-04', '2021-05-01T00:05:00Z');
    await statementOf(norauto.id, '2021-04', '2021-05-01T00:06:00Z');
    await api('POST', `/api/v1/statements/${march.id}/paid`, { body: { paidAt: '2021-04-20' }, expect: 200 });

    const html = await page(admin, '/console/statements');
    expect(html).toContain('<h1>Statements</h1>');
    expect(rowsOf(html, 'statements')).toEqual([
      ['Number', 'Partner', 'Month', 'Total excl. VAT', 'VAT', 'Total incl. VAT', 'Status', 'Due by'],
      ['REL-2021-0003', 'Norauto', 'April 2021', '€50.00', '€10.00', '€60.00', 'Overdue', '31 May 2021'],
      ['REL-2021-0002', 'Autodoc', 'April 2021', '€12.34', '€2.47', '€14.81', 'Overdue', '31 May 2021'],
      ['REL-2021-0001', 'Autodoc', 'March 2021', '€8.00', '€1.60', '€9.60', 'Paid', '1 May 2021'],
    ]);
    expect(html).toContain(`<a href="/console/statements/${march.id}">REL-2021-0001</a>`);

    const byPartner = await page(admin, `/console/statements?partner=${norauto.id}`);
    expect(
      rowsOf(byPartner, 'statements')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['REL-2021-0003']);
    expect(byPartner).toContain(`<option value="${norauto.id}" selected="">Norauto</option>`);
    const byMonth = await page(admin, '/console/statements?month=2021-03');
    expect(
      rowsOf(byMonth, 'statements')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['REL-2021-0001']);
    expect(byMonth).toContain('value="2021-03"');
    const overdue = await page(admin, `/console/statements?partner=${autodoc.id}&status=overdue`);
    expect(
      rowsOf(overdue, 'statements')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['REL-2021-0002']);
    const paid = await page(admin, '/console/statements?status=paid');
    expect(
      rowsOf(paid, 'statements')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['REL-2021-0001']);
    const none = await page(admin, '/console/statements?month=2020-01');
    expect(none).toContain('No statement matches.');
  });

  it('says next to the month field when it is not a month, keeping what was typed', async () => {
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin, '/console/statements?month=2021-13', 400);
    expect(html).toContain('<p class="hint bad" id="month-error">Not a month: write it YYYY-MM, e.g. 2026-11.</p>');
    expect(html).toContain('value="2021-13"');
  });
});

describe('GET /console/statements/:id', () => {
  it('shows the issuer, the partner, the lines, the totals with VAT and the payment terms', async () => {
    const admin = await signedIn({ role: 'admin' });
    const autodoc = await billedPartner({ paymentTermsDays: 45 });
    const first = await insertConversion(autodoc.id, '2022-03-02T09:00:00Z', { commissionMinor: 800 });
    const second = await insertConversion(autodoc.id, '2022-03-31T23:59:59Z', {
      amountMinor: 15_000,
      refundedAmountMinor: 2_000,
      commissionMinor: 1_234,
    });
    const statement = await statementOf(autodoc.id, '2022-03', '2022-04-01T00:05:00Z');

    const html = await page(admin, `/console/statements/${statement.id}`);
    expect(html).toContain('<h1>Statement REL-2022-0001</h1>');
    const text = textOf(html);
    expect(text).toContain(
      'Issued by Assistant Auto Ultime SAS 5 avenue des Ternes, 75017 Paris VAT number: FR98765432109 Registration: RCS Paris 987 654 321',
    );
    expect(html).toContain('<strong>Autodoc SE</strong><br/>Autodoc<br/>10 rue de la Paix<br/>75002 Paris');
    expect(text).toContain('Billed to Autodoc SE Autodoc 10 rue de la Paix 75002 Paris VAT number: FR12345678901');
    expect(text).toContain(
      'Number REL-2022-0001 Month stated March 2022 Issued on 1 Apr 2022 Payment terms 45 day(s): due by 16 May 2022 Status Overdue',
    );
    expect(rowsOf(html, 'lines')).toEqual([
      ['Transaction', 'Line', 'Occurred', 'Sale amount', 'Commission'],
      [first.transactionId, 'Commission', '2 Mar 2022, 09:00', '€100.00', '€8.00'],
      [second.transactionId, 'Commission', '31 Mar 2022, 23:59', '€130.00', '€12.34'],
    ]);
    expect(rowsOf(html, 'totals')).toEqual([
      ['Commission', '€20.34'],
      ['Adjustments', '€0.00'],
      ['Total excl. VAT', '€20.34'],
      ['VAT at 20%', '€4.07'],
      ['Total incl. VAT', '€24.41'],
    ]);
    // On screen only: the way back and marking it paid.
    expect(html).toContain('<div class="no-print"><p><a href="/console/statements">All statements</a>');
    expect(html).toContain('<section aria-labelledby="paid-title" class="no-print">');
  });

  it('reads in French, money and dates included', async () => {
    const admin = await signedIn({ role: 'admin' });
    const autodoc = await billedPartner();
    await insertConversion(autodoc.id, '2023-03-02T09:00:00Z', { commissionMinor: 800 });
    const statement = await statementOf(autodoc.id, '2023-03', '2023-04-01T00:05:00Z');
    const html = await page(admin, `/console/statements/${statement.id}`, 200, { lang: 'fr' });
    expect(html).toContain('<h1>Relevé REL-2023-0001</h1>');
    expect(rowsOf(html, 'totals')).toEqual([
      ['Commission', '8,00 €'],
      ['Régularisations', '0,00 €'],
      ['Total HT', '8,00 €'],
      ['TVA à 20 %', '1,60 €'],
      ['Total TTC', '9,60 €'],
    ]);
    expect(textOf(html)).toContain('Mois concerné mars 2023');
  });

  it('answers 404 for a statement that does not exist', async () => {
    const admin = await signedIn({ role: 'admin' });
    await page(admin, '/console/statements/stm_01JDQ7Z8V3K2M4N5P6Q7R8S9T0', 404);
  });
});

describe('POST /console/statements/:id/paid', () => {
  it('marks the statement paid on the day given, after a confirmation', async () => {
    const admin = await signedIn({ role: 'admin' });
    const autodoc = await billedPartner();
    await insertConversion(autodoc.id, '2024-03-02T09:00:00Z', { commissionMinor: 800 });
    const statement = await statementOf(autodoc.id, '2024-03', '2024-04-01T00:05:00Z');
    const before = await page(admin, `/console/statements/${statement.id}`);
    expect(before).toContain(
      `<form method="post" action="/console/statements/${statement.id}/paid" data-confirm="Mark statement REL-2024-0001 paid? A statement marked paid stays paid.">`,
    );
    expect(before).toContain('<label for="paidAt">Payment received on</label>');

    const res = await submit(admin, `/console/statements/${statement.id}/paid`, { paidAt: '2024-04-15' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/statements/${statement.id}?done=paid`);

    const after = await page(admin, `/console/statements/${statement.id}?done=paid`);
    expect(after).toContain('Statement marked paid.');
    expect(textOf(after)).toContain('Status Paid Paid on 15 Apr 2024');
    expect(after).not.toContain('/paid"');
    const stored = await api('GET', `/api/v1/statements/${statement.id}`, { expect: 200 });
    expect(stored.body).toMatchObject({ status: 'paid', paidAt: '2024-04-15T00:00:00.000Z' });
  });

  it('refuses a day after today or no day at all, next to the field', async () => {
    const admin = await signedIn({ role: 'admin' });
    const autodoc = await billedPartner();
    await insertConversion(autodoc.id, '2025-03-02T09:00:00Z', { commissionMinor: 800 });
    const statement = await statementOf(autodoc.id, '2025-03', '2025-04-01T00:05:00Z');
    const future = await submit(admin, `/console/statements/${statement.id}/paid`, { paidAt: '2999-01-01' });
    expect(future.status).toBe(400);
    const html = await future.text();
    expect(html).toContain(
      '<p class="hint bad" id="paidAt-error">A payment cannot have been received after today.</p>',
    );
    expect(html).toContain('value="2999-01-01"');
    const empty = await submit(admin, `/console/statements/${statement.id}/paid`, { paidAt: '' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('<p class="hint bad" id="paidAt-error">Not a date.</p>');
    const stored = await api('GET', `/api/v1/statements/${statement.id}`, { expect: 200 });
    expect(stored.body.status).toBe('issued');
  });
});

describe("a partner's user", () => {
  it('finds no statements page, no statement and no way to mark one paid', async () => {
    const autodoc = await billedPartner();
    await insertConversion(autodoc.id, '2020-03-02T09:00:00Z', { commissionMinor: 800 });
    const statement = await statementOf(autodoc.id, '2020-03', '2020-04-01T00:05:00Z');
    const user = await signedIn({ role: 'partner', partnerId: autodoc.id });
    await page(user, '/console/statements', 404);
    await page(user, `/console/statements/${statement.id}`, 404);
    const res = await submit(user, `/console/statements/${statement.id}/paid`, { paidAt: '2020-04-15' });
    expect(res.status).toBe(404);
    const stored = await api('GET', `/api/v1/statements/${statement.id}`, { expect: 200 });
    expect(stored.body.status).toBe('issued');
  });
});
