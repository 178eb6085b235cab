// The reconciliation pages: a partner's CSV report uploaded through the form, its differences, past comparisons.
import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { page, signedIn } from '../support/console';
import { rowsOf, textOf } from '../support/console-html';
import { upload } from '../support/console-upload';
import { insertConversion } from '../support/rows';

/** A partner whose report names its columns in French, with our conversions of March 2026. */
async function platformPartner(name = 'Oscaro') {
  const partner = await createPartner({
    name,
    integration: 'affiliate_platform',
    reportColumns: { transactionId: 'N° commande', amount: 'Montant TTC', status: 'Statut', occurredAt: 'Date' },
    statusMap: { Validée: 'approved', Annulée: 'rejected', 'En attente': 'pending' },
  });
  await insertConversion(partner.id, '2026-03-10T09:00:00Z', { transactionId: 'A-1', amountMinor: 10_000 });
  await insertConversion(partner.id, '2026-03-10T10:00:00Z', {
    transactionId: 'B-2',
    amountMinor: 5_000,
    status: 'pending',
  });
  await insertConversion(partner.id, '2026-03-11T10:00:00Z', { transactionId: 'C-3', amountMinor: 2_000 });
  return partner;
}

const REPORT = [
  '\uFEFFN° commande;Montant TTC;Statut;Date',
  'A-1;100,00;Validée;10/03/2026 09:01',
  'B-2;"45,00";Validée;10/03/2026',
  'Z-9;30,00;"Validée";11/03/2026',
  ';12,00;Validée;11/03/2026',
  '',
].join('\r\n');

const report = (text = REPORT) => ({ report: { name: 'oscaro-mars.csv', text } });

/** Uploads the report and answers the comparison's page path, as the redirect gives it. */
async function compare(who: Awaited<ReturnType<typeof signedIn>>, fields: Record<string, string>, text = REPORT) {
  const res = await upload(who, '/console/reconciliation', fields, report(text));
  expect(res.status).toBe(303);
  const location = res.headers.get('location') ?? '';
  expect(location).toMatch(/^\/console\/reconciliation\/rpt_\w+\?done=compared$/);
  return location;
}

describe('GET /console/reconciliation', () => {
  it('offers an admin a multipart upload form with the partner to choose and a labelled file input', async () => {
    const admin = await signedIn({ role: 'admin' });
    const oscaro = await createPartner({ name: 'Oscaro' });
    const html = await page(admin, '/console/reconciliation');
    expect(html).toContain('<h1>Reconciliation</h1>');
    expect(html).toMatch(/<form method="post" action="\/console\/reconciliation" enctype="multipart\/form-data">/);
    expect(html).toContain('<label for="report">Partner&#39;s report (CSV)</label>');
    expect(html).toContain('<input type="file" id="report" name="report" accept=".csv,text/csv" required=""');
    expect(html).toContain('<label for="partner">Partner</label>');
    expect(html).toContain(`<option value="${oscaro.id}">Oscaro</option>`);
    expect(html).toContain('No report compared yet.');
  });
});

