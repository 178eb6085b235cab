// The console's reports: breakdowns and time to convert over any range, a CSV of exactly the rows
// and columns shown, and a partner's user limited to its own partner.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import { createLink, createPartner } from '../support/builders';
import { browse, page, type Signed, signedIn } from '../support/console';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

/** Today is 12 March 2026 (UTC days in this project), 10:30. */
const NOW = Date.parse('2026-03-12T10:30:00Z');

beforeEach(async () => {
  await freshStorage();
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

const rebuild = (date: string, partnerId: string) =>
  api('POST', '/api/v1/reports/daily/rebuild', { body: { date, partnerId }, expect: 200 });

/** The report table's header and rows, as the page writes them. */
function table(html: string): { headers: string[]; rows: string[][] } {
  const start = html.indexOf('<table id="report-table">');
  if (start < 0) return { headers: [], rows: [] };
  const text = html.slice(start, html.indexOf('</table>', start));
  const cells = (row: string) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => (c[1] ?? '').replace(/<[^>]+>/g, ''));
  const [head = '', body = ''] = text.split('<tbody>');
  return {
    headers: cells(head.slice(head.indexOf('<thead>'))),
    rows: [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => cells(r[1] ?? '')),
  };
}

/** The CSV the page's download link leads to. */
async function downloaded(who: Signed, html: string): Promise<{ res: Response; rows: string[][] }> {
  const href = /<a class="button secondary" href="([^"]+)" download="">/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  if (!href) throw new Error('the page has no download link');
  const res = await browse(href, { cookie: who.cookie });
  return { res, rows: parseCsv(await res.text()).rows };
}

/** Autodoc's vehicles: clio-iv clicks on Tuesday (aggregated) and today (live), a 208 today, a sale. */
async function autodocVehicles() {
  const partner = await createPartner({ name: 'Autodoc' });
  const link = await createLink(partner.id);
  await insertClick(link, '2026-03-10T08:00:00Z', { sub1: 'clio-iv', device: 'mobile' });
  await insertClick(link, '2026-03-10T08:30:00Z', { sub1: 'clio-iv', isBot: true, device: 'bot' });
  await rebuild('2026-03-10', partner.id);
  await rebuild('2026-03-11', partner.id);
  const clio = await insertClick(link, '2026-03-12T08:00:00Z', { sub1: 'clio-iv', isUnique: false });
  await insertClick(link, '2026-03-12T08:10:00Z', { sub1: '208' });
  await insertConversion(partner.id, '2026-03-12T08:40:00Z', {
    click: clio,
    amountMinor: 12_000,
    commissionMinor: 960,
  });
  return { partner, link };
}

const VEHICLES = '/console/reports?dimension=sub1&from=2026-03-06&to=2026-03-12';

