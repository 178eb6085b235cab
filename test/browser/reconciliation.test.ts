// Reconciliation in Chromium: a partner's CSV chosen in the file input, its differences, partner isolation.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { api } from './support/api';
import { newContext, useBrowserContext } from './support/context';
import { signInThroughInvite } from './support/invite';

const browser = useBrowserContext();

/** A partner of its own (the demo's names are taken) with two conversions of 10 November 2026. */
async function partnerWithSales(prefix: string) {
  const name = `${prefix} ${randomUUID().slice(0, 6)}`;
  const res = await api('/api/v1/partners', {
    method: 'POST',
    body: JSON.stringify({
      name,
      status: 'active',
      integration: 'affiliate_platform',
      category: 'pieces',
      allowedDomains: ['example.com'],
      commissionRules: [{ percent: 8 }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const partner = (await res.json()) as { id: string; slug: string; postbackToken: string };
  const txn = `${prefix.slice(0, 3).toUpperCase()}-${randomUUID().slice(0, 6)}`;
  for (const [n, amount] of [
    [1, '100.00'],
    [2, '50.00'],
  ] as const) {
    const query = new URLSearchParams({
      token: partner.postbackToken,
      transactionId: `${txn}-${n}`,
      amount,
      occurredAt: '2026-11-10T10:00:00Z',
    });
    const pb = await fetch(new URL(`/pb/${partner.slug}?${query}`, inject('baseUrl')));
    expect(pb.status, await pb.text()).toBe(200);
  }
  return { ...partner, name, txn };
}

/** Their report: the first sale at another amount, the second missing, one sale we never saw. */
const reportOf = (txn: string) =>
  Buffer.from(`transactionId,amount,occurredAt\n${txn}-1,90.00,2026-11-10\n${txn}-9,30.00,2026-11-10\n`);

async function uploadReport(page: Page, txn: string) {
  await page.getByLabel("Partner's report (CSV)").setInputFiles({
    name: 'report.csv',
    mimeType: 'text/csv',
    buffer: reportOf(txn),
  });
  await page.getByRole('button', { name: 'Compare with our conversions' }).click();
  await page.waitForURL(/\/console\/reconciliation\/rpt_\w+\?done=compared$/);
}

/** The text of each row of the differences table, cells joined by " | ". */
const differences = (page: Page) =>
  page
    .locator('#differences tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim()).join(' | ')),
    );

describe('reconciliation, as an admin', () => {
  it('uploads a CSV through the file input and shows the differences, filtered by kind', async () => {
    const partner = await partnerWithSales('Reco');
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    await page.goto('/console/reconciliation');
    await expectAccessible(page);
    await page.getByLabel('Partner', { exact: true }).selectOption({ label: partner.name });
    await uploadReport(page, partner.txn);

    await expect(page.getByRole('status').textContent()).resolves.toBe('Report compared: 3 difference(s) found.');
    expect(await differences(page)).toEqual([
      `${partner.txn}-1 | Amount differs | Pending | €100.00 | 2 |  | €90.00`,
      `${partner.txn}-9 | In their report only |  |  | 3 |  | €30.00`,
      `${partner.txn}-2 | In ours only | Pending | €50.00 |  |  | `,
    ]);
    await expectAccessible(page);

    await page.getByLabel('Difference', { exact: true }).selectOption({ label: 'In ours only' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/kind=missing_there/);
    expect(await differences(page)).toEqual([`${partner.txn}-2 | In ours only | Pending | €50.00 |  |  | `]);

    await page.getByRole('link', { name: 'All comparisons' }).click();
    await expect(page.locator('#reports tbody tr').first().textContent()).resolves.toContain(partner.name);
    await expectAccessible(page);
  });
});

describe("reconciliation, as a partner's user", () => {
  it("compares its own report only, and finds another partner's comparison missing", async () => {
    const own = await partnerWithSales('Mine');
    const other = await partnerWithSales('Theirs');
    const { page: adminPage } = await signInThroughInvite(browser.context, { role: 'admin' });
    await adminPage.goto('/console/reconciliation');
    await adminPage.getByLabel('Partner', { exact: true }).selectOption({ label: other.name });
    await uploadReport(adminPage, other.txn);
    const othersReport = new URL(adminPage.url()).pathname;

    const context = await newContext(browser.context.browser()!);
    try {
      const { page } = await signInThroughInvite(context, { role: 'partner', partnerId: own.id });
      await page.goto('/console/reconciliation');
      await expect(page.getByLabel('Partner', { exact: true }).count()).resolves.toBe(0);
      await expectAccessible(page);
      await uploadReport(page, own.txn);
      await expect(page.locator('main').textContent()).resolves.toContain(own.name);
      await page.getByRole('link', { name: 'All comparisons' }).click();
      const listed = await page.locator('main').textContent();
      expect(listed).not.toContain(other.name);

      const res = await page.goto(othersReport);
      expect(res?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Not found');
      for (const path of ['/console/statements', '/console/users']) {
        expect((await page.goto(path))?.status()).toBe(404);
      }
    } finally {
      await context.close();
    }
  });
});
