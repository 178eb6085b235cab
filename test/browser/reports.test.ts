// The console's reports in Chromium: breakdowns chosen with the filters, the CSV downloaded and read
// back row for row, a partner's user kept to its own partner, axe on every page.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import { expectAccessible } from './support/accessibility';
import { newContext, useBrowserContext } from './support/context';
import { signInThroughInvite } from './support/invite';
import { partnerWithTraffic, type Traffic } from './support/traffic';

const browser = useBrowserContext();

let autodoc: Traffic;
let norauto: Traffic;
beforeAll(async () => {
  autodoc = await partnerWithTraffic('Autodoc', ['clio-iv', 'clio-iv', '208']);
  norauto = await partnerWithTraffic('Norauto', ['megane-iii']);
});

/** The report table as the page shows it: its header and its rows, cell by cell. */
async function shownTable(page: Page): Promise<{ headers: string[]; rows: string[][] }> {
  const table = page.locator('#report-table');
  return {
    headers: await table.locator('thead th').allTextContents(),
    rows: await table
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')),
      ),
  };
}

/** Clicks "Download CSV" and reads the file the browser saved. */
async function downloadCsv(page: Page): Promise<{ name: string; rows: string[][] }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const file = await download.path();
  return { name: download.suggestedFilename(), rows: parseCsv(await readFile(file, 'utf8')).rows };
}

describe('the reports, as an admin', () => {
  it('breaks a partner down by vehicle type, and the CSV holds exactly the rows shown', async () => {
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    await page.goto('/console/reports');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Reports');
    await expectAccessible(page);

    await page.getByLabel('Break down by').selectOption({ label: 'Vehicle type (sub1)' });
    await page.getByLabel('Partner', { exact: true }).selectOption({ label: autodoc.partner.name });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('dimension') === 'sub1');
    // A quick range keeps the other filters.
    await page.getByRole('link', { name: 'Today', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === url.searchParams.get('to'));
    const url = new URL(page.url());
    expect([url.searchParams.get('dimension'), url.searchParams.get('partner')]).toEqual(['sub1', autodoc.partner.id]);

    const shown = await shownTable(page);
    expect(shown.headers).toEqual([
      'Vehicle type (sub1)',
      'Clicks',
      'Unique clicks',
      'Conversions',
      'Conversion rate',
      'Revenue',
      'Commission',
      'Currency',
    ]);
    expect(shown.rows).toEqual([
      ['clio-iv', '2', '2', '1', '50%', '€120.00', '€9.60', 'EUR'],
      ['208', '1', '1', '0', '0%', '€0.00', '€0.00', 'EUR'],
    ]);
    await expectAccessible(page);

    const csv = await downloadCsv(page);
    expect(csv.name).toMatch(/^report-sub1-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.rows).toEqual([
      shown.headers,
      ['clio-iv', '2', '2', '1', '0.5', '120', '9.6', 'EUR'],
      ['208', '1', '1', '0', '0', '0', '0', 'EUR'],
    ]);
  });

  it('shows bot clicks and the time to convert when asked', async () => {
    const page = await browser.context.newPage();
    await page.goto(`/console/reports?dimension=sub1&partner=${autodoc.partner.id}`);
    await page.getByLabel('Include bot clicks').check();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('bots') === '1');
    const withBots = await shownTable(page);
    expect(withBots.headers[3]).toBe('Bot clicks');
    expect(withBots.rows[0]?.slice(0, 4)).toEqual(['clio-iv', '3', '2', '1']);
    const csv = await downloadCsv(page);
    expect(csv.rows.map((r) => r[0])).toEqual([withBots.headers[0], ...withBots.rows.map((r) => r[0])]);
    expect(csv.rows[1]?.slice(0, 4)).toEqual(['clio-iv', '3', '2', '1']);

    await page.getByLabel('Break down by').selectOption({ label: 'Time to convert' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('dimension') === 'time');
    const times = await shownTable(page);
    expect(times.headers).toEqual(['Time to convert', 'Conversions', 'Share']);
    expect(times.rows.filter((r) => r[1] !== '0')).toEqual([['Under 1 minute', '1', '100%']]);
    await expectAccessible(page);
  });
});

describe("the reports, as a partner's user", () => {
  it('break down its own partner only; another partner in the URL is not found', async () => {
    const context = await newContext(browser.context.browser()!);
    try {
      const { page } = await signInThroughInvite(context, { role: 'partner', partnerId: autodoc.partner.id });
      await page.goto('/console/reports');
      await page.getByLabel('Break down by').selectOption({ label: 'Vehicle type (sub1)' });
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL((url) => url.searchParams.get('dimension') === 'sub1');
      expect((await shownTable(page)).rows.map((r) => r[0])).toEqual(['clio-iv', '208']);
      const html = await page.content();
      for (const other of [norauto.partner.name, norauto.partner.id, 'megane-iii']) expect(html).not.toContain(other);
      await expect(page.getByLabel('Partner', { exact: true }).count()).resolves.toBe(0);
      await expectAccessible(page);
      expect((await downloadCsv(page)).rows.map((r) => r[0])).toEqual(['Vehicle type (sub1)', 'clio-iv', '208']);

      const tampered = await page.goto(`/console/reports?dimension=sub1&partner=${norauto.partner.id}`);
      expect(tampered?.status()).toBe(404);
      expect(await page.content()).not.toContain('megane-iii');
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});
