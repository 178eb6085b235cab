// Statements in Chromium: the list and its filters, a statement as printed, marking it paid with the keyboard.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { api } from './support/api';
import { useBrowserContext } from './support/context';
import { signInThroughInvite } from './support/invite';

const browser = useBrowserContext();

/** A partner with its legal identity, one approved sale of October 2026, and its October statement. */
async function statedPartner() {
  const name = `Stmt ${randomUUID().slice(0, 6)}`;
  const created = await api('/api/v1/partners', {
    method: 'POST',
    body: JSON.stringify({
      name,
      legalName: `${name} SAS`,
      address: '1 rue de Rivoli, 75001 Paris',
      vatNumber: 'FR00123456789',
      status: 'active',
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: ['example.com'],
      commissionRules: [{ percent: 10 }],
    }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const partner = (await created.json()) as { id: string; slug: string; postbackToken: string };
  const query = new URLSearchParams({
    token: partner.postbackToken,
    transactionId: `S-${randomUUID().slice(0, 8)}`,
    amount: '250.00',
    status: 'approved',
    occurredAt: '2026-10-15T10:00:00Z',
  });
  const pb = await fetch(new URL(`/pb/${partner.slug}?${query}`, inject('baseUrl')));
  expect(pb.status, await pb.text()).toBe(200);
  const run = await api('/api/v1/statements/run', {
    method: 'POST',
    body: JSON.stringify({ month: '2026-10', partnerId: partner.id }),
  });
  expect(run.status, await run.clone().text()).toBe(200);
  const [statement] = ((await run.json()) as { data: { id: string; number: string }[] }).data;
  if (!statement) throw new Error('no statement was made');
  return { ...partner, name, statement };
}

/** What of the browser's `document` the test reads (the tests are type-checked without the DOM's types). */
type FocusedDocument = { document: { activeElement: { textContent: string | null } | null } };

const cellsOf = (page: Page, selector: string) =>
  page
    .locator(selector)
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim())),
    );

describe('statements, as an admin', () => {
  it('finds a statement with the filters, prints it without the menu, and marks it paid', async () => {
    const partner = await statedPartner();
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    await page.goto('/console/statements');
    await expectAccessible(page);

    await page.getByLabel('Partner', { exact: true }).selectOption({ label: partner.name });
    await page.getByLabel('Month').fill('2026-10');
    await page.getByLabel('Status').selectOption({ label: 'Issued' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/month=2026-10/);
    expect(await cellsOf(page, '#statements tbody tr')).toEqual([
      [
        partner.statement.number,
        partner.name,
        'October 2026',
        '€25.00',
        '€5.00',
        '€30.00',
        'Issued',
        expect.any(String),
      ],
    ]);

    await page.getByRole('link', { name: partner.statement.number }).click();
    await page.waitForURL(`**/console/statements/${partner.statement.id}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      `Statement ${partner.statement.number}`,
    );
    expect(await cellsOf(page, '#totals tr')).toEqual([
      ['Commission', '€25.00'],
      ['Adjustments', '€0.00'],
      ['Total excl. VAT', '€25.00'],
      ['VAT at 20%', '€5.00'],
      ['Total incl. VAT', '€30.00'],
    ]);
    await expect(page.locator('main').textContent()).resolves.toContain(`${partner.name} SAS`);
    await expectAccessible(page);

    // Printed, the statement is the invoice alone: no menu, no way back, no form.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Main menu' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Mark paid' }).isVisible()).toBe(false);
    expect(await page.locator('#totals').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // With the keyboard alone: the date, then the button; the confirmation is accepted.
    page.once('dialog', (dialog) => {
      expect(dialog.message()).toBe(
        `Mark statement ${partner.statement.number} paid? A statement marked paid stays paid.`,
      );
      void dialog.accept();
    });
    await page.getByLabel('Payment received on').focus();
    // Tab walks the date's day, month and year, then leaves it for the button.
    const focused = () =>
      page.evaluate(() => (globalThis as unknown as FocusedDocument).document.activeElement?.textContent ?? '');
    for (let presses = 0; presses < 5 && (await focused()) !== 'Mark paid'; presses++) await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Mark paid');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?done=paid$/);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Statement marked paid.');
    await expect(page.locator('.facts').textContent()).resolves.toContain('Paid');
    expect(await page.getByRole('button', { name: 'Mark paid' }).count()).toBe(0);
    await expectAccessible(page);
  });

  it('keeps the statement issued when the confirmation is declined', async () => {
    const partner = await statedPartner();
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    await page.goto(`/console/statements/${partner.statement.id}`);
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Mark paid' }).click();
    expect(new URL(page.url()).search).toBe('');
    const stored = await api(`/api/v1/statements/${partner.statement.id}`);
    expect(((await stored.json()) as { status: string }).status).toBe('issued');
  });
});