describe('GET /console/reports', () => {
  it('breaks the range down by vehicle type, today included, and downloads the same rows', async () => {
    await autodocVehicles();
    const admin = await signedIn({ role: 'admin' });

    const html = await page(admin, VEHICLES);

    const shown = table(html);
    expect(shown).toEqual({
      headers: [
        'Vehicle type (sub1)',
        'Clicks',
        'Unique clicks',
        'Conversions',
        'Conversion rate',
        'Revenue',
        'Commission',
        'Currency',
      ],
      rows: [
        ['clio-iv', '2', '1', '1', '50%', '€120.00', '€9.60', 'EUR'],
        ['208', '1', '1', '0', '0%', '€0.00', '€0.00', 'EUR'],
      ],
    });
    expect(html).toMatch(/<svg[^>]*role="img"/);
    expect(html).toContain('<title id="report-chart-title">Vehicle type (sub1): the first values</title>');

    const csv = await downloaded(admin, html);
    expect(csv.res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.res.headers.get('content-disposition')).toBe(
      'attachment; filename="report-sub1-2026-03-06-2026-03-12.csv"',
    );
    expect(csv.rows).toEqual([
      shown.headers,
      ['clio-iv', '2', '1', '1', '0.5', '120', '9.6', 'EUR'],
      ['208', '1', '1', '0', '0', '0', '0', 'EUR'],
    ]);
  });

  it('counts bot clicks in a column of their own when asked, in the CSV as on the page', async () => {
    await autodocVehicles();
    const admin = await signedIn({ role: 'admin' });

    const html = await page(admin, `${VEHICLES}&bots=1`);

    const shown = table(html);
    expect(shown.headers.slice(0, 5)).toEqual([
      'Vehicle type (sub1)',
      'Clicks',
      'Unique clicks',
      'Bot clicks',
      'Conversions',
    ]);
    expect(shown.rows.map((r) => r.slice(0, 5))).toEqual([
      ['clio-iv', '3', '1', '1', '1'],
      ['208', '1', '1', '0', '0'],
    ]);
    const csv = await downloaded(admin, html);
    expect(csv.rows[0]).toEqual(shown.headers);
    expect(csv.rows.slice(1).map((r) => r.slice(0, 5))).toEqual(shown.rows.map((r) => r.slice(0, 5)));
  });

  it('shows how long after the click conversions came, every bucket', async () => {
    const { partner, link } = await autodocVehicles();
    const early = await insertClick(link, '2026-03-01T08:00:00Z');
    await insertConversion(partner.id, '2026-03-12T09:00:00Z', { click: early });
    const admin = await signedIn({ role: 'admin' });

    const html = await page(admin, '/console/reports?dimension=time&from=2026-03-06&to=2026-03-12');

    const shown = table(html);
    expect(shown.headers).toEqual(['Time to convert', 'Conversions', 'Share']);
    expect(shown.rows.filter((r) => r[1] !== '0')).toEqual([
      ['10 to 60 minutes', '1', '50%'],
      ['7 to 30 days', '1', '50%'],
    ]);
    expect(shown.rows).toHaveLength(8);
    const csv = await downloaded(admin, html);
    expect(csv.rows).toHaveLength(9);
    expect(csv.rows.slice(1).map((r) => r[0])).toEqual(shown.rows.map((r) => r[0]));
    expect(csv.rows[3]).toEqual(['10 to 60 minutes', '1', '0.5']);
  });

  it('offers every dimension and keeps the filters in the URL', async () => {
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin, '/console/reports?dimension=country&bots=1');
    for (const d of ['source', 'placement', 'device', 'country', 'sub1', 'time']) {
      expect(html).toContain(`<option value="${d}"`);
    }
    expect(html).toContain('<option value="country" selected="">Country</option>');
    expect(html).toContain(
      'href="/console/reports?dimension=country&amp;bots=1&amp;from=2026-03-06&amp;to=2026-03-12"',
    );
    expect(html).toContain('No clicks or conversions in this range.');
  });

  it('refuses a range that ends after today, keeping what was typed', async () => {
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin, '/console/reports?to=2026-03-13', 400);
    expect(html).toContain('<p class="hint bad" id="to-error">This day has not come yet.</p>');
    expect(html).toContain('value="2026-03-13"');
  });
});

describe('GET /console/reports as a partner user', () => {
  it("shows its own partner's rows only, and another partner's answers 404, CSV included", async () => {
    const { partner } = await autodocVehicles();
    const other = await createPartner({ name: 'Norauto' });
    const otherLink = await createLink(other.id);
    await insertClick(otherLink, '2026-03-12T08:00:00Z', { sub1: 'megane-iii' });
    await insertConversion(other.id, '2026-03-12T08:10:00Z', { amountMinor: 77_700 });
    const autodoc = await signedIn({ role: 'partner', partnerId: partner.id });

    const html = await page(autodoc, VEHICLES);

    expect(table(html).rows.map((r) => r[0])).toEqual(['clio-iv', '208']);
    for (const secret of ['Norauto', other.id, 'megane-iii', '€777.00']) expect(html).not.toContain(secret);
    expect(html).not.toContain('id="partner"');
    const csv = await downloaded(autodoc, html);
    expect(csv.rows.map((r) => r[0])).toEqual(['Vehicle type (sub1)', 'clio-iv', '208']);

    await page(autodoc, `${VEHICLES}&partner=${other.id}`, 404);
    expect((await browse(`${VEHICLES}&partner=${other.id}&format=csv`, { cookie: autodoc.cookie })).status).toBe(404);
    await page(autodoc, `/console/reports?dimension=time&partner=${other.id}`, 404);
  });

  it('lets an admin choose the partner, named in the page', async () => {
    const { partner } = await autodocVehicles();
    await createPartner({ name: 'Norauto' });
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin, `${VEHICLES}&partner=${partner.id}`);
    expect(html).toContain('Figures of Autodoc');
    expect(html).toContain(`<option value="${partner.id}" selected="">Autodoc</option>`);
    expect(table(html).rows.map((r) => r[0])).toEqual(['clio-iv', '208']);
  });
});
