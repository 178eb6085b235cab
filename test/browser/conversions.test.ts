// Conversions, the postback log, anomalies and deliveries in Chromium, as an admin and as a partner's user.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { api } from './support/api';
import { useBrowserContext } from './support/context';
import { signInThroughInvite } from './support/invite';

const browser = useBrowserContext();

type Partner = { id: string; name: string; slug: string; postbackToken: string };

async function newPartner(name: string, fields: Record<string, unknown> = {}): Promise<Partner> {
  const res = await api('/api/v1/partners', {
    method: 'POST',
    body: JSON.stringify({
      name,
      status: 'active',
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: ['example.com'],
      commissionRules: [{ percent: 8 }],
      ...fields,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Partner;
}

/** A postback from the partner's server, with its token (GET, as networks send them). */
async function postback(p: Partner, params: Record<string, string>): Promise<{ conversionId: string }> {
  const query = new URLSearchParams({ token: p.postbackToken, ...params });
  const res = await fetch(new URL(`/pb/${p.slug}?${query}`, inject('baseUrl')));
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { conversionId: string };
}

/** Text of the page's table rows holding `text`. */
const rowsWith = (page: Page, text: string) => page.locator('tbody tr', { hasText: text });

const run = randomUUID().slice(0, 8);
const txn = (name: string) => `${name}-${run}`;
let own: Partner;
let other: Partner;
const ids: Record<string, string> = {};

beforeAll(async () => {
  own = await newPartner(`Garage Dupont ${run}`, { webhookUrl: 'http://127.0.0.1:9/relais-push' });
  other = await newPartner(`Pneus Martin ${run}`);
  ids.pending = (await postback(own, { transactionId: txn('BR-PENDING'), amount: '120.00' })).conversionId;
  ids.approved = (
    await postback(own, { transactionId: txn('BR-APPROVED'), amount: '80.00', status: 'approved' })
  ).conversionId;
  // A sale in dollars while no rate is known for its day: flagged `missing_rate` at once.
  ids.dollars = (await postback(own, { transactionId: txn('BR-USD'), amount: '50.00', currency: 'USD' })).conversionId;
  ids.other = (await postback(other, { transactionId: txn('BR-OTHER'), amount: '60.00' })).conversionId;
  // A postback the partner got wrong: logged, refused, replayable.
  await fetch(new URL(`/pb/${own.slug}?token=${own.postbackToken}&amount=5`, inject('baseUrl')));
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const rebuilt = await api('/api/v1/reports/daily/rebuild', {
    method: 'POST',
    body: JSON.stringify({ date: yesterday, partnerId: own.id, push: true }),
  });
  expect(rebuilt.status, await rebuilt.clone().text()).toBe(200);
});

describe('as an admin', () => {
  let page: Page;
  /** The questions the console asked before each action, oldest first. */
  const asked: string[] = [];
  beforeAll(async () => {
    ({ page } = await signInThroughInvite(browser.context, { role: 'admin' }));
    // Every action asks first; the person agrees.
    page.on('dialog', (dialog) => {
      asked.push(dialog.message());
      return dialog.accept();
    });
  });

  it('filters the conversions table by partner and status', async () => {
    await page.goto('/console/conversions');
    await expectAccessible(page);
    await page.getByLabel('Partner').selectOption({ label: own.name });
    await page.getByLabel('Status').selectOption({ label: 'Pending' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=pending/);
    const url = new URL(page.url());
    expect(url.searchParams.get('partnerId')).toBe(own.id);
    await expect(rowsWith(page, txn('BR-PENDING')).count()).resolves.toBe(1);
    await expect(rowsWith(page, txn('BR-APPROVED')).count()).resolves.toBe(0);
    await expect(rowsWith(page, txn('BR-OTHER')).count()).resolves.toBe(0);
    await expectAccessible(page);
  });

  it('opens a conversion and approves it with the keyboard, after the confirmation', async () => {
    await page.getByRole('link', { name: txn('BR-PENDING') }).click();
    await page.waitForURL(`**/console/conversions/${ids.pending}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      `Conversion ${txn('BR-PENDING')}`,
    );
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Approve' }).press('Enter');
    await page.waitForURL(`**/console/conversions/${ids.pending}?done=approved`);
    expect(asked.at(-1)).toBe('Approve this conversion? Its commission becomes payable.');
    await expect(page.getByRole('status').textContent()).resolves.toBe('The conversion is approved.');
    await expect(page.locator('dd .badge').first().textContent()).resolves.toBe('Approved');
    await expect(rowsWith(page, 'Pending → Approved').count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await expectAccessible(page);
  });

  it('records a refund on a conversion', async () => {
    await page.goto(`/console/conversions/${ids.approved}`);
    await page.getByLabel('Refunded total (EUR)').fill('20.00');
    await page.getByRole('button', { name: 'Record the refund' }).click();
    await page.waitForURL(/done=refunded/);
    // 8% of the 60.00 that remains.
    await expect(page.locator('dt:text-is("Commission") + dd').first().textContent()).resolves.toBe('€4.80');
    await expectAccessible(page);
  });

  it('walks the postback log, an entry and its replay', async () => {
    await page.goto(`/console/postbacks?partnerId=${own.id}`);
    await expectAccessible(page);
    await page.getByLabel('Outcome').selectOption({ label: 'Refused' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/outcome=rejected/);
    await page.locator('tbody tr th a').first().click();
    await page.waitForURL(/\/console\/postbacks\/pbl_/);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Try it (dry run)' }).click();
    await page.waitForURL(/done=dry-run/);
    await expect(page.locator('dt:text-is("Outcome") + dd').textContent()).resolves.toBe('Refused');
    await expectAccessible(page);
    await page.goto('/console/postbacks/failures');
    await expectAccessible(page);
  });

  it('resolves an anomaly', async () => {
    await page.goto(`/console/anomalies?partnerId=${own.id}&state=open`);
    await expectAccessible(page);
    const row = rowsWith(page, 'Exchange rate missing');
    await expect(row.count()).resolves.toBe(1);
    await row.getByRole('button', { name: /^Resolve/ }).click();
    await page.waitForURL(/done=resolved/);
    await expect(page.getByRole('status').textContent()).resolves.toBe('The anomaly is resolved.');
    await expect(rowsWith(page, 'Exchange rate missing').count()).resolves.toBe(0);
    await expectAccessible(page);
  });

  it('walks the deliveries and sends one again', async () => {
    await page.goto('/console/deliveries');
    await page.getByLabel('Partner').selectOption({ label: own.name });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/partnerId=/);
    await expectAccessible(page);
    await page.locator('tbody tr th a').first().click();
    await page.waitForURL(/\/console\/deliveries\/dlv_/);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Send again' }).click();
    await page.waitForURL(/done=retried/);
    expect(asked.at(-1)).toBe('Send this day’s figures to the partner again?');
    await expect(page.getByRole('status').textContent()).resolves.toBe('The delivery is queued again.');
    await expectAccessible(page);
  });
});

describe('as a partner’s user', () => {
  let page: Page;
  beforeAll(async () => {
    ({ page } = await signInThroughInvite(browser.context, { role: 'partner', partnerId: own.id }));
  });

  it('sees its own conversions only, and reads one without review buttons', async () => {
    await page.goto('/console/conversions');
    await expectAccessible(page);
    await expect(page.getByLabel('Partner').count()).resolves.toBe(0);
    await expect(rowsWith(page, txn('BR-PENDING')).count()).resolves.toBe(1);
    await expect(page.content()).resolves.not.toContain(other.name);
    await page.getByRole('link', { name: txn('BR-USD') }).click();
    await page.waitForURL(`**/console/conversions/${ids.dollars}`);
    await expect(page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await expectAccessible(page);
  });

  it('gets Not found for another partner’s conversion and for the anomalies', async () => {
    const res = await page.goto(`/console/conversions/${ids.other}`);
    expect(res?.status()).toBe(404);
    await expect(page.content()).resolves.not.toContain(other.name);
    await expectAccessible(page);
    expect((await page.goto(`/console/conversions?partnerId=${other.id}`))?.status()).toBe(404);
    expect((await page.goto('/console/anomalies'))?.status()).toBe(404);
  });

  it('walks its postback log and deliveries', async () => {
    await page.goto('/console/postbacks');
    await expectAccessible(page);
    await page.locator('tbody tr th a').first().click();
    await page.waitForURL(/\/console\/postbacks\/pbl_/);
    await expect(page.getByRole('button', { name: 'Replay the postback' }).count()).resolves.toBe(0);
    await expectAccessible(page);
    await page.goto('/console/deliveries');
    await expectAccessible(page);
    await page.locator('tbody tr th a').first().click();
    await page.waitForURL(/\/console\/deliveries\/dlv_/);
    await expect(page.getByRole('button', { name: 'Send again' }).count()).resolves.toBe(0);
    await expectAccessible(page);
  });
});
