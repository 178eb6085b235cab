// Console users in Chromium: an invitation made in the form and opened in another browser, then the person removed.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { api } from './support/api';
import { newContext, useBrowserContext } from './support/context';
import { signInThroughInvite, TEST_PASSWORD } from './support/invite';

const browser = useBrowserContext();

async function newPartner() {
  const name = `Users ${randomUUID().slice(0, 6)}`;
  const res = await api('/api/v1/partners', {
    method: 'POST',
    body: JSON.stringify({
      name,
      status: 'active',
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: ['example.com'],
      commissionRules: [{ percent: 8 }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return { ...((await res.json()) as { id: string }), name };
}

describe('users, as an admin', () => {
  it('invites a partner user, who opens the link in another browser, chooses a password; then removes them', async () => {
    const partner = await newPartner();
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    await page.goto('/console/users');
    await expectAccessible(page);

    const email = `anne-${randomUUID().slice(0, 8)}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Role').selectOption({ label: 'Partner user' });
    await page.getByLabel('Partner', { exact: true }).selectOption({ label: partner.name });
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.waitForLoadState();
    const shown = page.getByRole('status');
    await expect(shown.locator('p').textContent()).resolves.toBe(
      `Invitation ready for ${email}. Send them this link: it works once, for 7 days, and is not shown again.`,
    );
    const inviteUrl = (await shown.locator('code').textContent()) ?? '';
    expect(inviteUrl).toMatch(/\/console\/invite\/[\w-]+$/);
    await expect(page.getByRole('button', { name: `Copy: invitation link for ${email}` }).isVisible()).resolves.toBe(
      true,
    );
    await expectAccessible(page);

    // The person, in a browser of their own.
    const theirs = await newContext(browser.context.browser()!);
    try {
      const their = await theirs.newPage();
      await their.goto(inviteUrl);
      await their.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
      await their.getByLabel('Password', { exact: true }).press('Enter');
      await their.waitForURL((url) => url.pathname === '/console');
      // The link worked once.
      expect((await their.goto(inviteUrl))?.status()).toBe(404);
      await their.goto('/console/reconciliation');
      await expect(their.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Reconciliation');

      await page.goto('/console/users');
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: email }) });
      await expect(row.getByRole('cell').nth(3).textContent()).resolves.toBe('Accepted');
      await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe(partner.name);

      page.once('dialog', (dialog) => {
        expect(dialog.message()).toBe(`Remove ${email}? They are signed out everywhere at once.`);
        void dialog.accept();
      });
      await row.getByRole('button', { name: `Remove ${email}` }).click();
      await page.waitForURL(/done=removed/);
      await expect(page.getByRole('status').textContent()).resolves.toBe('User removed and signed out everywhere.');
      expect(await page.getByRole('rowheader', { name: email }).count()).toBe(0);
      await expectAccessible(page);

      // Their next page is the sign-in form.
      await their.goto('/console/reconciliation');
      expect(new URL(their.url()).pathname).toBe('/console/login');
      await expect(their.getByLabel('Email').isVisible()).resolves.toBe(true);
    } finally {
      await theirs.close();
    }
  });

  it('sends a new invitation, whose link replaces the first', async () => {
    const { page } = await signInThroughInvite(browser.context, { role: 'admin' });
    const email = `bob-${randomUUID().slice(0, 8)}@example.com`;
    await page.goto('/console/users');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Role').selectOption({ label: 'Admin' });
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.waitForLoadState();
    const first = (await page.getByRole('status').locator('code').textContent()) ?? '';

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Send a new invitation to ${email}` }).click();
    await page.waitForURL(/\/invite$/);
    const second = (await page.getByRole('status').locator('code').textContent()) ?? '';
    expect(second).toMatch(/\/console\/invite\/[\w-]+$/);
    expect(second).not.toBe(first);
    await expectAccessible(page);
    const theirs = await newContext(browser.context.browser()!);
    try {
      const their = await theirs.newPage();
      expect((await their.goto(first))?.status()).toBe(404);
      expect((await their.goto(second))?.status()).toBe(200);
    } finally {
      await theirs.close();
    }
  });
});