describe('POST /console/reconciliation', () => {
  it('compares the uploaded CSV and shows the summary and every differing row', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner();
    const location = await compare(admin, { partner: partner.id });

    const html = await page(admin, location);
    expect(html).toContain('Report compared: 4 difference(s) found.');
    const text = textOf(html);
    expect(text).toContain('Partner Oscaro');
    expect(text).toContain('Days covered 10 Mar 2026 – 11 Mar 2026');
    expect(text).toContain('Rows 4');
    expect(text).toContain(
      'Their rows 3 Matched 2 In their report only 1 In ours only 1 Amount differs 1 Status differs 1 Repeated rows 0 Unreadable rows 1',
    );
    expect(rowsOf(html, 'issues')).toEqual([
      ['Line', 'Problem'],
      ['5', 'No transaction id.'],
    ]);
    expect(rowsOf(html, 'differences')).toEqual([
      ['Transaction', 'Difference', 'Our status', 'Our amount', 'Their line', 'Their status', 'Their amount'],
      ['B-2', 'Amount differs', 'Pending', '€50.00', '3', 'Approved (Validée)', '€45.00'],
      ['B-2', 'Status differs', 'Pending', '€50.00', '3', 'Approved (Validée)', '€45.00'],
      ['Z-9', 'In their report only', '', '', '4', 'Approved (Validée)', '€30.00'],
      ['C-3', 'In ours only', 'Approved', '€20.00', '', '', ''],
    ]);
    // Our side links to our conversion.
    expect(html).toMatch(/<a href="\/console\/conversions\/cnv_\w+">C-3<\/a>/);
  });

  it('shows one kind of difference when asked', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner();
    const location = await compare(admin, { partner: partner.id });
    const path = location.replace('?done=compared', '?kind=missing_there');
    const html = await page(admin, path);
    expect(rowsOf(html, 'differences').slice(1)).toEqual([['C-3', 'In ours only', 'Approved', '€20.00', '', '', '']]);
    expect(html).toContain('<option value="missing_there" selected="">In ours only</option>');
    expect(html).not.toContain('Report compared');
  });

  it('takes the days covered from the form', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner();
    await insertConversion(partner.id, '2026-04-01T10:00:00Z', { transactionId: 'D-4', amountMinor: 2_000 });
    const text = 'N° commande,Montant TTC\nA-1,"100,00"\n';
    const location = await compare(admin, { partner: partner.id, from: '2026-03-01', to: '2026-04-30' }, text);
    const html = await page(admin, location);
    expect(textOf(html)).toContain('Days covered 1 Mar 2026 – 30 Apr 2026');
    expect(rowsOf(html, 'differences').map((r) => r[0])).toEqual(['Transaction', 'B-2', 'C-3', 'D-4']);
  });

  it('lists the differences 50 a page', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await createPartner();
    const rows = Array.from({ length: 53 }, (_, i) => `X-${String(i + 1).padStart(2, '0')},10.00`);
    const location = await compare(admin, { partner: partner.id }, ['transactionId,amount', ...rows].join('\n'));
    const first = await page(admin, location);
    const firstRows = rowsOf(first, 'differences').slice(1);
    expect(firstRows).toHaveLength(50);
    expect(firstRows[49]?.[0]).toBe('X-50');
    const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/console\/reconciliation\/\w+\?(.+&)?cursor=\w+/);
    const second = await page(admin, next as string);
    expect(
      rowsOf(second, 'differences')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['X-51', 'X-52', 'X-53']);
    expect(second).not.toContain('rel="next"');
  });

  it('lists past comparisons, newest first, with their counts', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner('Mister Auto');
    const location = await compare(admin, { partner: partner.id });
    const html = await page(admin, '/console/reconciliation');
    const rows = rowsOf(html, 'reports');
    expect(rows[0]).toEqual([
      'Uploaded',
      'Partner',
      'Days covered',
      'Their rows',
      'Matched',
      'In their report only',
      'In ours only',
      'Amount differs',
      'Status differs',
    ]);
    const mine = rows.find((r) => r[1] === 'Mister Auto');
    expect(mine?.slice(2)).toEqual(['10 Mar 2026 – 11 Mar 2026', '3', '2', '1', '1', '1', '1']);
    expect(html).toContain(`href="${location.split('?')[0]}"`);
    const filtered = await page(admin, `/console/reconciliation?partner=${partner.id}`);
    expect(
      rowsOf(filtered, 'reports')
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['Mister Auto']);
  });

  it('says next to the file what cannot be read, keeping the partner and dates chosen', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner();
    const res = await upload(
      admin,
      '/console/reconciliation',
      { partner: partner.id, from: '2026-03-01' },
      report('Order;Total\nA-1;10\n'),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('The report could not be compared.');
    expect(html).toContain(
      '<p class="hint bad" id="report-error">The report has no &quot;N° commande&quot; column for the transaction id.</p>',
    );
    expect(html).toContain('aria-describedby="report-hint report-error"');
    expect(html).toContain(`<option value="${partner.id}" selected="">`);
    expect(html).toContain('value="2026-03-01"');
  });

  it('asks for the partner, the file, and days in order', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner();
    const noPartner = await upload(admin, '/console/reconciliation', {}, report());
    expect(noPartner.status).toBe(400);
    expect(await noPartner.text()).toContain(
      '<p class="hint bad" id="partner-error">Choose the partner whose report this is.</p>',
    );
    const noFile = await upload(admin, '/console/reconciliation', { partner: partner.id });
    expect(noFile.status).toBe(400);
    expect(await noFile.text()).toContain(
      '<p class="hint bad" id="report-error">Choose the CSV file of the report.</p>',
    );
    const backwards = await upload(
      admin,
      '/console/reconciliation',
      { partner: partner.id, from: '2026-03-12', to: '2026-03-01' },
      report(),
    );
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain(
      '<p class="hint bad" id="from-error">The first day comes after the last.</p>',
    );
  });

  it('refuses a file over 5 MB', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner();
    const big = `N° commande\n${'x'.repeat(5 * 1024 * 1024)}\n`;
    const res = await upload(admin, '/console/reconciliation', { partner: partner.id }, report(big));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('<p class="hint bad" id="report-error">This file is over 5 MB.</p>');
  });

  it('speaks French', async () => {
    const admin = await signedIn({ role: 'admin' });
    const partner = await platformPartner();
    const location = await compare(admin, { partner: partner.id });
    const html = await page(admin, location, 200, { lang: 'fr' });
    expect(html).toContain('Rapport comparé : 4 différence(s) trouvée(s).');
    expect(rowsOf(html, 'differences')[1]).toEqual([
      'B-2',
      'Montant différent',
      'En attente',
      '50,00 €',
      '3',
      'Approuvée (Validée)',
      '45,00 €',
    ]);
  });
});

describe("a partner's user", () => {
  it('uploads for its own partner only, with its column names shown, and sees only its own comparisons', async () => {
    const own = await platformPartner('Oscaro');
    const other = await platformPartner('Norauto');
    const admin = await signedIn({ role: 'admin' });
    const othersReport = await compare(admin, { partner: other.id });
    const user = await signedIn({ role: 'partner', partnerId: own.id });

    const form = await page(user, '/console/reconciliation');
    expect(form).not.toContain('id="partner"');
    expect(textOf(form)).toContain(
      'Columns read: transaction id = "N° commande", amount = "Montant TTC", currency = "currency", status = "Statut", event = "event", date = "Date".',
    );
    expect(form).toContain('No report compared yet.');

    // A partner field naming another partner changes nothing: the report is its own.
    const location = await compare(user, { partner: other.id });
    const html = await page(user, location);
    expect(textOf(html)).toContain('Partner Oscaro');
    expect(html).not.toContain('Norauto');

    const list = await page(user, '/console/reconciliation');
    expect(rowsOf(list, 'reports')).toHaveLength(2);
    expect(rowsOf(list, 'reports')[0]).not.toContain('Partner');
    expect(list).not.toContain('Norauto');
    expect(list).not.toContain(other.id);

    await page(user, othersReport.split('?')[0] as string, 404);
    const asked = await page(user, `/console/reconciliation?partner=${other.id}`);
    expect(rowsOf(asked, 'reports')).toHaveLength(2);
    expect(asked).not.toContain('Norauto');
  });
});
