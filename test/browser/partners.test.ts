// The partners pages in Chromium: the admins' list and a partner's page, its test postback, status change by keyboard and network sync, and a partner's own page.
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { api } from './support/api';
import { useBrowserContext } from './support/context';
import { signInThroughInvite } from './support/invite';

const browser = useBrowserContext();

/** A partner of its own for the file, made through the API: the demo partners stay as they are. */
async function newPartner(name: string, status: string): Promise<{ id: string; slug: string }> {
  const slug = `${name.toLowerCase().replaceAll(' ', '-')}-${Date.now().toString(36)}`;
  const res = await api('/api/v1/partners', {
    method: 'POST',
    body: JSON.stringify({
      name,
      slug,
      status,
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: ['example.fr'],
      commissionRules: [{ percent: 8 }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

describe('the partners pages, as an admin', () => {
  it('lists the partners, filters them by status, and leads to a partner’s page', async () => {
    const partner = await newPartner('Browser Garage', 'active');
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    await page.goto('/console/partners');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Partners');
    // The demo programme's partners are listed with their figures.
    await expect(page.getByRole('link', { name: 'Autodoc', exact: true }).count()).resolves.toBe(1);
    await expectAccessible(page);

    await page.getByLabel('Status').selectOption('paused');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'paused');
    await expect(page.getByRole('link', { name: 'Browser Garage' }).count()).resolves.toBe(0);
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'active');

    await page.getByRole('link', { name: 'Browser Garage' }).click();
    await page.waitForURL((url) => url.pathname === `/console/partners/${partner.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Browser Garage');
    await expect(page.getByRole('button', { name: 'Copy: Postback URL' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Copy: Example: a signed POST' }).count()).resolves.toBe(1);
    await expectAccessible(page);
    await page.close();
  });

  it('sends a test postback and shows the answer', async () => {
    const partner = await newPartner('Browser Test Postback', 'active');
    const page = await browser.context.newPage();
    await page.goto(`/console/partners/${partner.id}`);
    await page.getByRole('button', { name: 'Send a test postback' }).click();
    await page.getByText('Answer: HTTP 200').first().waitFor();
    const answer = await page.locator('#test-result pre').first().textContent();
    expect(JSON.parse(answer ?? '')).toMatchObject({ status: 'recorded', dryRun: true, conversionId: null });
    await expectAccessible(page);
    const conversions = (await (await api(`/api/v1/conversions?partnerId=${partner.id}`)).json()) as {
      data: unknown[];
    };
    expect(conversions.data).toEqual([]);
    await page.close();
  });

  it('changes a partner’s status with the keyboard alone', async () => {
    const partner = await newPartner('Browser Keyboard', 'active');
    const page = await browser.context.newPage();
    await page.goto(`/console/partners/${partner.id}`);
    // From the status list: the choices are Prospect, Negotiating, Paused; two steps down is Paused.
    await page.getByLabel('New status').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('New status').inputValue()).toBe('paused');
    await page.keyboard.press('Tab');
    await expect(
      page
        .getByRole('button', { name: 'Change the status', exact: true })
        .evaluate((b) => b === b.ownerDocument.activeElement),
    ).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('done') === 'status');
    expect(await page.getByRole('status').first().textContent()).toBe('The status was changed.');
    expect(await page.locator('#lifecycle + p strong').textContent()).toBe('Paused');
    const stored = (await (await api(`/api/v1/partners/${partner.id}`)).json()) as { status: string };
    expect(stored.status).toBe('paused');
    await expectAccessible(page);
    await page.close();
  });

  it('issues new postback secrets once confirmed, and shows them once', async () => {
    const partner = await newPartner('Browser Secrets', 'active');
    const page = await browser.context.newPage();
    await page.goto(`/console/partners/${partner.id}`);
    // The plan form, opened, is checked with the rest of the page.
    await page.getByText('Schedule a new plan').click();
    await expectAccessible(page);
    const questions: string[] = [];
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Issue a new postback token and signing secret' }).click();
    await page.getByRole('heading', { name: 'New secrets of Browser Secrets' }).waitFor();
    expect(questions).toEqual([
      'Issue a new postback token and signing secret? The current token stops working at once.',
    ]);
    const token = await page.getByRole('button', { name: 'Copy: Postback token' }).getAttribute('data-copy');
    expect(token).toMatch(/^pbt_/);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Back to Browser Secrets' }).click();
    await page.waitForURL((url) => url.pathname === `/console/partners/${partner.id}`);
    expect(await page.content()).not.toContain(token);
    await page.close();
  });

  it('shows a partner’s network and syncs it now, the failure said', async () => {
    const partner = await newPartner('Browser Network', 'active');
    // The Worker itself stands for the network: it answers Awin's list with a 404, a failed sync.
    const connected = await api(`/api/v1/partners/${partner.id}`, {
      method: 'PATCH',
      body: JSON.stringify({
        network: {
          type: 'awin',
          publisherId: '45628',
          accessToken: 'browser-network-token',
          apiBase: inject('baseUrl'),
        },
      }),
    });
    expect(connected.status, await connected.clone().text()).toBe(200);
    const page = await browser.context.newPage();
    await page.goto(`/console/partners/${partner.id}`);
    await page.getByRole('heading', { name: 'Network', exact: true }).waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForURL((url) => url.searchParams.get('sync') === 'failed');
    expect(await page.getByRole('alert').first().textContent()).toBe(
      'The sync did not go through (its error is under Network): 0 imported, 0 updated, 0 unchanged, 0 failed.',
    );
    await page.getByText('the network answered HTTP 404').waitFor();
    expect(await page.content()).not.toContain('browser-network-token');
    await expectAccessible(page);
    await page.close();
  });

  it('shows the new-partner form accessibly', async () => {
    const page = await browser.context.newPage();
    await page.goto('/console/partners/new');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('New partner');
    await expectAccessible(page);
    await page.close();
  });
});

describe('a partner’s own page, as its user', () => {
  it('shows its setup read-only, runs a test postback, and finds no other partner', async () => {
    const own = await newPartner('Browser Own', 'active');
    const other = await newPartner('Browser Other', 'active');
    // A new session in the same browser replaces the admin's.
    const { page } = await signInThroughInvite(browser.context, { role: 'partner', partnerId: own.id });
    await page.getByRole('link', { name: 'Postback setup' }).click();
    await page.waitForURL((url) => url.pathname === `/console/partners/${own.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Browser Own');
    await expect(page.getByRole('button', { name: 'Change the status' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Save the domains' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /Issue a new/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Copy: Postback URL' }).count()).resolves.toBe(1);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Send a test postback' }).click();
    await page.getByText('Answer: HTTP 200').first().waitFor();
    await expectAccessible(page);

    for (const path of [`/console/partners/${other.id}`, '/console/partners']) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
      expect(await page.content()).not.toContain('Browser Other');
    }
    await page.close();
  });
});
